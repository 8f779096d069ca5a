extension Tensor {
    /// The tensor core's task-local settings as one value: whether gradients are recorded
    /// (``Tensor/isGradEnabled``) and the tensor core's internal choices that tests and the
    /// environment variable `RESIDUAL_STORE_RELU` switch (how a ReLU masks its gradient and
    /// where its values are kept).
    ///
    /// Task-local values follow child tasks but not a thread the caller starts itself: code
    /// that hands work to its own threads (the ablation's lanes) takes ``current`` on the
    /// calling thread and runs each thread's work inside ``applied(_:)``, so every thread
    /// computes as the caller would.
    public struct TaskSettings: Sendable, Equatable {
        let isGradEnabled: Bool
        let defersReLUMasks: Bool
        let defersReLUOutputs: Bool

        /// The settings of the current task.
        public static var current: TaskSettings {
            TaskSettings(
                isGradEnabled: Tensor.isGradEnabled, defersReLUMasks: Tensor.defersReLUMasks,
                defersReLUOutputs: Tensor.defersReLUOutputs)
        }

        /// `body()` with these settings in force.
        ///
        /// - Returns: what `body` returns.
        /// - Throws: whatever `body` throws (the function rethrows).
        public func applied<T>(_ body: () throws -> T) rethrows -> T {
            try Tensor.$isGradEnabled.withValue(isGradEnabled) {
                try Tensor.$defersReLUMasks.withValue(defersReLUMasks) {
                    try Tensor.$defersReLUOutputs.withValue(defersReLUOutputs, operation: body)
                }
            }
        }
    }
}
