/// A matrix drawn as coloured cells, with row and column labels, the values written in the
/// cells, and a colour-scale bar: a confusion matrix, or any table of numbers.
///
/// ```swift
/// let matrix = Heatmap(
///     title: "Confusion matrix", values: counts, rowLabels: classNames,
///     columnLabels: classNames, xLabel: "predicted", yLabel: "true")
/// try matrix.write(to: "confusion.png")
/// ```
public struct Heatmap: Chart {
    /// What is written in each cell.
    public enum CellLabels: Hashable, Sendable {
        /// Whole numbers when every value is one (counts), otherwise two decimals.
        case automatic
        /// Every value with this many decimals.
        case decimals(Int)
        /// Nothing: colour only.
        case hidden
    }

    public var title: String
    /// `[rows][columns]`; every row has the same length. NaN and infinite cells are drawn
    /// light grey.
    public var values: [[Double]]
    /// One per row, or empty.
    public var rowLabels: [String]
    /// One per column, or empty.
    public var columnLabels: [String]
    /// Written under the column labels (for a confusion matrix: "predicted").
    public var xLabel: String
    /// Written beside the row labels (for a confusion matrix: "true").
    public var yLabel: String
    /// The colour scale the cells are filled from (default ``ColorMap/blues``).
    public var colorMap: ColorMap
    /// The values at the two ends of the colour scale; nil: the smallest and largest value.
    public var range: ClosedRange<Double>?
    /// What is written in each cell (default ``CellLabels-swift.enum/automatic``); text is
    /// left out of cells too small for it.
    public var cellLabels: CellLabels
    public var width: Int
    public var height: Int

    /// A heat map; every argument is a property of the same name, and the defaults give a
    /// 640 x 560 chart in ``ColorMap/blues`` with automatic cell labels.
    public init(
        title: String = "", values: [[Double]], rowLabels: [String] = [],
        columnLabels: [String] = [], xLabel: String = "", yLabel: String = "",
        colorMap: ColorMap = .blues, range: ClosedRange<Double>? = nil,
        cellLabels: CellLabels = .automatic, width: Int = 640, height: Int = 560
    ) {
        self.title = title
        self.values = values
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorMap = colorMap
        self.range = range
        self.cellLabels = cellLabels
        self.width = width
        self.height = height
    }

    var rowCount: Int { values.count }
    var columnCount: Int { values.first?.count ?? 0 }

    /// The values at the two ends of the colour scale: `range`, or the smallest and largest
    /// finite value.
    var colorRange: ClosedRange<Double> {
        if let range { return range }
        let finite = values.joined().filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return 0...1 }
        return low...high
    }
}
