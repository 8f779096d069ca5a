import Foundation

/// JSON as the package's records are written (checkpoint states, the ablation's run files):
/// sorted keys, so the same value gives the same bytes, and NaN and the infinities, which JSON
/// lacks, as the strings "nan", "inf" and "-inf", so a diverged run's numbers survive.
public enum RecordJSON {
    /// An encoder: indented when `pretty`, keys in snake_case when `snakeCase`.
    public static func encoder(pretty: Bool = false, snakeCase: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The decoder that reads what `encoder` wrote.
    public static func decoder(snakeCase: Bool = false) -> JSONDecoder {
        let decoder = JSONDecoder()
        if snakeCase { decoder.keyDecodingStrategy = .convertFromSnakeCase }
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
