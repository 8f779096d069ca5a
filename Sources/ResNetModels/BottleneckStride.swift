/// Where a `Bottleneck` that halves the image puts its stride.
///
/// The paper (He et al. 2015, "v1") strides the first 1x1 convolution, which discards three
/// quarters of the pixels before any 3x3 filter sees them. torchvision ("v1.5", after the
/// Caffe2/NVIDIA implementations) strides the 3x3 convolution instead: the same parameters,
/// about 0.5% better top-1 on ImageNet, and a little more computation.
public enum BottleneckStride: String, Sendable, Hashable, Codable, CaseIterable {
    /// v1.5, torchvision: `conv2` (the 3x3) has the stride.
    case onConv3x3 = "v1.5"
    /// v1, the paper: `conv1` (the first 1x1) has the stride.
    case onFirstConv1x1 = "v1"
}
