import Foundation
import Plots

extension AblationRun {
    /// Reads back everything the run has finished: every net of the configuration and the
    /// analyses present.
    /// - Throws: `AblationError.invalidConfiguration` when a net is not finished yet;
    ///   `.cannotRead` for a damaged file.
    public func results() throws(AblationError) -> AblationResults {
        try AblationResults(directory: directory.path, config: config)
    }

    /// Writes `summary.json`, `summary.md`, `curves.csv`, `test-curves.csv` and every figure
    /// (SVG and PNG) from the files of the run.
    ///
    /// - Parameter command: the command that made the run, recorded in `summary.md`.
    /// - Returns: the results the files were made from.
    /// - Throws: the errors of ``results()``; `AblationError.cannotWrite` when a file cannot
    ///   be written.
    @discardableResult
    public func writeOutputs(command: String? = nil) throws(AblationError) -> AblationResults {
        let results = try results()
        try directory.writeJSON(results.summary, to: directory.file("summary.json"))
        try directory.write(results.markdown(command: command), to: directory.file("summary.md"))
        try directory.write(results.curvesCSV, to: directory.file("curves.csv"))
        try directory.write(results.testCurvesCSV, to: directory.file("test-curves.csv"))
        for (name, chart) in AblationFigures.all(results) {
            for format in ["svg", "png"] {
                let path = directory.file("\(name).\(format)")
                do {
                    try chart.write(to: path, scale: format == "png" ? 2 : 1)
                } catch PlotError.writeFailed(_, let reason) {
                    throw .cannotWrite(path: path, reason: reason)
                } catch {
                    throw .cannotWrite(path: path, reason: "\(error)")
                }
            }
        }
        return results
    }
}

extension AblationResults {
    /// Reads a finished run from `directory` (its `config.json` unless `config` is given).
    ///
    /// Every net of the configuration must be finished; an analysis file that is missing or
    /// was made for other nets is left out and named in ``missingAnalyses``.
    ///
    /// - Throws: `AblationError.cannotRead` for a missing or damaged file, naming it;
    ///   `.invalidConfiguration` when a net of the configuration has not finished.
    public init(directory path: String, config given: AblationConfig? = nil) throws(AblationError) {
        let directory = RunDirectory(path)
        let config: AblationConfig
        if let given {
            config = given
        } else {
            config = try directory.readJSON(AblationConfig.self, from: directory.configPath)
        }
        var nets: [NetResult] = []
        for (net, seed) in config.runs {
            let file = directory.netResultPath(net, seed: seed)
            guard directory.exists(file) else {
                throw .invalidConfiguration(
                    "\(net.name) seed \(seed) has not finished in '\(path)' (no \(file)): run "
                        + "`resnet-lab ablate` with the same --out to finish it")
            }
            nets.append(try directory.readJSON(NetResult.self, from: file))
        }
        // An analysis made for other nets (the run's --depths changed since) is left out, as
        // one not made yet is: `missingAnalyses` lists both.
        func optional<T: RunAnalysis>(_ type: T.Type, _ name: String) throws(AblationError) -> T? {
            try directory.analysis(name, type, for: config)
        }
        var initDiagnostics: [InitDiagnostics] = []
        var shattered: [ShatteredGradients] = []
        var trained: [TrainedDiagnostics] = []
        for seed in config.seeds {
            if let d = try optional(InitDiagnostics.self, AnalysisName.initDiagnostics(seed: seed))
            {
                initDiagnostics.append(d)
            }
            if let s = try optional(ShatteredGradients.self, AnalysisName.shattered(seed: seed)) {
                shattered.append(s)
            }
            if let t = try optional(TrainedDiagnostics.self, AnalysisName.trained(seed: seed)) {
                trained.append(t)
            }
        }
        let landscapes =
            try optional([LossLandscape].self, AnalysisName.landscape(seed: config.seeds[0])) ?? []
        self.config = config
        self.nets = nets
        self.initDiagnostics = initDiagnostics
        self.shattered = shattered
        self.trained = trained
        self.landscapes = landscapes
        testImages = nets.first?.testImages ?? 0
        missingAnalyses = directory.missingAnalyses(for: config).map {
            "analysis/\($0.name).json (\($0.what))"
        }
    }
}
