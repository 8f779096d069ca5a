import ExerciseKit

/// Exercise 05.1 · What a bottleneck block costs, by formula.
///
/// Lesson 05, "Parameters and mult-adds, counted", and the paper's Figure 5: a bottleneck reduces
/// the channels to `width` with a 1×1 convolution, works at that width with a 3×3 convolution
/// (which carries the stride, as in torchvision), and expands to 4·width with another 1×1; each
/// convolution (no bias) is followed by a batch norm (a scale and a shift per channel). Where the
/// input and output differ (stride ≠ 1, or inputChannels ≠ 4·width) the shortcut is a projection: a
/// 1×1 convolution with the stride, and its batch norm.
///
/// Task: return the block's parameter count and its mult-adds for one image of
/// `height` × `imageWidth`: a convolution's mult-adds are its output elements (channels ×
/// output height × output width) times the inputs each one sums (input channels × kernel
/// height × kernel width); a batch norm counts its 2 parameters per channel once (the
/// convention of torchinfo, which `summary(of:)` follows); ReLUs and the addition count
/// none. A 3×3 convolution with padding 1 and a 1×1 one give ⌈H / stride⌉ rows.
///
/// Graded by: the parameters of the built `Bottleneck` and the mult-adds `summary(of:)`
/// counts, on random channels, sizes and strides.
public func bottleneckCost(
    inputChannels: Int, width: Int, stride: Int, height: Int, imageWidth: Int
) throws -> (parameters: Int, multAdds: Int) {
    throw NotAttempted()  // delete this line and write the exercise
}
