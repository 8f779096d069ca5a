import Foundation
import Plots
import Testing

/// A small training-curve chart, like the ones lessons draw.
private func trainingChart() -> LineChart {
    var chart = LineChart(
        title: "Training curves", xLabel: "iteration", yLabel: "error", width: 400, height: 260)
    let steps = (0..<20).map { Double($0) * 100 }
    let mean = steps.map { 0.1 + 0.8 * exp(-$0 / 500) }
    chart.add(
        LineSeries(
            "ResNet-20", x: steps, y: mean,
            band: (lower: mean.map { $0 - 0.02 }, upper: mean.map { $0 + 0.02 })))
    chart.add(LineSeries("plain-20", x: steps, y: mean.map { $0 + 0.05 }, style: .dashed))
    return chart
}

@Suite("Chart output: SVG, PNG and files")
struct ChartOutputTests {
    @Test("SVG is well-formed XML holding the title, axis labels and legend names")
    func svgContents() throws {
        let document = parseSVG(try trainingChart().svgData())
        #expect(document.title == "Training curves")
        #expect(document.rootAttributes["width"] == "400px")
        #expect(document.rootAttributes["height"] == "260px")
        expectDrawn(
            ["Training curves", "iteration", "error", "ResNet-20", "plain-20"], in: document)
    }

    @Test("PNG has the signature and the requested size, times the scale", arguments: [1, 2])
    func pngSize(scale: Int) throws {
        let size = PlotsTests.pngSize(try trainingChart().pngData(scale: scale))
        #expect(size?.width == 400 * scale)
        #expect(size?.height == 260 * scale)
    }

    @Test("write(to:) picks the format from the extension")
    func writeFiles() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("plots-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let chart = trainingChart()
        try chart.write(to: directory.appendingPathComponent("chart.PNG").path)
        try chart.write(to: directory.appendingPathComponent("chart.svg").path)
        let png = try Data(contentsOf: directory.appendingPathComponent("chart.PNG"))
        let svg = try Data(contentsOf: directory.appendingPathComponent("chart.svg"))
        #expect(PlotsTests.pngSize([UInt8](png))?.width == 400)
        #expect(String(decoding: svg, as: UTF8.self).contains("<svg"))
    }

    @Test(
        "an unknown extension is an error naming the path",
        arguments: ["chart.pdf", "chart", "out.svg/chart"])
    func badExtension(path: String) {
        #expect(throws: PlotError.unsupportedFormat(path: path)) {
            try trainingChart().write(to: path)
        }
        #expect(PlotError.unsupportedFormat(path: path).description.contains(path))
    }

    @Test("a file that cannot be written is an error naming the path")
    func unwritablePath() {
        let path = "/nonexistent-directory-for-plots-tests/chart.png"
        do {
            try trainingChart().write(to: path)
            Issue.record("writing to \(path) should fail")
        } catch let error as PlotError {
            guard case .writeFailed(let failedPath, _) = error else {
                Issue.record("expected writeFailed, got \(error)")
                return
            }
            #expect(failedPath == path)
            #expect(error.description.contains(path))
        } catch {
            Issue.record("expected a PlotError, got \(error)")
        }
    }
}
