/// How a residual block bridges a change of shape, in the terms of He et al. 2015 ("Deep
/// Residual Learning for Image Recognition", section 3.3 and table 3).
///
/// Where input and output of a block have the same shape, options A and B add the input
/// itself (an identity shortcut, no parameters). Where a stage halves the image and widens
/// the channels they differ:
///
/// | Option | shape changes | shape kept | parameters |
/// |---|---|---|---|
/// | `.a` | stride-2 subsampling + zero-padded channels | identity | none |
/// | `.b` | 1x1 projection conv + batch norm (`downsample`) | identity | a few |
/// | `.c` | projection | projection | many |
///
/// torchvision's ResNets use B; the paper's CIFAR-10 networks use A, which keeps a plain
/// network and its residual twin at exactly the same parameter count. Lesson 04 compares them.
public enum ShortcutOption: String, Sendable, Hashable, Codable, CaseIterable {
    /// Parameter-free: subsample and zero-pad where the shape changes (CIFAR ResNets).
    case a = "A"
    /// Projection where the shape changes, identity elsewhere (torchvision).
    case b = "B"
    /// Projection on every block.
    case c = "C"
}
