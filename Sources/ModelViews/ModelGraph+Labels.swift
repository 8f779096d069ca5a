import GraphRender
import NN
import ResNetModels
import TextFormat

// What each node says: the module's name in bold, what it computes, and its output shape
// when the graph was made with an input shape.

extension ModelGraph {
    /// A short description of what `module` computes: `"Conv2d 3×3 64→128 /2"`,
    /// `"BatchNorm2d 64"`, `"Linear 512→1000"`, `"BasicBlock 64→128 /2"`; its type otherwise.
    public static func describe(_ module: Module) -> String {
        func strided(_ stride: Int) -> String { stride > 1 ? " /\(stride)" : "" }
        switch module {
        case let block as any ResidualBlock:
            return "\(block.typeName) \(block.inputChannels)→\(block.outputChannels)"
                + strided(block.stride)
        case let conv as Conv2d:
            return "Conv2d \(conv.kernelSize)×\(conv.kernelSize) "
                + "\(conv.inputChannels)→\(conv.outputChannels)" + strided(conv.stride)
        case let norm as BatchNorm2d:
            return "BatchNorm2d \(norm.channels)"
        case let pool as MaxPool2d:
            let stride =
                pool.stride.height == pool.stride.width
                ? strided(pool.stride.height) : " /(\(pool.stride.height), \(pool.stride.width))"
            return "MaxPool2d \(pool.kernelSize.height)×\(pool.kernelSize.width)" + stride
        case let pool as AdaptiveAvgPool2d:
            return "AdaptiveAvgPool2d → \(pool.outputSize)×\(pool.outputSize)"
        case let linear as Linear:
            return "Linear \(linear.inputFeatures)→\(linear.outputFeatures)"
        default:
            return module.typeName
        }
    }

    /// What the shortcut path of `block` computes, for the label of its edge; nil for an
    /// identity shortcut (nothing to say) and for a plain block.
    public static func shortcutLabel(_ block: any ResidualBlock) -> String? {
        let stride = block.stride > 1 ? " /\(block.stride)" : ""
        switch block.shortcutKind {
        case .projection: return "1×1 conv\(stride) + BN"
        case .zeroPadding:
            return (block.stride > 1 ? "subsample\(stride) + " : "") + "zero-pad"
        case .identity, nil: return nil
        }
    }

    /// An HTML-like label: `name` in bold, then `text`, then `shape` in small grey type.
    static func nodeLabel(name: String, text: String, shape: [Int]?) -> DOTValue {
        var markup = ""
        if !name.isEmpty { markup += "<b>" + DOTValue.escapeHTML(name) + "</b> " }
        markup += DOTValue.escapeHTML(text)
        if let shape {
            markup +=
                "<br/><font point-size=\"9\" color=\"\(GraphStyle.shapeTextColor)\">"
                + DOTValue.escapeHTML(Format.shape(shape)) + "</font>"
        }
        return .html(markup)
    }
}
