import Foundation
import Testing

@testable import Plots

@Suite("Contour charts and panels")
struct ContourAndPanelsTests {
    /// f(x, y) = x + 2y on a 5 × 5 grid over [−1, 1]².
    private func plane() -> ContourChart {
        let axis = [-1.0, -0.5, 0, 0.5, 1]
        return ContourChart(
            title: "plane", x: axis, y: axis, values: axis.map { y in axis.map { x in x + 2 * y } },
            xLabel: "x", yLabel: "y", marker: (0, 0))
    }

    @Test("contour lines of a plane lie on x + 2y = level")
    func contoursOfAPlane() {
        let chart = plane()
        for level in [-1.0, 0.25, 1.5] {
            let segments = chart.contourSegments(chart.values, level: level)
            #expect(!segments.isEmpty)
            for (a, b) in segments {
                #expect(abs(a.x + 2 * a.y - level) < 1e-12)
                #expect(abs(b.x + 2 * b.y - level) < 1e-12)
            }
        }
        // No line outside the range of the data.
        #expect(chart.contourSegments(chart.values, level: 5).isEmpty)
    }

    @Test(
        "levels sit strictly inside the colour range, at steps of a decade or a fraction of one on a log scale"
    )
    func levels() {
        var chart = plane()
        #expect(chart.levels.allSatisfy { $0 > -3 && $0 < 3 })
        #expect(chart.levels.count >= 3)
        chart.values = chart.values.map { row in row.map { pow(10, $0 / 3) } }  // 0.1 ... 10
        chart.scale = .log
        // Two decades, about 10 levels: quarter decades; about 3: whole decades.
        #expect(chart.levels == [-0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75])
        #expect(chart.levelSpacing == "a factor of 1.78 (a quarter of a decade)")
        chart.levelCount = 3
        #expect(chart.levels == [0])
        #expect(chart.levelSpacing == "", "one level has no spacing")
    }

    @Test("a linear chart's level spacing is the step between its levels")
    func linearSpacing() {
        let chart = plane()
        let levels = chart.levels
        #expect(chart.levelSpacing == String(format: "%g", levels[1] - levels[0]))
        // Evenly spaced, so one step describes them all.
        let step = levels[1] - levels[0]
        #expect(zip(levels, levels.dropFirst()).allSatisfy { abs($1 - $0 - step) < 1e-9 })
    }

    @Test("a contour chart writes SVG with its text, and PNG at its size")
    func contourOutput() throws {
        let chart = plane()
        let document = parseSVG(try chart.svgData())
        expectDrawn(["plane", "x", "y"], in: document)
        let size = pngSize(try chart.pngData())
        #expect(size?.width == chart.width && size?.height == chart.height)
    }

    @Test("panels sit side by side under one title, each panel's text drawn")
    func panels() throws {
        var left = LineChart(
            title: "left panel", xLabel: "step", yLabel: "error", width: 300, height: 200)
        left.add(LineSeries("a", x: [0, 1], y: [1, 0]))
        let figure = ChartPanels(title: "Both", panels: [left, plane()])
        #expect(figure.width == 300 + plane().width)
        #expect(figure.height == figure.titleHeight + max(200, plane().height))
        let document = parseSVG(try figure.svgData())
        expectDrawn(["Both", "left panel", "plane", "step"], in: document)
        let grid = ChartPanels(panels: [left, left, left], columns: 2)
        #expect(grid.width == 600 && grid.height == 400)
    }
}
