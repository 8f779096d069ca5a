import CZlib

// gzip (RFC 1952) through zlib: the Debian package ships the IDX files compressed.
//
// Reading inflates a file that is already in memory with `inflate`, rather than going through
// `gzread`: `gzread` silently passes through bytes that are not gzip at all, and reports a
// stream that ends early only as a short read, while `inflate` tells the cases apart, so the
// errors can say which one happened.

/// The two bytes every gzip stream starts with.
let gzipMagic: (UInt8, UInt8) = (0x1f, 0x8b)

/// Whether `bytes` start with the gzip magic bytes.
func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == gzipMagic.0 && bytes[1] == gzipMagic.1
}

/// Decompresses a whole gzip file held in memory: one member, or several concatenated (as
/// `cat a.gz b.gz` makes), which decompress to their contents concatenated.
///
/// - Parameters:
///   - compressed: the file's bytes, starting with the gzip magic.
///   - path: the file's name, for error messages.
/// - Throws: `DatasetError` `.notGzip` without the magic bytes; `.corruptGzip` for a damaged
///   stream (zlib's own message included), a stream that ends early, or stray bytes after it.
func gunzip(_ compressed: [UInt8], path: String) throws(DatasetError) -> [UInt8] {
    guard isGzip(compressed) else {
        let start = compressed.prefix(2).map { hex($0) }.joined(separator: " ")
        throw DatasetError(
            .notGzip, path: path,
            "not a gzip file: it starts with \(start.isEmpty ? "nothing" : start), "
                + "expected 0x1f 0x8b")
    }
    // The last four bytes of a gzip member hold its uncompressed size modulo 2^32: a good first
    // guess for the output buffer (capped, since a damaged file can claim anything; deflate
    // compresses at most about 1032:1).
    let claimed = compressed.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
    var output = [UInt8](
        repeating: 0, count: max(1 << 16, min(claimed, compressed.count * 1032, 1 << 31)))
    var produced = 0
    var consumed = 0
    while true {
        let (memberEnd, memberOutput) = try inflateMember(
            compressed, from: consumed, into: &output, at: produced, path: path)
        consumed = memberEnd
        produced = memberOutput
        let rest = compressed[consumed...]
        if rest.isEmpty || rest.allSatisfy({ $0 == 0 }) { break }  // gzip tolerates zero padding
        guard isGzip(Array(rest.prefix(2))) else {
            throw DatasetError(
                .corruptGzip, path: path,
                "corrupt gzip stream: \(rest.count) unexpected bytes after the end of the stream")
        }
    }
    output.removeLast(output.count - produced)
    return output
}

/// Inflates the gzip member that starts at `compressed[start]` into `output[produced...]`,
/// growing `output` as needed.
/// - Returns: the index just past the member in `compressed`, and the new output length.
private func inflateMember(
    _ compressed: [UInt8], from start: Int, into output: inout [UInt8], at produced: Int,
    path: String
) throws(DatasetError) -> (consumed: Int, produced: Int) {
    var stream = z_stream()
    // `inflateInit2` is a C macro; this is what it expands to. Window bits 15 + 16: gzip only.
    let initStatus = inflateInit2_(
        &stream, MAX_WBITS + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else {
        throw DatasetError(.corruptGzip, path: path, "zlib could not start (status \(initStatus))")
    }
    defer { inflateEnd(&stream) }

    var written = produced
    var status = Z_OK
    compressed.withUnsafeBufferPointer { input in
        let remaining = input.count - start
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + start)
        stream.avail_in = UInt32(clamping: remaining)
        repeat {
            if written == output.count {
                output.append(contentsOf: repeatElement(0, count: output.count))
            }
            status = output.withUnsafeMutableBufferPointer { out in
                let room = UInt32(clamping: out.count - written)
                stream.next_out = out.baseAddress! + written
                stream.avail_out = room
                let result = inflate(&stream, Z_NO_FLUSH)
                written += Int(room - stream.avail_out)
                return result
            }
        } while status == Z_OK
    }
    let consumed = compressed.count - Int(stream.avail_in)
    switch status {
    case Z_STREAM_END:
        return (consumed, written)
    case Z_BUF_ERROR:
        // No progress possible with room to write: the input ran out mid-stream.
        throw DatasetError(
            .corruptGzip, path: path,
            "corrupt gzip stream: it ends early (the file is cut short?) after "
                + "\(written) decompressed bytes")
    default:
        let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
        throw DatasetError(
            .corruptGzip, path: path,
            "corrupt gzip stream: \(reason) (after \(written) decompressed bytes)")
    }
}

/// Writes `bytes` to `path` as a gzip file (zlib's `gzopen`/`gzwrite`), for tests and for
/// saving data sets in the format the readers expect.
/// - Throws: `DatasetError` `.unreadable` when the file cannot be created or written.
func writeGzip(_ bytes: [UInt8], to path: String) throws(DatasetError) {
    guard let file = gzopen(path, "wb") else {
        throw DatasetError(.unreadable, path: path, "cannot be created for writing")
    }
    var failure: DatasetError?
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let length = min(raw.count - offset, 1 << 30)
            let wrote = gzwrite(file, raw.baseAddress! + offset, UInt32(length))
            if wrote <= 0 {
                failure = DatasetError(.unreadable, path: path, "gzip write failed")
                return
            }
            offset += Int(wrote)
        }
    }
    let closeStatus = gzclose(file)
    if let failure { throw failure }
    guard closeStatus == Z_OK else {
        throw DatasetError(.unreadable, path: path, "gzip close failed (status \(closeStatus))")
    }
}

/// `0x1f`-style hexadecimal for one byte.
func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16)
    return "0x" + (digits.count == 1 ? "0" + digits : digits)
}
