import Foundation
import TextFormat

/// Anything drawn on a `Canvas` and written as SVG or PNG: `LineChart`, `BarChart`,
/// `Heatmap` and `ImageGrid`.
///
/// ```swift
/// try chart.write(to: "error.svg")   // or "error.png"
/// ```
public protocol Chart: Sendable {
    /// The chart's title; also the SVG document's `<title>`. May be empty.
    var title: String { get }
    /// Width of the drawing in pixels.
    var width: Int { get }
    /// Height of the drawing in pixels.
    var height: Int { get }
    /// Draws the chart on a white canvas of `width` x `height` pixels.
    func draw(on canvas: Canvas) throws
}

extension Chart {
    /// The chart as an SVG document (UTF-8 bytes).
    public func svgData() throws -> [UInt8] {
        try Rendering.svg(self)
    }

    /// The chart as a PNG image of `width * scale` x `height * scale` pixels
    /// (`scale: 2` gives sharp images on high-density screens).
    public func pngData(scale: Int = 1) throws -> [UInt8] {
        try Rendering.png(self, scale: scale)
    }

    /// Writes the chart to `path`, as SVG or PNG according to its extension
    /// (`.svg` or `.png`, any letter case). `scale` applies to PNG only.
    ///
    /// - Throws: `PlotError.unsupportedFormat` for any other extension, `PlotError.cairo`
    ///   when drawing fails and `PlotError.writeFailed` when the file cannot be written;
    ///   each names `path`.
    public func write(to path: String, scale: Int = 1) throws {
        let bytes: [UInt8]
        do {
            switch OutputFormat(path: path) {
            case .svg: bytes = try svgData()
            case .png: bytes = try pngData(scale: scale)
            case nil: throw PlotError.unsupportedFormat(path: path)
            }
        } catch let error as PlotError {
            throw error.naming(path: path)
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PlotError.writeFailed(path: path, reason: describeWriteFailure(path, error))
        }
    }
}

/// The file formats `Chart.write(to:)` knows, from a path's extension.
enum OutputFormat {
    case svg
    case png

    init?(path: String) {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "svg": self = .svg
        case "png": self = .png
        default: return nil
        }
    }
}
