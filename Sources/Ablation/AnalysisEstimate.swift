extension AblationRun {
    /// Each analysis not yet done for this run's nets, in the order ``analyse(estimate:shouldStop:)``
    /// runs them, with its expected seconds.
    ///
    /// The costs come from `timings`, measured on this machine a moment before, as the lanes
    /// run (`lanes` nets side by side): each net's seconds per training step (a batch of
    /// `config.batchSize`) and per image scored forward only (folded batch norms, batches of
    /// 256). Each analysis runs its nets in the lanes (`AnalysisJobs` gives their order), so
    /// it takes as long as its busiest lane (``LaneSchedule/finish(_:lanes:busy:)``). Every
    /// net's part is counted in those two units:
    ///
    /// - init diagnostics, per net: the gradient profile is one training step's forward and
    ///   backward on `diagnosticImages`, the block responses an unfolded forward of them (in
    ///   training mode at initialisation, eval mode after training), with hooks;
    /// - shattered gradients: a forward and a backward on 2 · `shatteredPairs` images at each
    ///   of `shatteredDepths`, both families, with no weight gradients: about two thirds of a
    ///   step (the forward, and the data gradient that is half the backward);
    /// - responses of every trained net as above, then the lesions of the analysed pair: the
    ///   intact net once and, per deleted block, the blocks after it (`LesionProfile` reuses
    ///   the ones before), about (blocks + 1) / 2 forward passes of `lesionImages`;
    /// - the loss landscapes: one forward pass of `landscapeImages` per distinct point.
    ///
    /// A depth the run did not time (the shattered gradients' ladder) costs its family's
    /// deepest timed net scaled by depth: every block of these nets does about the same
    /// arithmetic (the channels double where the map's sides halve), and the stem and the
    /// head are small beside 2 layers per block.
    ///
    /// Each analysis's `laneSeconds` is its nets' costs added up: its time made whole in one
    /// lane, as beside the training (``trainAll(estimate:analysesAlongside:shouldStop:)``).
    ///
    /// - Parameters:
    ///   - timings: seconds per training step and per scored image of every net of
    ///     `config.nets`, timed as the lanes run.
    ///   - lanes: how many nets run side by side.
    func analysisEstimate(_ timings: [AblationNet: (step: Double, image: Double)], lanes: Int)
        -> [(name: String, seconds: Double, laneSeconds: Double)]
    {
        /// When the lanes finish `costs`, taken in `order`, and the costs' sum.
        func scheduled(_ costs: [Double], _ order: [Int]) -> (Double, Double) {
            (LaneSchedule.finish(order.map { costs[$0] }, lanes: lanes), costs.reduce(0, +))
        }
        let analysis = config.analysis
        let perBatch = 1 / Double(config.batchSize)
        let deepest = config.depths.max() ?? analysedDepth
        func stepSeconds(depth: Int, residual: Bool) -> Double {
            timings[AblationNet(depth: depth, residual: residual)]?.step
                ?? timings[AblationNet(depth: deepest, residual: residual)]!.step
                * Double(depth) / Double(deepest)
        }
        // The responses run the unfolded net, with hooks: slower per image than the folded
        // scoring that was timed.
        let unfolded = 1.5
        func responses(_ net: AblationNet) -> Double {
            timings[net]!.image * unfolded * Double(analysis.diagnosticImages)
        }
        let blocks = Double((analysedDepth - 2) / 2)
        var phases: [(name: String, seconds: Double, laneSeconds: Double)] = []
        for seed in config.seeds {
            let initName = AnalysisName.initDiagnostics(seed: seed)
            if !isDone(initName, InitDiagnostics.self) {
                let costs = config.nets.map {
                    timings[$0]!.step * Double(analysis.diagnosticImages) * perBatch
                        + responses($0)
                }
                let (seconds, laneSeconds) = scheduled(costs, AnalysisJobs.initOrder(config))
                phases.append((initName, seconds, laneSeconds))
            }
            let shatteredName = AnalysisName.shattered(seed: seed)
            if !isDone(shatteredName, ShatteredGradients.self) {
                let images = Double(2 * analysis.shatteredPairs)
                let costs = AnalysisJobs.shatteredNets(config).map {
                    stepSeconds(depth: $0.depth, residual: $0.residual) * images * perBatch * 2 / 3
                }
                let (seconds, laneSeconds) = scheduled(costs, AnalysisJobs.shatteredOrder(config))
                phases.append((shatteredName, seconds, laneSeconds))
            }
            let trainedName = AnalysisName.trained(seed: seed)
            if !isDone(trainedName, TrainedDiagnostics.self) {
                let costs = config.nets.map {
                    responses($0)
                        + ($0.depth == analysedDepth
                            ? timings[$0]!.image * Double(analysis.lesionImages) * (blocks + 1) / 2
                            : 0)
                }
                let (seconds, laneSeconds) = scheduled(costs, AnalysisJobs.trainedOrder(config))
                phases.append((trainedName, seconds, laneSeconds))
            }
        }
        let landscapeName = AnalysisName.landscape(seed: config.seeds[0])
        if !analysis.skipLandscape && !isDone(landscapeName, [LossLandscape].self) {
            let points = LossLandscape.pointCount(
                steps: analysis.landscapeSteps, gridSteps: analysis.landscapeGridSteps)
            let pair = config.analysedPair
            let costs = pair.map { timings[$0]!.image * Double(analysis.landscapeImages * points) }
            let (seconds, laneSeconds) = scheduled(costs, Array(pair.indices))
            phases.append((landscapeName, seconds, laneSeconds))
        }
        return phases
    }
}
