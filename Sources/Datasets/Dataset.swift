import Checks
import Randomness
import TensorCore

/// A labelled image data set held in memory: `count` images of shape `[C, H, W]`, their class
/// labels, and the class names.
///
/// Images read from files keep their original bytes (one byte per pixel: 47 MB for the
/// 60,000 Fashion-MNIST training images, 154 MB for CIFAR-10's 50,000) and are converted to
/// Float32 in [0, 1] (`byte / 255`, as torchvision's `ToTensor`) when you take them out:
/// `image(at:)`, `images(at:)`, `DataLoader`. Sets you build from Floats, or transform with
/// `normalized(mean:std:)` / `applying(_:seed:)`, hold Floats.
///
/// A value type: a `subset`, a `split` or a transformed copy is a new data set.
public struct Dataset: Sendable {
    /// A short name for printouts (`"Fashion-MNIST train"`).
    public var name: String
    /// Channels per image.
    public let channels: Int
    /// Image height in pixels.
    public let height: Int
    /// Image width in pixels.
    public let width: Int
    /// The class index of each image, in `0..<classNames.count`.
    public let labels: [Int]
    /// The name of each class, indexed by label.
    public let classNames: [String]
    /// The pixels of all images, `[N, C, H, W]` row-major.
    let storage: PixelStorage

    /// Creates a data set from Float pixels, `[N, C, H, W]` row-major.
    /// - Throws: `DatasetError` `.badShape` when `images.count` is not `labels.count · C·H·W`,
    ///   `.labelOutOfRange` for a label outside `0..<classNames.count`.
    public init(
        name: String, images: [Float], labels: [Int], channels: Int, height: Int, width: Int,
        classNames: [String]
    ) throws(DatasetError) {
        try self.init(
            name: name, storage: .floats(images), labels: labels, channels: channels,
            height: height, width: width, classNames: classNames, path: nil)
    }

    /// Creates a data set from byte pixels (0 black ... 255 white), `[N, C, H, W]` row-major,
    /// which read as `byte / 255`.
    /// - Throws: as `init(name:images:labels:channels:height:width:classNames:)`.
    public init(
        name: String, pixels: [UInt8], labels: [Int], channels: Int, height: Int, width: Int,
        classNames: [String]
    ) throws(DatasetError) {
        try self.init(
            name: name, storage: .bytes(pixels), labels: labels, channels: channels,
            height: height, width: width, classNames: classNames, path: nil)
    }

    /// The designated initialiser; `path` names the file for error messages.
    init(
        name: String, storage: PixelStorage, labels: [Int], channels: Int, height: Int,
        width: Int, classNames: [String], path: String?
    ) throws(DatasetError) {
        guard channels > 0, height > 0, width > 0 else {
            throw DatasetError(
                .badShape, path: path,
                "\(name): image shape [\(channels), \(height), \(width)] must be positive")
        }
        let expected = labels.count * channels * height * width
        guard storage.count == expected else {
            throw DatasetError(
                .badShape, path: path,
                "\(name): \(labels.count) labels and images of shape [\(channels), \(height), "
                    + "\(width)] need \(expected) pixels, got \(storage.count)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classNames.count }) {
            throw DatasetError(
                .labelOutOfRange, path: path,
                "\(name): label \(labels[bad]) of example \(bad) is out of range: expected "
                    + "0...\(classNames.count - 1) (\(classNames.count) classes)")
        }
        self.name = name
        self.storage = storage
        self.labels = labels
        self.channels = channels
        self.height = height
        self.width = width
        self.classNames = classNames
    }

    /// The number of examples.
    public var count: Int { labels.count }

    /// `[C, H, W]` of every image.
    public var imageShape: [Int] { [channels, height, width] }

    /// Pixels per image, `C·H·W`.
    public var imageSize: Int { channels * height * width }

    /// Image `index` as Float32 `[C, H, W]`.
    public func image(at index: Int) -> Image {
        checkIndex(index, op: "Dataset.image(at:)")
        var pixels = [Float](repeating: 0, count: imageSize)
        pixels.withUnsafeMutableBufferPointer {
            storage.copyImage(index, size: imageSize, into: $0.baseAddress!)
        }
        return Image(channels: channels, height: height, width: width, pixels: pixels)
    }

    /// The images at `indices`, in that order, as one `[B, C, H, W]` tensor (no transforms).
    public func images(at indices: [Int]) -> Tensor {
        for index in indices { checkIndex(index, op: "Dataset.images(at:)") }
        let size = imageSize
        var data = [Float](repeating: 0, count: indices.count * size)
        data.withUnsafeMutableBufferPointer { out in
            for (slot, index) in indices.enumerated() {
                storage.copyImage(index, size: size, into: out.baseAddress! + slot * size)
            }
        }
        return Tensor(shape: [indices.count] + imageShape, data: data)
    }

    /// Every image as one `[N, C, H, W]` tensor (4 bytes a pixel: 188 MB for Fashion-MNIST's
    /// training set; for evaluation prefer a `DataLoader` without shuffling).
    public func allImages() -> Tensor { images(at: Array(0..<count)) }

    /// The examples at `indices`, in that order, as a new data set (indices may repeat).
    public func subset(_ indices: [Int], name: String? = nil) -> Dataset {
        for index in indices { checkIndex(index, op: "Dataset.subset") }
        return try! Dataset(
            name: name ?? self.name, storage: storage.gather(indices, size: imageSize),
            labels: indices.map { labels[$0] }, channels: channels, height: height,
            width: width, classNames: classNames, path: nil)
    }

    /// The examples of some classes only, relabelled `0..<classes.count` in the order given
    /// (for a task made of part of a data set: pre-training on five classes, transfer to the
    /// other five). With `perClass`, only the first that many of each class, in data-set order.
    public func selecting(classes wanted: [Int], perClass: Int? = nil, name: String? = nil)
        -> Dataset
    {
        for label in wanted {
            checkArgument(
                classNames.indices.contains(label),
                "Dataset.selecting: class \(label) is not one of the \(classNames.count) classes")
        }
        var picked: [Int] = []
        var counts = [Int: Int]()
        for (index, label) in labels.enumerated() where wanted.contains(label) {
            if let perClass, counts[label, default: 0] >= perClass { continue }
            counts[label, default: 0] += 1
            picked.append(index)
        }
        return try! Dataset(
            name: name ?? self.name, storage: storage.gather(picked, size: imageSize),
            labels: picked.map { wanted.firstIndex(of: labels[$0])! }, channels: channels,
            height: height, width: width, classNames: wanted.map { classNames[$0] }, path: nil)
    }

    /// The first `count` examples (all of them when there are fewer): a quick small set.
    public func prefix(_ count: Int) -> Dataset {
        subset(Array(0..<Swift.max(0, Swift.min(count, self.count))))
    }

    /// How many examples each class has, indexed by label.
    public func classCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// Stops with a message naming `op` when `index` is not an example.
    func checkIndex(_ index: Int, op: String) {
        checkArgument(
            index >= 0 && index < count,
            "\(op): index \(index) is out of range for \(name) (\(count) examples)")
    }
}

extension Dataset: CustomStringConvertible {
    /// The name, the number of images, their shape and the number of classes:
    /// `Fashion-MNIST train: 60000 images [1, 28, 28], 10 classes`.
    public var description: String {
        "\(name): \(count) images [\(channels), \(height), \(width)], \(classNames.count) classes"
    }
}

/// The pixels of a data set: original bytes (read as `byte / 255`) or Floats.
enum PixelStorage: Sendable {
    case bytes([UInt8])
    case floats([Float])

    /// Number of pixels stored.
    var count: Int {
        switch self {
        case .bytes(let bytes): bytes.count
        case .floats(let floats): floats.count
        }
    }

    /// Writes image `index` (of `size` pixels) as Floats to `target`.
    @inline(__always)
    func copyImage(_ index: Int, size: Int, into target: UnsafeMutablePointer<Float>) {
        let start = index * size
        switch self {
        case .bytes(let bytes):
            bytes.withUnsafeBufferPointer { source in
                byteToUnitFloat.withUnsafeBufferPointer { table in
                    for i in 0..<size { target[i] = table[Int(source[start + i])] }
                }
            }
        case .floats(let floats):
            floats.withUnsafeBufferPointer { source in
                target.update(from: source.baseAddress! + start, count: size)
            }
        }
    }

    /// The images at `indices` (of `size` pixels each), in that order, in the same form.
    func gather(_ indices: [Int], size: Int) -> PixelStorage {
        switch self {
        case .bytes(let bytes):
            var out: [UInt8] = []
            out.reserveCapacity(indices.count * size)
            for index in indices { out += bytes[(index * size)..<((index + 1) * size)] }
            return .bytes(out)
        case .floats(let floats):
            var out: [Float] = []
            out.reserveCapacity(indices.count * size)
            for index in indices { out += floats[(index * size)..<((index + 1) * size)] }
            return .floats(out)
        }
    }
}

/// `Float(b) / 255` for every byte value `b`: exactly torchvision's `ToTensor` values.
let byteToUnitFloat: [Float] = (0...255).map { Float($0) / 255 }
