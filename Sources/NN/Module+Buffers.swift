import Checks
import TensorCore

extension Module {
    /// Runs `body`, then puts every buffer of the tree (batch norm's running statistics and
    /// batch counts) back as it was, bit for bit, also when `body` throws. A forward pass in
    /// training mode updates the running statistics: inside `body` one can run such passes to
    /// look at what the model does, or re-estimate the statistics to score it, and leave it
    /// as it was. Parameters, gradients and modes are not restored. `body` must not change the
    /// module tree (add, remove or replace a module with buffers): the buffers are put back
    /// by name, and a name missing afterwards stops the program.
    ///
    /// ```swift
    /// model.train()
    /// let logits = model.preservingBuffers { Tensor.withoutGrad { model(x) } }
    /// ```
    ///
    /// - Parameter body: the work whose buffer changes are undone.
    /// - Returns: what `body` returns.
    public func preservingBuffers<Result, Failure: Error>(
        _ body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let saved = namedBuffers().map { ($0.name, $0.tensor.data) }
        defer {
            let now = Dictionary(namedBuffers().map { ($0.name, $0.tensor) }) { first, _ in first }
            for (name, data) in saved {
                let tensor = now[name]
                checkArgument(
                    tensor?.count == data.count,
                    "preservingBuffers: the body changed the module tree; buffer '\(name)' is "
                        + "gone or has another size")
                tensor?.data = data
            }
        }
        return try body()
    }
}
