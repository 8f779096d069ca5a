import Datasets

/// Loading the data set a training configuration names.
extension DatasetName {
    /// Both splits of the data set a configuration names, from its `dataDirectory`.
    ///
    /// - Parameter config: names the data set (`dataset`) and where its files are
    ///   (`dataDirectory`).
    /// - Returns: the training and test splits, images in [0, 1], not yet normalised.
    /// - Throws: `DatasetError` naming the file and the problem (a missing file, with how to
    ///   get it; a damaged one).
    public static func load(for config: TrainingConfig) throws(DatasetError) -> (
        train: Dataset, test: Dataset
    ) {
        let train = try config.dataset.load(split: .train, directory: config.dataDirectory)
        let test = try config.dataset.load(split: .test, directory: config.dataDirectory)
        return (train, test)
    }
}
