import ArgumentParser
import Datasets

/// The options that choose the images, shared by `train` and `ablate`: the data set, where its
/// files are, and how much of each split to use. The commands' configurations check the
/// limits (`TrainingConfig.validate()`, `AblationConfig.validate()`), with the flags' names.
struct DataOptions: ParsableArguments {
    @Option(help: "The data set (default: fashion-mnist).")
    var dataset: DatasetName?

    @Option(help: "Directory holding the data set's files (default: the system location).")
    var dataDir: String?

    @Option(
        parsing: .unconditional, help: "Train on the first N training images only (default: all).")
    var trainLimit: Int?

    @Option(
        parsing: .unconditional,
        help: "Test on the first N test images only (default: all).")
    var testLimit: Int?
}
