import ExerciseKit
import ResNetModels
import TensorCore

/// Exercise 08.3 · A trained ResNet with one block deleted (Veit et al. 2016).
///
/// Lesson 08, "Deleting blocks (Veit et al. 2016)": Veit, Wilber and Belongie ("Residual networks
/// behave like ensembles of relatively shallow networks", 2016), in their lesion study, delete a
/// block from a trained ResNet, keeping its shortcut, and find the error barely moves (except at
/// the blocks that downsample), where deleting a layer of a plain net (VGG) ruins it. Deleting
/// block l means replacing xₗ₊₁ = ReLU(F(xₗ) + shortcut(xₗ)) by xₗ₊₁ = shortcut(xₗ), whatever
/// `block.shortcut` is: the identity, option A's subsample and zero channels, or a projection.
///
/// Task: run `net` on x with block `index` (counted over `net.blocks`, stage by stage)
/// replaced by its shortcut, and return the logits, running the net's own modules (not
/// `FoldedResNet`, which is the library's answer). Do not change the net.
///
/// Shapes: x [N, C, H, W]; returns [N, classes]. Graded by: the lesion the library's
/// `FoldedResNet` computes, for every block of residual nets with identity, option-A and
/// option-B shortcuts, in evaluation mode; and a block whose branch is zero deleted without
/// changing the logits.
public func forwardDeleting(block index: Int, of net: ResNet, _ x: Tensor) throws -> Tensor {
    throw NotAttempted()  // delete this line and write the exercise
}
