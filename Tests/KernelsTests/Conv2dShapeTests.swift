import Kernels
import Testing

@Suite("Conv2dShape")
struct Conv2dShapeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let height, width, kernel, stride, padding, outHeight, outWidth: Int
        var testDescription: String {
            "\(height)×\(width) k\(kernel) s\(stride) p\(padding)"
        }
    }

    @Test(
        "output size follows (H + 2P − K) / S + 1",
        arguments: [
            Case(
                height: 28, width: 28, kernel: 3, stride: 1, padding: 1, outHeight: 28, outWidth: 28
            ),
            Case(
                height: 28, width: 28, kernel: 3, stride: 2, padding: 1, outHeight: 14, outWidth: 14
            ),
            Case(
                height: 224, width: 224, kernel: 7, stride: 2, padding: 3, outHeight: 112,
                outWidth: 112),
            Case(height: 7, width: 5, kernel: 3, stride: 3, padding: 0, outHeight: 2, outWidth: 1),
            Case(height: 1, width: 1, kernel: 1, stride: 1, padding: 0, outHeight: 1, outWidth: 1),
            Case(height: 2, width: 9, kernel: 7, stride: 3, padding: 3, outHeight: 1, outWidth: 3),
        ])
    func outputSize(c: Case) throws {
        let shape = try Conv2dShape(
            batch: 2, inChannels: 3, height: c.height, width: c.width, outChannels: 5,
            kernelSize: c.kernel, stride: c.stride, padding: c.padding)
        #expect(shape.outHeight == c.outHeight)
        #expect(shape.outWidth == c.outWidth)
        #expect(
            shape.flops == 2 * 2 * 5 * c.outHeight * c.outWidth * 3 * c.kernel * c.kernel)
    }

    @Test("non-square kernels, strides and paddings use their own axis")
    func separateAxes() throws {
        let shape = try Conv2dShape(
            batch: 1, inChannels: 1, height: 10, width: 20, outChannels: 1, kernelH: 3,
            kernelW: 5, strideH: 1, strideW: 2, padH: 0, padW: 2)
        #expect(shape.outHeight == 8)
        #expect(shape.outWidth == 10)
        #expect(!shape.isPointwise)
        #expect(
            try Conv2dShape(
                batch: 1, inChannels: 2, height: 3, width: 3, outChannels: 4,
                kernelSize: 1
            ).isPointwise)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let field: String
        let make: @Sendable () throws -> Conv2dShape
        var testDescription: String { field }
    }

    @Test(
        "validation names the bad field",
        arguments: [
            Invalid(field: "batch") {
                try Conv2dShape(
                    batch: 0, inChannels: 1, height: 4, width: 4, outChannels: 1, kernelSize: 3)
            },
            Invalid(field: "inChannels") {
                try Conv2dShape(
                    batch: 1, inChannels: -1, height: 4, width: 4, outChannels: 1, kernelSize: 3)
            },
            Invalid(field: "outChannels") {
                try Conv2dShape(
                    batch: 1, inChannels: 1, height: 4, width: 4, outChannels: 0, kernelSize: 3)
            },
            Invalid(field: "kernelW") {
                try Conv2dShape(
                    batch: 1, inChannels: 1, height: 4, width: 4, outChannels: 1, kernelH: 3,
                    kernelW: 0)
            },
            Invalid(field: "strideH") {
                try Conv2dShape(
                    batch: 1, inChannels: 1, height: 4, width: 4, outChannels: 1, kernelH: 3,
                    kernelW: 3,
                    strideH: 0)
            },
            Invalid(field: "padW") {
                try Conv2dShape(
                    batch: 1, inChannels: 1, height: 4, width: 4, outChannels: 1, kernelH: 3,
                    kernelW: 3,
                    padW: -1)
            },
            Invalid(field: "height") {
                try Conv2dShape(
                    batch: 1, inChannels: 1, height: 2, width: 9, outChannels: 1, kernelSize: 5)
            },
            Invalid(field: "width") {
                try Conv2dShape(
                    batch: 1, inChannels: 1, height: 9, width: 2, outChannels: 1, kernelH: 3,
                    kernelW: 7,
                    padH: 0, padW: 2)
            },
        ])
    func validation(c: Invalid) {
        #expect {
            _ = try c.make()
        } throws: { error in
            guard let error = error as? Conv2dShapeError else { return false }
            return error.field == c.field && "\(error)".contains(c.field)
        }
    }
}
