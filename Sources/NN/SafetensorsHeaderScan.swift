/// A walk over a safetensors header's JSON that finds what `JSONDecoder` lets through or
/// misreports: the same key twice in one object (the decoder keeps one value and drops the
/// other without a word; the reference implementation refuses the file) and an integer too
/// large for `Int` (the decoder calls the whole header "not valid JSON").
///
/// It is no validator: at the first thing it does not expect it stops and finds nothing,
/// leaving the decoder to say what is wrong with the JSON.
enum HeaderScan {
    enum Finding: Equatable {
        /// `key` appears twice in the object at `object` ("" for the top level).
        case duplicateKey(String, object: String)
        /// An integer beyond `Int`, as written, and the key path to it.
        case numberTooLarge(String, location: String)
    }

    /// The first finding in `bytes`, or nil.
    static func check(_ bytes: [UInt8]) -> Finding? {
        var walker = Walker(bytes: bytes)
        do {
            try walker.value(path: "", depth: 0)
            return nil
        } catch .found(let finding) {
            return finding
        } catch {
            return nil
        }
    }

    private enum Stop: Error {
        case found(Finding)
        /// Not JSON the walker understands: the decoder reports it.
        case malformed
    }

    private struct Walker {
        let bytes: [UInt8]
        var index = 0

        /// Headers are three levels deep; far deeper is malformed (and would exhaust the stack).
        static let deepest = 64

        mutating func value(path: String, depth: Int) throws(Stop) {
            guard depth < Self.deepest else { throw .malformed }
            skipSpace()
            guard index < bytes.count else { throw .malformed }
            switch bytes[index] {
            case UInt8(ascii: "{"): try object(path: path, depth: depth)
            case UInt8(ascii: "["): try array(path: path, depth: depth)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number(path: path)
            default: try word()
            }
        }

        private mutating func object(path: String, depth: Int) throws(Stop) {
            index += 1  // {
            var keys: Set<String> = []
            skipSpace()
            if peek(UInt8(ascii: "}")) {
                index += 1
                return
            }
            while true {
                skipSpace()
                guard peek(UInt8(ascii: "\"")) else { throw .malformed }
                let key = try string()
                if !keys.insert(key).inserted {
                    throw .found(.duplicateKey(key, object: path))
                }
                skipSpace()
                guard peek(UInt8(ascii: ":")) else { throw .malformed }
                index += 1
                try value(path: path.isEmpty ? key : "\(path).\(key)", depth: depth + 1)
                skipSpace()
                if peek(UInt8(ascii: ",")) {
                    index += 1
                } else if peek(UInt8(ascii: "}")) {
                    index += 1
                    return
                } else {
                    throw .malformed
                }
            }
        }

        private mutating func array(path: String, depth: Int) throws(Stop) {
            index += 1  // [
            skipSpace()
            if peek(UInt8(ascii: "]")) {
                index += 1
                return
            }
            while true {
                try value(path: path, depth: depth + 1)
                skipSpace()
                if peek(UInt8(ascii: ",")) {
                    index += 1
                } else if peek(UInt8(ascii: "]")) {
                    index += 1
                    return
                } else {
                    throw .malformed
                }
            }
        }

        /// A string literal, its escapes decoded (so `"a"` and `"\u0061"` are the same key).
        private mutating func string() throws(Stop) -> String {
            index += 1  // "
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush()
                    guard index < bytes.count else { throw .malformed }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "b"): scalars.append("\u{8}")
                    case UInt8(ascii: "f"): scalars.append("\u{C}")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code), peek(UInt8(ascii: "\\")),
                            index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u")
                        {
                            index += 2
                            let low = try hex4()
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw .malformed }
                        scalars.append(scalar)
                    default: scalars.append(Unicode.Scalar(escape))  // \" \\ \/
                    }
                default:
                    raw.append(byte)
                }
            }
            throw .malformed
        }

        private mutating func hex4() throws(Stop) -> UInt32 {
            guard index + 4 <= bytes.count,
                let code = UInt32(
                    String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
            else { throw .malformed }
            index += 4
            return code
        }

        private mutating func number(path: String) throws(Stop) {
            let start = index
            while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) {
                index += 1
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            let isInteger = !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
            if isInteger && Int(text) == nil {
                throw .found(.numberTooLarge(text, location: path))
            }
        }

        /// `true`, `false` or `null`.
        private mutating func word() throws(Stop) {
            for word in ["true", "false", "null"] {
                let utf8 = Array(word.utf8)
                if index + utf8.count <= bytes.count,
                    Array(bytes[index..<(index + utf8.count)]) == utf8
                {
                    index += utf8.count
                    return
                }
            }
            throw .malformed
        }

        private mutating func skipSpace() {
            while index < bytes.count, " \t\n\r".utf8.contains(bytes[index]) { index += 1 }
        }

        private func peek(_ byte: UInt8) -> Bool {
            index < bytes.count && bytes[index] == byte
        }
    }
}
