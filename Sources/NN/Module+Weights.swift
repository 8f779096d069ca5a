import TensorCore

extension Module {
    /// Saves this model's state dict (parameters and buffers, PyTorch names, F32) to a
    /// safetensors file, atomically. PyTorch loads it with
    /// `model.load_state_dict(safetensors.torch.load_file(path))`.
    ///
    /// - Parameters:
    ///   - path: the file to write; a file already there is replaced only once the new one
    ///     is complete.
    ///   - metadata: strings stored in the header's `__metadata__` (next to the checksum
    ///     that `Safetensors.write` adds).
    /// - Throws: `SafetensorsError` with `.writeFailed` when the file cannot be written
    ///   (`.duplicateName` if two entries of the state dict share a name).
    public func saveWeights(to path: String, metadata: [String: String] = [:])
        throws(SafetensorsError)
    {
        try Safetensors.write(stateDict(), metadata: metadata, to: path)
    }

    /// Loads weights from a safetensors file into this model (see `loadStateDict`).
    ///
    /// - Parameters:
    ///   - path: a safetensors file with PyTorch state-dict names, from `saveWeights(to:)`
    ///     or from PyTorch.
    ///   - strict: whether keys present on one side only are errors. Shape mismatches are
    ///     errors either way.
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
