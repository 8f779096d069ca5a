import Plots
import Testing

@Suite("LineChart")
struct LineChartTests {
    @Test("a log axis with no positive value throws, naming the chart and axis")
    func logAxisWithoutPositiveData() {
        let chart = LineChart(
            title: "norms", yScale: .log,
            series: [LineSeries("zero", x: [1, 2, 3], y: [0, -1, 0])])
        #expect(throws: PlotError.noPositiveData(chart: "LineChart 'norms'", axis: "y")) {
            try chart.svgData()
        }
    }

    @Test("a log axis skips non-positive points and labels decades")
    func logAxisSkipsNonPositive() throws {
        let chart = LineChart(
            title: "norms", yScale: .log,
            series: [LineSeries("mixed", x: [1, 2, 3, 4], y: [1e-4, 0, -3, 1e-1])])
        let document = parseSVG(try chart.svgData())
        expectDrawn(["10⁻⁴", "10⁻³", "10⁻²", "10⁻¹"], in: document)
    }

    @Test("NaN and infinite points are skipped, not drawn at the edge")
    func nonFinitePoints() throws {
        let chart = LineChart(
            series: [
                LineSeries("gaps", x: [0, 1, 2, 3, .nan], y: [1, .nan, .infinity, 2, 5]),
                LineSeries("all NaN", x: [0, 1], y: [.nan, .nan]),
            ])
        let document = parseSVG(try chart.svgData())
        // The y range comes from 1 and 2 only: the 5 at x = NaN is left out.
        expectDrawn(["1.0", "2.0", "gaps", "all NaN"], in: document)
        #expect(!document.description.contains("5.0"))
    }

    @Test("an empty chart still draws its axes")
    func emptyChart() throws {
        let document = parseSVG(try LineChart(title: "nothing yet", xLabel: "step").svgData())
        expectDrawn(["nothing yet", "step", "0.0", "1.0"], in: document)
    }
}

@Suite("BarChart and Heatmap")
struct BarChartAndHeatmapTests {
    @Test("grouped bars on a log axis draw categories, legend and decades")
    func groupedLogBars() throws {
        let chart = BarChart(
            title: "gradient norm", yLabel: "norm", categories: ["conv1", "layer1", "fc"],
            series: [
                BarSeries("plain", values: [1e-5, 1e-3, 0.1]),
                BarSeries("residual", values: [0.01, 0.02, 0.05]),
            ], yScale: .log)
        let document = parseSVG(try chart.svgData())
        expectDrawn(
            ["gradient norm", "norm", "conv1", "layer1", "fc", "plain", "residual", "10⁻⁴"],
            in: document)
    }

    @Test("bar values are written above the bars when asked")
    func barValues() throws {
        let chart = BarChart(
            categories: ["18", "34"], series: [BarSeries("", values: [195_450, 468_538])],
            showsValues: true)
        expectDrawn(["195k", "469k"], in: parseSVG(try chart.svgData()))
    }

    @Test("a confusion matrix writes its counts, labels and colour scale")
    func confusionMatrix() throws {
        let heatmap = Heatmap(
            title: "confusion", values: [[50, 2], [7, 41]], rowLabels: ["cat", "dog"],
            columnLabels: ["cat", "dog"], xLabel: "predicted", yLabel: "true")
        let document = parseSVG(try heatmap.svgData())
        expectDrawn(
            ["confusion", "predicted", "true", "cat", "dog", "50", "2", "7", "41"], in: document)
        #expect(PlotsTests.pngSize(try heatmap.pngData())?.width == 640)
    }

    @Test("heatmap cells can show decimals")
    func decimals() throws {
        let heatmap = Heatmap(values: [[0.125, 0.5]], cellLabels: .decimals(1))
        expectDrawn(["0.1", "0.5"], in: parseSVG(try heatmap.svgData()))
    }
}
