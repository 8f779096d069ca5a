import ExerciseKit
import NN
import Randomness
import ResNetModels

/// Exercise 08.2 · PlainNet: a ResNet's twin without its shortcuts.
///
/// Lesson 08, "Two nets that differ by one line": the degradation problem is a deeper
/// *plain* net training worse than a shallower one (He et al. 2015, section 4.1); the
/// residual twin at each depth is the control, the same layers and the same number of
/// parameters with every addition put back. With option-A shortcuts (no weights, as in
/// lesson 08's family) the twins match parameter for parameter.
///
/// Task: return the plain twin of `net`: a `ResNet` whose configuration is `net`'s with
/// `residual` false, holding copies of `net`'s weights and batch-norm statistics, name for
/// name, and sharing no tensor with it (training one must not move the other).
///
/// Shapes: as `net`. Graded by: the same parameter count and values name for name; an
/// autograd graph with exactly one fewer addition per block (none left in the blocks); the
/// library's plain twin's logits on the same weights; and, with every block's last batch
/// norm zeroed, logits that no longer depend on the image, while the ResNet's still do.
public func plainTwin(of net: ResNet) throws -> ResNet {
    throw NotAttempted()  // delete this line and write the exercise
}
