extension LineChart {
    /// Draws the grid, the bands, the lines, the frame with its ticks and titles, and the
    /// legend, in that order.
    ///
    /// - Throws: ``PlotError/noPositiveData(chart:axis:)`` when an axis is logarithmic and
    ///   there are points with finite coordinates but none positive on that axis.
    public func draw(on canvas: Canvas) throws {
        let (xDomain, yDomain) = try domains()
        var axes = CartesianAxes(
            title: title, xLabel: xLabel, yLabel: yLabel, x: .numeric(xScale, xDomain),
            yScale: yScale, yDomain: yDomain)
        let key = Legend(entries: legendEntries)
        let (layout, legendBox) = axes.layout(
            with: key, placement: legend, on: canvas, data: samplePoints)

        axes.drawGrid(layout, on: canvas)
        canvas.clipped(to: layout.plot) {
            for index in series.indices {
                drawBand(index, layout, on: canvas)
            }
            for index in series.indices {
                drawLine(index, layout, on: canvas)
            }
        }
        axes.drawFrame(layout, on: canvas)
        if let legendBox {
            key.draw(in: legendBox, on: canvas)
        }
    }

    // MARK: - Ranges

    /// The ranges shown: `xRange` / `yRange` where set, otherwise from the points that can
    /// be drawn (x and y both shown on their axes) and the band values at their x.
    private func domains() throws -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        if xScale == .log && !finite.isEmpty && !finite.contains(where: { $0.x > 0 }) {
            throw PlotError.noPositiveData(chart: "LineChart '\(title)'", axis: "x")
        }
        if yScale == .log && !finite.isEmpty && !finite.contains(where: { $0.y > 0 }) {
            throw PlotError.noPositiveData(chart: "LineChart '\(title)'", axis: "y")
        }
        var xs: [Double] = []
        var ys: [Double] = []
        for line in series {
            for (index, point) in line.points.enumerated() where xScale.accepts(point.x) {
                if yScale.accepts(point.y) {
                    xs.append(point.x)
                    ys.append(point.y)
                }
                if let band = line.band {
                    ys += [band.lower[index], band.upper[index]].filter(yScale.accepts)
                }
            }
        }
        return (
            domain(axis: "x", scale: xScale, fixed: xRange, values: xs),
            domain(axis: "y", scale: yScale, fixed: yRange, values: ys)
        )
    }

    /// The range shown on one axis: `fixed` if given, otherwise around `values`.
    private func domain(
        axis: String, scale: AxisScale, fixed: ClosedRange<Double>?, values: [Double]
    ) -> ClosedRange<Double> {
        if let fixed {
            precondition(
                scale == .linear || fixed.lowerBound > 0,
                "LineChart '\(title)': the \(axis) axis is logarithmic, so its range must be"
                    + " positive (got \(fixed))")
            return fixed
        }
        return scale.domain(low: values.min(), high: values.max())
    }

    // MARK: - Series

    private func color(_ index: Int) -> PlotColor {
        series[index].color ?? PlotColor.series(index)
    }

    private var legendEntries: [Legend.Entry] {
        series.indices.compactMap { index in
            let line = series[index]
            guard !line.name.isEmpty else { return nil }
            return Legend.Entry(
                name: line.name,
                swatch: .line(
                    color(index), line.style.dash(lineWidth: line.lineWidth),
                    lineWidth: line.lineWidth, band: line.band != nil, marker: line.showsMarkers))
        }
    }

    /// The series' points in pixels, split wherever a point cannot be shown.
    private func runs(_ line: LineSeries, _ layout: CartesianAxes.Layout) -> [[Canvas.Point]] {
        guard let xMap = layout.xMap else { return [] }
        var runs: [[Canvas.Point]] = [[]]
        for point in line.points {
            if xScale.accepts(point.x) && yScale.accepts(point.y) {
                runs[runs.count - 1].append(
                    Canvas.Point(x: xMap.pixel(point.x), y: layout.yMap.pixel(point.y)))
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        return runs.filter { !$0.isEmpty }
    }

    /// The band's edges in pixels, as (upper, lower) runs split where a value is missing.
    /// On a log axis, a bound at or below zero is drawn at the bottom of the plot.
    private func bandRuns(
        _ line: LineSeries, _ layout: CartesianAxes.Layout
    ) -> [(upper: [Canvas.Point], lower: [Canvas.Point])] {
        guard let band = line.band, let xMap = layout.xMap else { return [] }
        let bottom = layout.yMap.domain.lowerBound
        func shown(_ value: Double) -> Double? {
            if yScale.accepts(value) { return value }
            return value.isFinite ? bottom : nil
        }
        var runs: [(upper: [Canvas.Point], lower: [Canvas.Point])] = [([], [])]
        for (index, point) in line.points.enumerated() {
            if xScale.accepts(point.x), let upper = shown(band.upper[index]),
                let lower = shown(band.lower[index])
            {
                let x = xMap.pixel(point.x)
                runs[runs.count - 1].upper.append(Canvas.Point(x: x, y: layout.yMap.pixel(upper)))
                runs[runs.count - 1].lower.append(Canvas.Point(x: x, y: layout.yMap.pixel(lower)))
            } else if !runs[runs.count - 1].upper.isEmpty {
                runs.append(([], []))
            }
        }
        return runs.filter { !$0.upper.isEmpty }
    }

    private func drawBand(_ index: Int, _ layout: CartesianAxes.Layout, on canvas: Canvas) {
        let fill = color(index).opacity(Theme.bandOpacity)
        for run in bandRuns(series[index], layout) {
            canvas.fillPolygon(run.upper + run.lower.reversed(), fill)
        }
    }

    private func drawLine(_ index: Int, _ layout: CartesianAxes.Layout, on canvas: Canvas) {
        let line = series[index]
        let color = color(index)
        for run in runs(line, layout) {
            if run.count == 1 && !line.showsMarkers {
                // A lone point between gaps would otherwise be invisible.
                canvas.fillCircle(center: run[0], radius: line.lineWidth, color)
            }
            canvas.polyline(
                run, color: color, lineWidth: line.lineWidth,
                dash: line.style.dash(lineWidth: line.lineWidth))
            if line.showsMarkers {
                for point in run {
                    canvas.fillCircle(center: point, radius: line.lineWidth + 1.5, color)
                }
            }
        }
    }

    /// Pixel positions along every line and band edge, a few pixels apart: what a legend
    /// placed inside the plot must not cover.
    private func samplePoints(_ layout: CartesianAxes.Layout) -> [Canvas.Point] {
        var edges: [[Canvas.Point]] = []
        for line in series {
            edges += runs(line, layout)
            for band in bandRuns(line, layout) {
                edges += [band.upper, band.lower]
            }
        }
        return edges.flatMap { LineSampling.densify($0, spacing: 3) }
    }
}

/// Points along polylines, for collision tests.
enum LineSampling {
    /// The vertices of `polyline` plus points every `spacing` pixels along each segment.
    static func densify(_ polyline: [Canvas.Point], spacing: Double) -> [Canvas.Point] {
        guard var previous = polyline.first else { return [] }
        var samples = [previous]
        for point in polyline.dropFirst() {
            let dx = point.x - previous.x
            let dy = point.y - previous.y
            let steps = Int((dx * dx + dy * dy).squareRoot() / spacing)
            if steps > 0 {
                for step in 1...steps {
                    let t = Double(step) / Double(steps + 1)
                    samples.append(Canvas.Point(x: previous.x + t * dx, y: previous.y + t * dy))
                }
            }
            samples.append(point)
            previous = point
        }
        return samples
    }
}
