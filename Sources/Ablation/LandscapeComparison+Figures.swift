import Foundation
import Plots
import TextFormat

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

    /// How net `index` is drawn, in the ablation figures' language: one hue per depth (that
    /// of the default ablation's depths, 18, 34 and 56), plain dashed and residual solid;
    /// here also a thin line for the shortest training and bolder ones for longer.
    func style(_ index: Int) -> (color: PlotColor, style: LineStyle, lineWidth: Double) {
        let entry = nets[index]
        let depth = AblationNet(name: entry.net)?.depth
        let depths = AblationConfig().depths.sorted()
        let hue = depth.flatMap { depths.firstIndex(of: $0) } ?? index
        let budgets = Set(nets.map(\.iterations)).sorted()
        let rank = budgets.firstIndex(of: entry.iterations) ?? 0
        return (
            PlotColor.series(hue), entry.net.hasPrefix("res") ? .solid : .dashed,
            1.5 + 1.5 * Double(rank)
        )
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
                        style: look.style, color: look.color, lineWidth: look.lineWidth))
            }
            // A uniform guess over 10 classes: above this line a net does worse than chance.
            if let steps = nets.first(where: { $0.landscapes.count > pair })?.landscapes[pair]
                .steps, let first = steps.first, let last = steps.last
            {
                chart.add(
                    LineSeries(
                        "ln 10 ≈ 2.3: a uniform guess", x: [first, last], y: [log(10), log(10)],
                        style: .dotted, color: .red, lineWidth: 1))
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
                        title:
                            "\(entry.net) · \(Format.grouped(entry.iterations)) steps · "
                            + "pair \(pair + 1)",
                        x: landscape.steps2D,
                        y: landscape.steps2D, values: landscape.grid, xLabel: "α",
                        yLabel: "β", scale: .log, range: range, marker: (0, 0), width: 440,
                        height: 360))
            }
        }
        let spacing =
            panels.compactMap { ($0 as? ContourChart)?.levelSpacing }.first { !$0.isEmpty }
        return ChartPanels(
            title:
                "Training loss around the trained weights (\(settings.images) images, log colour scale"
                + (spacing.map { "; contour lines \($0) apart" } ?? "") + ")",
            panels: panels.isEmpty ? [LineChart(title: "no landscapes")] : panels,
            columns: max(1, nets.count))
    }
}
