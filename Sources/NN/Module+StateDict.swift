import TensorCore

/// Why `loadStateDict` refused a set of weights: every key the model has that the weights
/// lack, every key the weights have that the model lacks, and every tensor whose shape
/// differs. Its `description` lists them all.
public struct StateDictError: Error, Equatable, CustomStringConvertible {
    /// A tensor present on both sides with different shapes.
    public struct ShapeMismatch: Equatable, Sendable {
        /// The tensor's state-dict name (`"fc.weight"`).
        public let name: String
        /// The model's shape.
        public let expected: [Int]
        /// The shape in the weights being loaded.
        public let got: [Int]

        /// A mismatch for the tensor `name`: the model has `expected`, the weights `got`.
        public init(name: String, expected: [Int], got: [Int]) {
            self.name = name
            self.expected = expected
            self.got = got
        }
    }

    /// Keys of the model with no entry in the weights (reported when `strict`).
    public let missingKeys: [String]
    /// Keys of the weights that the model does not have (reported when `strict`).
    public let unexpectedKeys: [String]
    /// Tensors whose shapes differ (always reported).
    public let shapeMismatches: [ShapeMismatch]
    /// Keys that appear more than once in the weights (always reported).
    public let duplicateKeys: [String]
    /// The file the weights came from, when they came from one (`loadWeights(from:)`).
    public var file: String?

    /// An error with the problems given and no file; with every list empty it describes no
    /// problem (`loadStateDict` throws only when one is not empty).
    public init(
        missingKeys: [String] = [], unexpectedKeys: [String] = [],
        shapeMismatches: [ShapeMismatch] = [], duplicateKeys: [String] = []
    ) {
        self.missingKeys = missingKeys
        self.unexpectedKeys = unexpectedKeys
        self.shapeMismatches = shapeMismatches
        self.duplicateKeys = duplicateKeys
    }

    /// Every problem on a line of its own, after a line naming the file (when known) and
    /// saying that nothing was loaded.
    public var description: String {
        let source = file.map { "the weights in '\($0)'" } ?? "the weights"
        var lines = ["loadStateDict: \(source) do not fit the model (nothing was loaded):"]
        if !missingKeys.isEmpty {
            lines.append("  missing keys: " + missingKeys.joined(separator: ", "))
        }
        if !unexpectedKeys.isEmpty {
            lines.append("  unexpected keys: " + unexpectedKeys.joined(separator: ", "))
        }
        for mismatch in shapeMismatches {
            lines.append(
                "  shape mismatch for \(mismatch.name): the model has \(mismatch.expected), the "
                    + "weights have \(mismatch.got)")
        }
        if !duplicateKeys.isEmpty {
            lines.append("  duplicate keys: " + duplicateKeys.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

extension Module {
    /// Copies weights into this model's parameters and buffers, matched by their PyTorch
    /// state-dict names, as PyTorch's `load_state_dict`.
    ///
    /// The data is copied into the model's own tensors (which keep their identity, their
    /// `requiresGrad` and their `grad`), so optimisers holding them see the new values.
    ///
    /// Unlike PyTorch, loading is all or nothing: every check runs before anything is copied,
    /// and an error leaves the model untouched.
    ///
    /// - Parameters:
    ///   - entries: name and tensor pairs (e.g. from `Safetensors.read`).
    ///   - strict: whether keys present on one side only are errors. Shape mismatches and
    ///     duplicate names are errors either way.
    /// - Returns: the keys that were missing and unexpected (empty when `strict`).
    /// - Throws: `StateDictError` listing every problem.
    @discardableResult
    public func loadStateDict(
        _ entries: [(name: String, tensor: Tensor)], strict: Bool = true
    ) throws(StateDictError) -> (missingKeys: [String], unexpectedKeys: [String]) {
        let own = stateDict()
        var given: [String: Tensor] = [:]
        var duplicates: [String] = []
        for (name, tensor) in entries {
            if given.updateValue(tensor, forKey: name) != nil, !duplicates.contains(name) {
                duplicates.append(name)
            }
        }
        let ownNames = Set(own.map(\.name))
        let missing = own.map(\.name).filter { given[$0] == nil }
        var unexpected: [String] = []
        for (name, _) in entries where !ownNames.contains(name) && !unexpected.contains(name) {
            unexpected.append(name)
        }
        var mismatches: [StateDictError.ShapeMismatch] = []
        for (name, tensor) in own {
            if let source = given[name], source.shape != tensor.shape {
                mismatches.append(.init(name: name, expected: tensor.shape, got: source.shape))
            }
        }
        let error = StateDictError(
            missingKeys: strict ? missing : [], unexpectedKeys: strict ? unexpected : [],
            shapeMismatches: mismatches, duplicateKeys: duplicates)
        if error != StateDictError() { throw error }
        for (name, tensor) in own {
            if let source = given[name] { tensor.data = source.data }
        }
        return (missing, unexpected)
    }

    /// `loadStateDict` from a dictionary of name → tensor (unexpected keys are reported in
    /// sorted order, as a dictionary has none of its own).
    ///
    /// - Parameters:
    ///   - dictionary: tensors by their state-dict names.
    ///   - strict: whether keys present on one side only are errors. Shape mismatches are
    ///     errors either way.
    /// - Returns: the keys that were missing and unexpected (empty when `strict`).
    /// - Throws: `StateDictError` listing every problem; then nothing is copied.
    @discardableResult
    public func loadStateDict(
        _ dictionary: [String: Tensor], strict: Bool = true
    ) throws(StateDictError) -> (missingKeys: [String], unexpectedKeys: [String]) {
        let entries = dictionary.sorted { $0.key < $1.key }
        return try loadStateDict(entries.map { (name: $0.key, tensor: $0.value) }, strict: strict)
    }
}
