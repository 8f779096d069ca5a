import ExerciseKit

/// Exercise 07.1 · The learning rate of cosine annealing after a linear warm-up.
///
/// Lesson 07, "Learning-rate schedules": `resnet-lab train --warmup-epochs E`
/// starts at a tenth of the peak rate and rises linearly over the W = E × steps-per-epoch
/// warm-up steps, then follows a cosine from the peak down to 0 over the remaining
/// T = totalSteps − W steps.
///
/// Task: the rate used at `step` (0 ≤ step < totalSteps), in closed form: during the
/// warm-up peak · (0.1 + 0.9 · step / W); after it peak · (1 + cos(π · (step − W) / T)) / 2.
/// With W = 0 there is no warm-up.
///
/// Graded by: the library's schedulers (`LinearLR` then `CosineAnnealingLR` in a
/// `SequentialLR`, as `resnet-lab train` builds them) stepped through every step of random
/// runs.
public func warmupCosineRate(step: Int, peak: Double, warmupSteps: Int, totalSteps: Int)
    throws -> Double
{
    throw NotAttempted()  // delete this line and write the exercise
}
