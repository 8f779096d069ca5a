/// Which implementation a convolution's three computations run on, as `conv2dForward`,
/// `conv2dBackwardData` and `conv2dBackwardWeight` choose for a shape. Tests use it to
/// know that a case reaches the path it is meant to check, so that a change of the
/// dispatch rules cannot quietly leave a path untested.
public enum Conv2dPath: String, Sendable, Equatable {
    /// Winograd's F(4×4, 3×3): for the forward pass and the data gradient
    /// (`Conv2d+Winograd.swift`) and for the weight gradient (`Conv2d+WinogradWeight4x4.swift`,
    /// on the driver of `Conv2d+WinogradWeight.swift`).
    case winograd
    /// The direct register tile (`Conv2d+Direct.swift`).
    case direct
    /// Unfold (im2col) and GEMM; for the data gradient, GEMM and fold (col2im).
    case unfolded
    /// A 1×1, stride-1, unpadded convolution: a GEMM on the image as it is.
    case pointwise
}

extension Conv2dShape {
    /// The paths of the forward pass, the data gradient and the weight gradient.
    public var paths: (forward: Conv2dPath, backwardData: Conv2dPath, backwardWeight: Conv2dPath) {
        func general(_ direct: Bool) -> Conv2dPath {
            direct ? .direct : isPointwise ? .pointwise : .unfolded
        }
        return (
            usesWinogradForward(self) ? .winograd : general(usesDirectForward(self)),
            usesWinogradBackwardData(self) ? .winograd : general(usesDirectBackwardData(self)),
            usesWinogradBackwardWeight(self)
                ? .winograd : general(usesDirectBackwardWeight(self))
        )
    }
}
