import Foundation
import Plots
import ResNetModels

/// The figures of an ablation run, each written as SVG and PNG by `AblationRun.writeOutputs`.
/// Colours stand for depths (the same in every figure); plain nets are dashed, residual nets
/// solid. Figures whose x axis is the depth draw plain in gray, residual in black.
public enum AblationFigures {
    /// File names (without extension) and what each shows.
    public static let catalogue: [(name: String, shows: String)] = [
        (
            "training-error",
            "training error against iteration, plain left, residual right (He et al. 2015, Figure 6)"
        ),
        ("training-loss", "training loss against iteration, plain left, residual right"),
        (
            "error-vs-depth",
            "final training error against depth, both families, every seed and their mean"
        ),
        ("gradient-norms", "the weight gradient of each layer at initialisation"),
        (
            "shattered-gradients",
            "correlation of nearby inputs' gradients against depth, at initialisation"
        ),
        ("block-outputs-init", "standard deviation of each block's output at initialisation"),
        (
            "layer-responses",
            "standard deviation of each 3×3 layer's response after training (Figure 7)"
        ),
        ("lesions", "test error with one block deleted, plain and residual"),
        (
            "landscape-1d",
            "training loss along a filter-normalised direction around the trained weights"
        ),
        ("landscape-2d", "training loss on a plane of two filter-normalised directions"),
    ]

    /// The colour of a depth: its position among the run's depths.
    static func color(depth: Int, in depths: [Int]) -> PlotColor {
        PlotColor.series(depths.sorted().firstIndex(of: depth) ?? 0)
    }

    /// Adds one line per net of the run to `chart`: `series(net)` gives one profile per seed
    /// (a value per layer or block), drawn as its mean over the seeds against 1, 2, 3, ...
    static func addNetLines(
        to chart: inout LineChart, _ results: AblationResults,
        _ series: (AblationNet) -> [[Double]]
    ) {
        let depths = results.config.depths.sorted()
        for net in results.config.nets {
            let columns = MeanStd.columns(series(net))
            chart.add(
                LineSeries(
                    net.name, x: columns.indices.map { Double($0 + 1) }, y: columns.map(\.mean),
                    style: net.residual ? .solid : .dashed,
                    color: color(depth: net.depth, in: depths)))
        }
    }

    /// Dotted gray verticals between the stages of the deepest net, at the positions `offset`
    /// + `perBlock` × (blocks before the boundary) + 0.5, spanning the chart's data.
    static func addStageBoundaries(
        to chart: inout LineChart, _ results: AblationResults, perBlock: Int, offset: Int
    ) {
        let deepest = results.config.depths.max() ?? 0
        let stages = ResNet.Configuration.ablation(depth: deepest).blocksPerStage
        let values = chart.series.flatMap { $0.points.map(\.y) }.filter { $0.isFinite && $0 > 0 }
        guard let low = values.min(), let high = values.max() else { return }
        var blocks = 0
        for (index, count) in stages.dropLast().enumerated() {
            blocks += count
            let x = Double(offset + perBlock * blocks) + 0.5
            chart.add(
                LineSeries(
                    index == 0 ? "stage boundaries of depth \(deepest)" : "", x: [x, x],
                    y: [low, high], style: .dotted, color: .gray, lineWidth: 1))
        }
    }

    /// mean ± std of each column times `scale`, or nil when there is one seed only.
    static func band(_ columns: [MeanStd], scale: Double = 1) -> (lower: [Double], upper: [Double])?
    {
        guard (columns.first?.count ?? 0) > 1 else { return nil }
        return (
            columns.map { scale * ($0.mean - $0.std) }, columns.map { scale * ($0.mean + $0.std) }
        )
    }

    /// Every figure the results allow (the landscape ones only when it was measured).
    public static func all(_ results: AblationResults) -> [(name: String, chart: any Chart)] {
        var figures: [(String, any Chart)] = [
            ("training-error", trainingCurves(results, loss: false)),
            ("training-loss", trainingCurves(results, loss: true)),
            ("error-vs-depth", errorAgainstDepth(results)),
        ]
        if !results.initDiagnostics.isEmpty {
            figures.append(("gradient-norms", gradientNorms(results)))
            figures.append(("block-outputs-init", blockOutputsAtInit(results)))
        }
        if !results.shattered.isEmpty {
            figures.append(("shattered-gradients", shatteredGradients(results)))
        }
        if !results.trained.isEmpty {
            figures.append(("layer-responses", layerResponses(results)))
            if results.trained.contains(where: { !$0.lesions.isEmpty }) {
                figures.append(("lesions", lesions(results)))
            }
        }
        if results.landscapes.count == 2 {
            figures.append(("landscape-1d", landscapeSlice(results)))
            figures.append(("landscape-2d", landscapePlane(results)))
        }
        return figures
    }

    /// Figure 6 of the paper: training error (thin, dashed) and test error along the way
    /// (bold, dots) against iteration, one colour per depth, the plain nets on the left and
    /// the residual nets on the right on the same axes. Bands: ± one standard deviation over
    /// the seeds.
    public static func trainingCurves(_ results: AblationResults, loss: Bool) -> ChartPanels {
        let depths = results.config.depths.sorted()
        var panels: [LineChart] = []
        var highest = 0.0
        for residual in [false, true] {
            var chart = LineChart(
                title: residual ? "residual (ResNet)" : "plain", xLabel: "iteration",
                yLabel: loss ? "training loss" : "error (%)", width: 660, height: 400)
            for depth in depths {
                let net = AblationNet(depth: depth, residual: residual)
                let curve = results.curve(net)
                let values = loss ? curve.loss : curve.error
                let scale = loss ? 1.0 : 100.0
                let color = color(depth: depth, in: depths)
                highest = max(highest, values.map { scale * ($0.mean + $0.std) }.max() ?? 0)
                // Dashes mean "plain" in every ablation figure; here the panels already say
                // which family, so training error is a thin solid line, test error a bold one
                // with dots.
                chart.add(
                    LineSeries(
                        loss ? net.name : "\(net.name) train", x: curve.iterations.map(Double.init),
                        y: values.map { scale * $0.mean }, band: band(values, scale: scale),
                        style: .solid, color: color, lineWidth: loss ? 2 : 1.25))
                if !loss {
                    let test = results.testCurve(net)
                    chart.add(
                        LineSeries(
                            "\(net.name) test", x: test.iterations.map(Double.init),
                            y: test.error.map { 100 * $0.mean }, band: band(test.error, scale: 100),
                            color: color, lineWidth: 2.5, showsMarkers: true))
                    highest = max(
                        highest, test.error.map { 100 * ($0.mean + $0.std) }.max() ?? 0)
                }
            }
            // Outside the plot: inside, it would cover some net's curve or band.
            chart.legend = .outside
            panels.append(chart)
        }
        // Where the learning rate drops to a tenth (and to a hundredth), in both panels.
        let config = results.config
        var drops: [(label: String, step: Int)] = []
        // Labelled with their steps: both lines are dotted gray.
        if config.decayIterations > 0 {
            drops.append(
                ("learning rate ÷ 10 (after step \(config.decayStart))", config.decayStart))
        }
        if config.finalDecayIterations != nil {
            drops.append(
                (
                    "learning rate ÷ 100 (after step \(config.finalDecayStart))",
                    config.finalDecayStart
                ))
        }
        for index in panels.indices {
            panels[index].yRange = 0...(highest * 1.05)
            for drop in drops {
                let x = Double(drop.step)
                panels[index].add(
                    LineSeries(
                        drop.label, x: [x, x], y: [0, highest * 1.05], style: .dotted,
                        color: .gray, lineWidth: 1))
            }
        }
        let seeds = results.config.seeds.count
        return ChartPanels(
            title: (loss ? "Training loss" : "Training error (thin) and test error (bold, dots)")
                + " on \(results.config.dataset.displayName)"
                + (seeds > 1 ? ", mean ± std over \(seeds) seeds" : ""),
            panels: panels)
    }

    /// ‖∂L/∂W‖ per weighted layer at initialisation, for every net, on a log axis.
    public static func gradientNorms(_ results: AblationResults) -> LineChart {
        var chart = LineChart(
            title: "Gradient reaching each layer at initialisation",
            xLabel: "layer (input → output)",
            yLabel: "‖∂L/∂W‖", yScale: .log, legend: .outside, width: 760, height: 440)
        addNetLines(to: &chart, results) { net in
            results.initDiagnostics.compactMap { d in
                d.gradients.first { $0.net == net.name }?.norms
            }
        }
        // Layer 1 is the stem; each block adds two convolutions.
        addStageBoundaries(to: &chart, results, perBlock: 2, offset: 1)
        return chart
    }

    /// The shattered-gradients measurement: correlation against depth.
    public static func shatteredGradients(_ results: AblationResults) -> LineChart {
        var chart = LineChart(
            title: "Gradients of nearby inputs at initialisation",
            xLabel: "depth (weighted layers)",
            yLabel: "correlation of ∂f/∂x", yRange: 0...1.02, legend: .automatic, width: 640,
            height: 420)
        guard let depths = results.shattered.first?.depths else { return chart }
        for residual in [false, true] {
            let columns = MeanStd.columns(
                results.shattered.map { residual ? $0.residual : $0.plain })
            chart.add(
                LineSeries(
                    residual ? "residual" : "plain", x: depths.map(Double.init),
                    y: columns.map(\.mean), band: band(columns),
                    style: residual ? .solid : .dashed, color: residual ? .black : .gray,
                    showsMarkers: true))
        }
        return chart
    }

    /// The standard deviation of each block's output at initialisation (batch statistics).
    public static func blockOutputsAtInit(_ results: AblationResults) -> LineChart {
        var chart = LineChart(
            title: "Block outputs at initialisation", xLabel: "block (input → output)",
            yLabel: "std of the block's output", legend: .outside, width: 760, height: 420)
        addNetLines(to: &chart, results) { net in
            results.initDiagnostics.compactMap { d in
                d.responses.first { $0.net == net.name }?.output
            }
        }
        addStageBoundaries(to: &chart, results, perBlock: 1, offset: 0)
        // A ReLU of a standard normal has std √(1/2 − 1/(2π)): where plain blocks sit.
        let blocks = results.config.depths.map { ($0 - 2) / 2 }.max() ?? 1
        let reference = (0.5 - 1 / (2 * Double.pi)).squareRoot()
        chart.add(
            LineSeries(
                "std of ReLU(N(0, 1)) ≈ 0.584", x: [1, Double(blocks)], y: [reference, reference],
                style: .dotted, color: .red, lineWidth: 1))
        return chart
    }

    /// Figure 7 of the paper: the standard deviation of each 3×3 layer's response (after
    /// batch norm, before the ReLU or the addition) of the trained nets, on test images in
    /// eval mode; in layer order on the left, sorted by size on the right.
    public static func layerResponses(_ results: AblationResults) -> ChartPanels {
        var panels: [LineChart] = []
        for sorted in [false, true] {
            var chart = LineChart(
                title: sorted ? "sorted by size" : "in layer order",
                xLabel: sorted ? "layer index (sorted)" : "layer (input → output)",
                yLabel: "std of the response", legend: sorted ? .topRight : .hidden, width: 520,
                height: 400)
            addNetLines(to: &chart, results) { net in
                results.trained.compactMap { d in
                    d.responses.first { $0.net == net.name }.map { profile in
                        sorted ? profile.layerResponses.sorted(by: >) : profile.layerResponses
                    }
                }
            }
            if !sorted { addStageBoundaries(to: &chart, results, perBlock: 2, offset: 0) }
            panels.append(chart)
        }
        return ChartPanels(
            title: "Layer responses of the trained nets (cf. Figure 7)", panels: panels)
    }

    /// The experiment's headline: final training error against depth, plain (dashed) and
    /// residual (solid), the mean over the seeds with a ±1 sd band, each seed a thin dotted
    /// line. Degradation is the plain line rising faster than the residual one.
    public static func errorAgainstDepth(_ results: AblationResults) -> LineChart {
        let depths = results.config.depths.sorted()
        var chart = LineChart(
            title: "Final training error against depth",
            xLabel: "depth (weighted layers)",
            yLabel: "training error, last \(results.config.window) steps (%)",
            legend: .outside, width: 760, height: 420)
        for residual in [false, true] {
            let color: PlotColor = residual ? .black : .gray
            let name = residual ? "residual" : "plain"
            let x = depths.map(Double.init)
            for seed in results.config.seeds {
                let errors = depths.map {
                    results.finalTrainError(AblationNet(depth: $0, residual: residual), seed: seed)
                }
                guard errors.allSatisfy({ $0 != nil }) else { continue }
                chart.add(
                    LineSeries(
                        seed == results.config.seeds.first ? "\(name), each seed" : "", x: x,
                        y: errors.map { 100 * $0! }, style: .dotted,
                        color: color, lineWidth: 0.8))
            }
            let columns = depths.map {
                results.finalTrainError(AblationNet(depth: $0, residual: residual))
            }
            chart.add(
                LineSeries(
                    "\(name), mean of \(results.config.seeds.count) seeds", x: x,
                    y: columns.map { 100 * $0.mean }, band: band(columns, scale: 100),
                    style: residual ? .solid : .dashed, color: color, showsMarkers: true))
        }
        return chart
    }

    /// Test error with each block deleted, plain against residual; dotted: intact.
    public static func lesions(_ results: AblationResults) -> LineChart {
        let profiles = results.trained.flatMap(\.lesions)
        var chart = LineChart(
            title: "Deleting one block from a trained net",
            xLabel: "deleted block (input → output)",
            yLabel: "test error (%)", yRange: 0...100, legend: .outside, width: 760, height: 420)
        for residual in [false, true] {
            let name = residual ? "res" : "plain"
            let mine = profiles.filter { $0.net.hasPrefix(name + "-") }
            guard let first = mine.first else { continue }
            let columns = MeanStd.columns(mine.map { $0.lesioned.map(\.error) })
            let color = color(
                depth: results.config.analysedDepth, in: results.config.depths)
            let x = columns.indices.map { Double($0 + 1) }
            // An error lies in 0...100%: so does its band, though mean ± std may not.
            let spread = band(columns, scale: 100).map { lower, upper in
                (lower.map { max(0, $0) }, upper.map { min(100, $0) })
            }
            chart.add(
                LineSeries(
                    "\(first.net), one block deleted", x: x, y: columns.map { 100 * $0.mean },
                    band: spread, style: residual ? .solid : .dashed,
                    color: color, showsMarkers: true))
            let intact = MeanStd(mine.map(\.intact.error)).mean
            chart.add(
                LineSeries(
                    "\(first.net), intact", x: [x.first ?? 1, x.last ?? 1],
                    y: [100 * intact, 100 * intact], style: residual ? .solid : .dashed,
                    color: .gray, lineWidth: 1.25))
        }
        chart.add(
            LineSeries(
                "chance (90%)", x: [1, Double(profiles.first?.blocks.count ?? 1)], y: [90, 90],
                style: .dotted, color: .red, lineWidth: 1))
        addStageBoundaries(to: &chart, results, perBlock: 1, offset: 0)
        return chart
    }

    /// The 1D slice: training loss along one direction, both nets, log axis.
    public static func landscapeSlice(_ results: AblationResults) -> LineChart {
        var chart = LineChart(
            title: "Loss along a random filter-normalised direction",
            xLabel: "step α along d (0: the trained weights)", yLabel: "training loss",
            yScale: .log, legend: .automatic, width: 640, height: 420)
        for landscape in results.landscapes {
            let residual = landscape.net.hasPrefix("res")
            chart.add(
                LineSeries(
                    landscape.net, x: landscape.steps, y: landscape.slice.map(\.loss),
                    style: residual ? .solid : .dashed,
                    color: color(depth: results.config.analysedDepth, in: results.config.depths),
                    showsMarkers: true))
        }
        return chart
    }

    /// The 2D landscapes side by side on one colour scale (log loss).
    public static func landscapePlane(_ results: AblationResults) -> ChartPanels {
        let all = results.landscapes.flatMap { $0.grid.joined() }.filter { $0.isFinite && $0 > 0 }
        let range = (all.min() ?? 0.1)...(all.max() ?? 10)
        let panels = results.landscapes.map { landscape in
            ContourChart(
                title: landscape.net, x: landscape.steps2D, y: landscape.steps2D,
                values: landscape.grid, xLabel: "α (direction 1)", yLabel: "β (direction 2)",
                scale: .log, range: range, marker: (0, 0))
        }
        return ChartPanels(
            title:
                "Training loss around the trained weights (\(results.landscapes.first?.images ?? 0) images)",
            panels: panels)
    }
}
