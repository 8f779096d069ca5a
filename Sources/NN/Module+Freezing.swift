import TensorCore

// Freezing: the parameters of a frozen module do not require gradients, so backward leaves
// their `grad` alone and an optimiser given `trainableParameters` never touches them. Used for
// fine-tuning (lesson 09): freeze the backbone, train a new head.
//
// PyTorch tutorials often write `for p in model.parameters(): p.requiers_gard = False`.
// Python accepts the misspelt attribute, sets a new unused field and freezes nothing, so the
// "frozen" backbone trains anyway. In Swift that typo does not compile.

extension Module {
    /// Stops gradients for every parameter in this module and below (`requiresGrad = false`).
    public func freeze() {
        for p in parameters { p.requiresGrad = false }
    }

    /// Lets gradients flow to every parameter in this module and below again.
    public func unfreeze() {
        for p in parameters { p.requiresGrad = true }
    }

    /// The parameters that require gradients, in state-dict order: what to give an optimiser.
    public var trainableParameters: [Tensor] {
        parameters.filter(\.requiresGrad)
    }

    /// The parameters that require gradients, with their dotted names.
    public func namedTrainableParameters() -> [(name: String, tensor: Tensor)] {
        namedParameters().filter { $0.tensor.requiresGrad }
    }

    /// The number of elements in the trainable parameters.
    public var trainableParameterCount: Int {
        trainableParameters.reduce(0) { $0 + $1.count }
    }
}
