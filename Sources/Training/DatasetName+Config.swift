import Datasets

extension DatasetName {
    /// Both splits of the data set a configuration names, from its `dataDirectory`.
    public static func load(for config: TrainingConfig) throws(DatasetError) -> (
        train: Dataset, test: Dataset
    ) {
        let train = try config.dataset.load(split: .train, directory: config.dataDirectory)
        let test = try config.dataset.load(split: .test, directory: config.dataDirectory)
        return (train, test)
    }
}
