/// What went wrong while drawing or writing a chart.
///
/// Every case names the thing that failed; file errors also name the path, so a lesson's
/// error message says which output could not be written.
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A cairo call reported a failure: `operation` is what was attempted, `status` is
    /// cairo's own description of the error, `path` is the output file, when there is one.
    case cairo(operation: String, status: String, path: String?)
    /// The file extension names no format we write (we write `.svg` and `.png`).
    case unsupportedFormat(path: String)
    /// Writing the finished bytes to disk failed.
    case writeFailed(path: String, reason: String)
    /// A logarithmic axis was given data with no positive value to show.
    /// Non-positive points are skipped on a log axis; this is thrown only when nothing is left.
    case noPositiveData(chart: String, axis: String)

    /// The error in one sentence, naming the chart, the path or the cairo step at fault.
    public var description: String {
        switch self {
        case .cairo(let operation, let status, let path):
            let target = path.map { " for '\($0)'" } ?? ""
            return "cairo failed to \(operation)\(target): \(status)"
        case .unsupportedFormat(let path):
            return "cannot write '\(path)': unknown format (use a .svg or .png extension)"
        case .writeFailed(let path, let reason):
            return "cannot write '\(path)': \(reason)"
        case .noPositiveData(let chart, let axis):
            return "\(chart): the \(axis) axis is logarithmic but no data value is positive"
        }
    }

    /// The same error, now naming the file it was meant for.
    func naming(path: String) -> PlotError {
        if case .cairo(let operation, let status, nil) = self {
            return .cairo(operation: operation, status: status, path: path)
        }
        return self
    }
}
