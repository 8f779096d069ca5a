/// The value of one DOT attribute: plain text or an HTML-like label.
///
/// A string literal is a `.string`, so `["label": "x = 2.0", "shape": "box"]` reads naturally.
/// Integer and floating-point literals become their decimal text (`"penwidth": 2`).
///
/// - `.string(text)`: the text as the reader should see it. A plain word or number (`box`,
///   `LR`, `2`) is written bare; anything else goes between double quotes, with `"` and `\`
///   escaped and line breaks turned into DOT's `\n`, so any text is safe. Record-shaped
///   labels (`"{ a | data 2.0 | grad 0.0 }"` on a `shape=record` node) are plain strings too.
/// - `.html(markup)`: an HTML-like label, written unquoted between `<` and `>`, so
///   `.html("<b>tanh</b>")` becomes `label=<<b>tanh</b>>`. The markup is passed on as it is:
///   escape any text you put inside it with ``DOTValue/escapeHTML(_:)``.
public enum DOTValue: Hashable, Sendable {
    /// Plain text, quoted and escaped as needed when written.
    case string(String)
    /// HTML-like markup, written as it is between `<` and `>`.
    case html(String)

    /// `text` with the five characters that HTML-like labels treat specially (`&`, `<`, `>`,
    /// `"`, `'`) replaced by entities, ready to go inside `.html(...)` markup.
    public static func escapeHTML(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The value as it appears after `key=` in DOT source.
    public var dotText: String {
        switch self {
        case .string(let text): return DOTSyntax.id(text)
        case .html(let markup): return "<" + markup + ">"
        }
    }
}

extension DOTValue: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    /// The text of a string literal as ``string(_:)``: `"box"` is `.string("box")`.
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension DOTValue: ExpressibleByIntegerLiteral {
    /// An integer literal as its decimal text: `2` is `.string("2")`.
    public init(integerLiteral value: Int) {
        self = .string(String(value))
    }
}

extension DOTValue: ExpressibleByFloatLiteral {
    /// A floating-point literal as Swift prints the `Double`: `0.5` is `.string("0.5")`.
    public init(floatLiteral value: Double) {
        self = .string(String(value))
    }
}

extension DOTValue: CustomStringConvertible {
    /// The value as DOT source writes it, the same as ``dotText``.
    public var description: String { dotText }
}
