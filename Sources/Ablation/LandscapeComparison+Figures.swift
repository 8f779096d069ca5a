import Plots

extension LandscapeComparison {
    /// The figures `resnet-lab landscape` writes, by file name (without extension), and what
    /// each shows.
    public static let figureCatalogue: [(name: String, shows: String)] = [
        ("landscape-slices", "training loss along the first direction of each pair, every net"),
        (
            "landscape-planes",
            "training loss on each pair's plane, one row per pair, one column per net"
        ),
    ]

    /// Each figure of ``figureCatalogue`` that the measured landscapes allow, by name.
    public var figures: [(name: String, chart: any Chart)] {
        guard nets.contains(where: { !$0.landscapes.isEmpty }) else { return [] }
        return [("landscape-slices", slices), ("landscape-planes", planes)]
    }

    /// The colour of net `index`: one hue per net (the nets may share a depth); plain nets are
    /// drawn dashed, residual ones solid, as in every ablation figure.
    func style(_ index: Int) -> (color: PlotColor, style: LineStyle) {
        (PlotColor.series(index), nets[index].net.hasPrefix("res") ? .solid : .dashed)
    }

    /// One panel per direction pair: the loss along its first direction, one line per net,
    /// on a log scale; the legend right of the last panel.
    public var slices: ChartPanels {
        let pairs = nets.map(\.landscapes.count).max() ?? 0
        let panels: [any Chart] = (0..<pairs).map { pair in
            var chart = LineChart(
                title: "pair \(pair + 1)", xLabel: "step α along d (0: the trained weights)",
                yLabel: "training loss", yScale: .log,
                legend: pair == pairs - 1 ? .outside : .hidden,
                width: pair == pairs - 1 ? 700 : 460, height: 400)
            for (index, entry) in nets.enumerated() where entry.landscapes.count > pair {
                let landscape = entry.landscapes[pair]
                let look = style(index)
                chart.add(
                    LineSeries(
                        entry.label, x: landscape.steps, y: landscape.slice.map(\.loss),
                        style: look.style, color: look.color))
            }
            return chart
        }
        return ChartPanels(
            title:
                "Training loss along random filter-normalised directions (\(settings.images) images)",
            panels: panels.isEmpty ? [LineChart(title: "no landscapes")] : panels)
    }

    /// Every measured plane: one row per direction pair, one column per net, all on one
    /// colour scale (log loss), the trained weights marked at the centre.
    public var planes: ChartPanels {
        let all = nets.flatMap { $0.landscapes.flatMap { $0.grid.joined() } }
            .filter { $0.isFinite && $0 > 0 }
        let range = (all.min() ?? 0.1)...(all.max() ?? 10)
        let pairs = nets.map(\.landscapes.count).max() ?? 0
        var panels: [any Chart] = []
        for pair in 0..<pairs {
            for entry in nets {
                guard entry.landscapes.count > pair else {
                    panels.append(LineChart(title: "\(entry.label): not measured"))
                    continue
                }
                let landscape = entry.landscapes[pair]
                panels.append(
                    ContourChart(
                        title: "\(entry.net) · \(entry.iterations) steps · pair \(pair + 1)",
                        x: landscape.steps2D,
                        y: landscape.steps2D, values: landscape.grid, xLabel: "α",
                        yLabel: "β", scale: .log, range: range, marker: (0, 0), width: 440,
                        height: 360))
            }
        }
        return ChartPanels(
            title:
                "Training loss around the trained weights (\(settings.images) images, log colour scale)",
            panels: panels.isEmpty ? [LineChart(title: "no landscapes")] : panels,
            columns: max(1, nets.count))
    }
}
