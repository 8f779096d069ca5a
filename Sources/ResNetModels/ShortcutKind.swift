/// What one block's shortcut is, for summaries and graphs (see `Shortcut.kind`).
public enum ShortcutKind: String, Sendable, Hashable, Codable, CaseIterable,
    CustomStringConvertible
{
    /// Adds the block's input unchanged.
    case identity
    /// Option A: stride subsampling and zero-padded channels, no parameters.
    case zeroPadding = "zero-padding"
    /// Option B or C: a 1x1 convolution and batch norm (torchvision's `downsample`).
    case projection

    /// The raw value: `identity`, `zero-padding` or `projection`.
    public var description: String { rawValue }
}
