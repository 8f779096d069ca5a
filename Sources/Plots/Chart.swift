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
    ///
    /// - Throws: a ``PlotError``: ``PlotError/noPositiveData(chart:axis:)`` when a log axis
    ///   has no positive value to show, ``PlotError/cairo(operation:status:path:)`` when
    ///   cairo cannot make an image the chart draws.
    func draw(on canvas: Canvas) throws
}

extension Chart {
    /// The chart as an SVG document (UTF-8 bytes).
    ///
    /// - Throws: what ``draw(on:)`` throws, and ``PlotError/cairo(operation:status:path:)``
    ///   when cairo cannot make the surface or write the document.
    public func svgData() throws -> [UInt8] {
        try Rendering.svg(self)
    }

    /// The chart as a PNG image of `width * scale` x `height * scale` pixels
    /// (`scale: 2` gives sharp images on high-density screens).
    ///
    /// - Parameter scale: image pixels per chart pixel, at least 1.
    /// - Throws: what ``draw(on:)`` throws, and ``PlotError/cairo(operation:status:path:)``
    ///   when cairo cannot make the surface or encode the PNG.
    public func pngData(scale: Int = 1) throws -> [UInt8] {
        try Rendering.png(self, scale: scale)
    }

    /// Writes the chart to `path`, as SVG or PNG according to its extension
    /// (`.svg` or `.png`, any letter case). `scale` applies to PNG only.
    ///
    /// - Parameters:
    ///   - path: the file to write; its extension picks the format.
    ///   - scale: image pixels per chart pixel for a PNG, at least 1.
    /// - Throws: ``PlotError/unsupportedFormat(path:)`` for any other extension,
    ///   ``PlotError/cairo(operation:status:path:)`` when cairo fails and
    ///   ``PlotError/writeFailed(path:reason:)`` when the file cannot be written, each naming
    ///   `path`; ``PlotError/noPositiveData(chart:axis:)`` as ``draw(on:)`` throws it.
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
