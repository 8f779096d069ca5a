import Foundation

extension Heatmap {
    /// Draws the cells with their labels, the row and column labels, the colour bar and the
    /// titles; an empty matrix draws nothing. Every row needs as many values as the first,
    /// and each label list one label per row or column, or none.
    ///
    /// - Throws: nothing in practice: no step of a heat map can fail. The method throws
    ///   because ``Chart/draw(on:)`` does.
    public func draw(on canvas: Canvas) throws {
        validate()
        guard rowCount > 0 && columnCount > 0 else { return }
        let layout = HeatmapLayout(self, on: canvas)
        let scale = colorRange

        for row in 0..<rowCount {
            for column in 0..<columnCount {
                drawCell(
                    row: row, column: column, in: layout.cell(row: row, column: column),
                    scale: scale, font: layout.cellFont, on: canvas)
            }
        }
        let grid = layout.grid
        canvas.stroke(
            Canvas.Rect(
                x: crisp(grid.minX), y: crisp(grid.minY), width: grid.width, height: grid.height),
            Theme.frame)
        drawRowLabels(layout, on: canvas)
        drawColumnLabels(layout, on: canvas)
        drawColorBar(layout, scale: scale, on: canvas)

        let margin = HeatmapLayout.margin
        canvas.text(
            title, at: Canvas.Point(x: grid.midX, y: margin), font: Theme.titleFont,
            color: Theme.text, anchor: Canvas.TextAnchor(.center, .top))
        canvas.text(
            xLabel, at: Canvas.Point(x: grid.midX, y: layout.xLabelTop), font: Theme.labelFont,
            color: Theme.text, anchor: Canvas.TextAnchor(.center, .top))
        canvas.text(
            yLabel, at: Canvas.Point(x: layout.yLabelLeft, y: grid.midY), font: Theme.labelFont,
            color: Theme.text, anchor: Canvas.TextAnchor(.center, .top), angle: -Double.pi / 2)
    }

    private func validate() {
        for (index, row) in values.enumerated() {
            precondition(
                row.count == columnCount,
                "Heatmap '\(title)': row \(index) has \(row.count) values, row 0 has \(columnCount)"
            )
        }
        precondition(
            rowLabels.isEmpty || rowLabels.count == rowCount,
            "Heatmap '\(title)': \(rowLabels.count) row labels for \(rowCount) rows")
        precondition(
            columnLabels.isEmpty || columnLabels.count == columnCount,
            "Heatmap '\(title)': \(columnLabels.count) column labels for \(columnCount) columns")
    }

    // MARK: - Cells

    private func drawCell(
        row: Int, column: Int, in rect: Canvas.Rect, scale: ClosedRange<Double>,
        font: Canvas.Font?, on canvas: Canvas
    ) {
        let value = values[row][column]
        guard value.isFinite else {
            canvas.fill(rect, Theme.minorGrid)
            return
        }
        let span = scale.upperBound - scale.lowerBound
        let position = span > 0 ? (value - scale.lowerBound) / span : 0.5
        let fill = colorMap.color(at: position)
        canvas.fill(rect, fill)

        guard var font, let text = cellText(value) else { return }
        // Shrink the text until it fits the cell, down to 7 pixels; beyond that, leave it out.
        while canvas.measure(text, font: font).width > rect.width - 3 {
            guard font.size > 7 else { return }
            font.size -= 1
        }
        let ink = fill.luminance < 0.5 ? PlotColor.white : Theme.text
        canvas.text(
            text, at: Canvas.Point(x: rect.midX, y: rect.midY), font: font, color: ink,
            anchor: Canvas.TextAnchor(.center, .middle))
    }

    /// The text in a cell, with a real minus sign as on the colour bar; nil for none.
    private func cellText(_ value: Double) -> String? {
        let text: String
        switch cellLabels {
        case .hidden:
            return nil
        case .decimals(let decimals):
            text = String(format: "%.\(decimals)f", value)
        case .automatic:
            let integral = values.joined().allSatisfy {
                !$0.isFinite || ($0.rounded() == $0 && abs($0) < 1e9)
            }
            text = integral ? String(Int(value)) : String(format: "%.2f", value)
        }
        return text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }

    // MARK: - Labels and scale

    private func drawRowLabels(_ layout: HeatmapLayout, on canvas: Canvas) {
        for (row, label) in layout.rowTexts.enumerated() {
            let cell = layout.cell(row: row, column: 0)
            canvas.text(
                label, at: Canvas.Point(x: cell.minX - HeatmapLayout.tickGap, y: cell.midY),
                font: Theme.tickFont, color: Theme.tickText,
                anchor: Canvas.TextAnchor(.trailing, .middle))
        }
    }

    private func drawColumnLabels(_ layout: HeatmapLayout, on canvas: Canvas) {
        let top = layout.grid.maxY + HeatmapLayout.tickGap
        for (column, label) in layout.columnTexts.enumerated() {
            let cell = layout.cell(row: 0, column: column)
            if layout.rotatesColumnLabels {
                canvas.text(
                    label, at: Canvas.Point(x: cell.midX, y: top + 4), font: Theme.tickFont,
                    color: Theme.tickText, anchor: Canvas.TextAnchor(.trailing, .middle),
                    angle: -Double.pi / 4)
            } else {
                canvas.text(
                    label, at: Canvas.Point(x: cell.midX, y: top), font: Theme.tickFont,
                    color: Theme.tickText, anchor: Canvas.TextAnchor(.center, .top))
            }
        }
    }

    private func drawColorBar(
        _ layout: HeatmapLayout, scale: ClosedRange<Double>, on canvas: Canvas
    ) {
        let span = scale.upperBound - scale.lowerBound
        let ticks =
            span > 0
            ? NiceTicks.linear(in: scale, count: 5).map {
                (position: ($0.value - scale.lowerBound) / span, label: $0.label)
            } : []
        canvas.colorBar(layout.colorBar, colorMap: colorMap, ticks: ticks)
    }

}
