/// The geometry of one 2-D convolution (cross-correlation, as PyTorch's `conv2d`).
///
/// - input: `[batch, inChannels, height, width]` (NCHW)
/// - weight: `[outChannels, inChannels, kernelH, kernelW]`
/// - bias: `[outChannels]` (optional)
/// - output: `[batch, outChannels, outHeight, outWidth]` with
///   `outHeight = (height + 2·padH − kernelH) / strideH + 1` (and likewise for the width).
///
/// Zero padding is implicit: kernels read zeros outside the image, nothing is copied.
public struct Conv2dShape: Hashable, Sendable, CustomStringConvertible {
    /// Images in the batch, N.
    public let batch: Int
    /// Channels of each input image, C.
    public let inChannels: Int
    /// Rows of each input image, before padding.
    public let height: Int
    /// Columns of each input image, before padding.
    public let width: Int
    /// Channels of each output image (filters of the weight), K.
    public let outChannels: Int
    /// Rows of each filter.
    public let kernelH: Int
    /// Columns of each filter.
    public let kernelW: Int
    /// Input rows between vertically adjacent outputs.
    public let strideH: Int
    /// Input columns between horizontally adjacent outputs.
    public let strideW: Int
    /// Zero rows implicitly added above and below the image.
    public let padH: Int
    /// Zero columns implicitly added left and right of the image.
    public let padW: Int

    /// Output rows: `(height + 2·padH − kernelH) / strideH + 1`.
    public var outHeight: Int { (height + 2 * padH - kernelH) / strideH + 1 }
    /// Output columns: `(width + 2·padW − kernelW) / strideW + 1`.
    public var outWidth: Int { (width + 2 * padW - kernelW) / strideW + 1 }

    /// Multiply-adds of the forward pass, counted as 2 floating-point operations each:
    /// `2 · batch · outChannels · outHeight · outWidth · inChannels · kernelH · kernelW`
    /// (bias excluded). Each backward pass (data, weight) costs the same.
    public var flops: Int {
        2 * batch * outChannels * outHeight * outWidth * inChannels * kernelH * kernelW
    }

    /// Elements of one input image: `inChannels · height · width`.
    public var inputImageSize: Int { inChannels * height * width }
    /// Elements of one output image: `outChannels · outHeight · outWidth`.
    public var outputImageSize: Int { outChannels * outHeight * outWidth }
    /// Elements of the weight: `outChannels · inChannels · kernelH · kernelW`.
    public var weightSize: Int { outChannels * inChannels * kernelH * kernelW }
    /// Rows of the im2col matrix: `inChannels · kernelH · kernelW`.
    public var columnRows: Int { inChannels * kernelH * kernelW }
    /// Columns of the im2col matrix (output pixels of one image): `outHeight · outWidth`.
    public var columnCount: Int { outHeight * outWidth }
    /// True for a 1×1 kernel, stride 1, no padding: the convolution is a plain GEMM.
    public var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
    }

    /// Validates and stores a convolution geometry.
    ///
    /// Sizes and strides must be positive, paddings non-negative, and the padded input at
    /// least as large as the kernel (so there is at least one output pixel).
    ///
    /// - Parameters:
    ///   - batch: images in the batch, N.
    ///   - inChannels: channels of each input image, C.
    ///   - height: rows of each input image.
    ///   - width: columns of each input image.
    ///   - outChannels: channels of each output image, K.
    ///   - kernelH: rows of each filter.
    ///   - kernelW: columns of each filter.
    ///   - strideH: the vertical stride (default 1).
    ///   - strideW: the horizontal stride (default 1).
    ///   - padH: zero rows above and below (default 0).
    ///   - padW: zero columns left and right (default 0).
    /// - Throws: `Conv2dShapeError` naming the first field that breaks these rules.
    public init(
        batch: Int, inChannels: Int, height: Int, width: Int, outChannels: Int,
        kernelH: Int, kernelW: Int, strideH: Int = 1, strideW: Int = 1, padH: Int = 0,
        padW: Int = 0
    ) throws(Conv2dShapeError) {
        func positive(_ value: Int, _ field: String) throws(Conv2dShapeError) {
            if value <= 0 { throw Conv2dShapeError(field: field, value: value, expected: "> 0") }
        }
        try positive(batch, "batch")
        try positive(inChannels, "inChannels")
        try positive(height, "height")
        try positive(width, "width")
        try positive(outChannels, "outChannels")
        try positive(kernelH, "kernelH")
        try positive(kernelW, "kernelW")
        try positive(strideH, "strideH")
        try positive(strideW, "strideW")
        if padH < 0 { throw Conv2dShapeError(field: "padH", value: padH, expected: "≥ 0") }
        if padW < 0 { throw Conv2dShapeError(field: "padW", value: padW, expected: "≥ 0") }
        if height + 2 * padH < kernelH {
            throw Conv2dShapeError(
                field: "height", value: height,
                expected: "height + 2·padH ≥ kernelH (\(kernelH)) with padH = \(padH)")
        }
        if width + 2 * padW < kernelW {
            throw Conv2dShapeError(
                field: "width", value: width,
                expected: "width + 2·padW ≥ kernelW (\(kernelW)) with padW = \(padW)")
        }
        self.batch = batch
        self.inChannels = inChannels
        self.height = height
        self.width = width
        self.outChannels = outChannels
        self.kernelH = kernelH
        self.kernelW = kernelW
        self.strideH = strideH
        self.strideW = strideW
        self.padH = padH
        self.padW = padW
    }

    /// Validates and stores a geometry with a square kernel, stride and padding:
    /// `kernelSize`, `stride`, `padding` apply to both axes.
    ///
    /// - Parameters:
    ///   - batch: images in the batch, N.
    ///   - inChannels: channels of each input image, C.
    ///   - height: rows of each input image.
    ///   - width: columns of each input image.
    ///   - outChannels: channels of each output image, K.
    ///   - kernelSize: rows and columns of each filter.
    ///   - stride: the stride along both axes (default 1).
    ///   - padding: zeros added on every side (default 0).
    /// - Throws: `Conv2dShapeError` naming the first bad field (the per-axis names: `kernelH`,
    ///   `strideW`, `padH`, ...), as the initialiser with separate axes does.
    public init(
        batch: Int, inChannels: Int, height: Int, width: Int, outChannels: Int,
        kernelSize: Int, stride: Int = 1, padding: Int = 0
    ) throws(Conv2dShapeError) {
        try self.init(
            batch: batch, inChannels: inChannels, height: height, width: width,
            outChannels: outChannels, kernelH: kernelSize, kernelW: kernelSize,
            strideH: stride, strideW: stride, padH: padding, padW: padding)
    }

    /// The geometry on one line: input, weight, stride, padding and output, e.g.
    /// `Conv2dShape(input [8, 16, 32, 32], weight [32, 16, 3, 3], stride (2, 2),
    /// padding (1, 1) -> output [8, 32, 16, 16])`.
    public var description: String {
        "Conv2dShape(input [\(batch), \(inChannels), \(height), \(width)], "
            + "weight [\(outChannels), \(inChannels), \(kernelH), \(kernelW)], "
            + "stride (\(strideH), \(strideW)), padding (\(padH), \(padW)) "
            + "-> output [\(batch), \(outChannels), \(outHeight), \(outWidth)])"
    }
}

/// A convolution geometry that cannot work, naming the field at fault.
public struct Conv2dShapeError: Error, Equatable, CustomStringConvertible {
    /// The parameter name, e.g. `"strideH"`.
    public let field: String
    /// The value that was given.
    public let value: Int
    /// What the field must satisfy, e.g. `"> 0"`.
    public let expected: String

    /// The message: `Conv2dShape: <field> = <value> is invalid; expected <expected>`.
    public var description: String {
        "Conv2dShape: \(field) = \(value) is invalid; expected \(expected)"
    }
}
