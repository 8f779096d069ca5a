import TensorCore

extension Module {
    /// Saves this model's state dict (parameters and buffers, PyTorch names, F32) to a
    /// safetensors file, atomically. PyTorch loads it with
    /// `model.load_state_dict(safetensors.torch.load_file(path))`.
    ///
    /// - Throws: `SafetensorsError` when the file cannot be written.
    public func saveWeights(to path: String, metadata: [String: String] = [:])
        throws(SafetensorsError)
    {
        try Safetensors.write(stateDict(), metadata: metadata, to: path)
    }

    /// Loads weights from a safetensors file into this model (see `loadStateDict`).
    ///
    /// - Returns: the keys that were missing and unexpected (empty when `strict`).
    /// - Throws: `SafetensorsError` naming the file when it cannot be read (missing, not
    ///   safetensors, cut short, corrupt), `StateDictError` naming the file and listing every
    ///   mismatch when its tensors do not fit the model (then nothing is loaded).
    @discardableResult
    public func loadWeights(from path: String, strict: Bool = true) throws -> (
        missingKeys: [String], unexpectedKeys: [String]
    ) {
        let (tensors, _) = try Safetensors.read(path)
        do {
            return try loadStateDict(tensors, strict: strict)
        } catch var error {
            error.file = path
            throw error
        }
    }
}
