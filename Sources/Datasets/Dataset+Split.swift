import Randomness

extension Dataset {
    /// Splits off a random validation set of `validationCount` examples; the rest is the
    /// training set. The choice is decided by `seed` alone (same seed, same split, on any
    /// machine), and both parts keep the original order of their examples.
    /// - Throws: `DatasetError` `.invalidArgument` unless `0 ≤ validationCount ≤ count`.
    public func split(validationCount: Int, seed: UInt64) throws(DatasetError)
        -> (train: Dataset, validation: Dataset)
    {
        guard validationCount >= 0 && validationCount <= count else {
            throw DatasetError(
                .invalidArgument, path: nil,
                "\(name).split: validation count \(validationCount) is outside 0...\(count)")
        }
        var generator = SeededGenerator(seed: derivedSeed(seed, .split))
        let order = permutation(count, using: &generator)
        let validation = order[..<validationCount].sorted()
        let train = order[validationCount...].sorted()
        return (
            subset(train, name: "\(name) (train part)"),
            subset(validation, name: "\(name) (validation part)")
        )
    }

    /// Splits off a random validation set holding `validationFraction` of the examples
    /// (rounded to the nearest whole example), as `split(validationCount:seed:)`.
    /// - Throws: `DatasetError` `.invalidArgument` unless `0 ≤ validationFraction ≤ 1`.
    public func split(validationFraction: Double, seed: UInt64) throws(DatasetError)
        -> (train: Dataset, validation: Dataset)
    {
        guard validationFraction >= 0 && validationFraction <= 1 else {
            throw DatasetError(
                .invalidArgument, path: nil,
                "\(name).split: validation fraction \(validationFraction) is outside 0...1")
        }
        let validationCount = Int((validationFraction * Double(count)).rounded())
        return try split(validationCount: validationCount, seed: seed)
    }
}
