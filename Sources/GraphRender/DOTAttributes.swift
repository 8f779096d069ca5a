/// DOT attributes (`label`, `shape`, `color`, ...) that keep the order they were given in, so
/// the same graph always prints the same DOT text.
///
/// Written like a dictionary: `["shape": "box", "label": .html("<b>x</b>")]`. Setting a key
/// that is already present replaces its value in place; setting it to `nil` removes it.
public struct DOTAttributes: Hashable, Sendable {
    /// The pairs, in insertion order, each key once.
    public private(set) var pairs: [(key: String, value: DOTValue)] = []

    /// No attributes; `[:]` is the same.
    public init() {}

    /// The attributes of `pairs`, in order; a repeated key keeps its first position and its
    /// last value.
    public init(_ pairs: [(String, DOTValue)]) {
        for (key, value) in pairs {
            self[key] = value
        }
    }

    /// Whether there are no attributes.
    public var isEmpty: Bool { pairs.isEmpty }
    /// The number of attributes (keys).
    public var count: Int { pairs.count }
    /// The keys, in insertion order.
    public var keys: [String] { pairs.map(\.key) }

    /// The value of `key`, or nil when it is not set. Setting a key that is present replaces
    /// its value where it stands; a new key goes last; setting `nil` removes the key.
    public subscript(key: String) -> DOTValue? {
        get { pairs.first { $0.key == key }?.value }
        set {
            let index = pairs.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): pairs[index].value = value
            case (let index?, nil): pairs.remove(at: index)
            case (nil, let value?): pairs.append((key, value))
            case (nil, nil): break
            }
        }
    }

    /// These attributes followed by `other`'s; `other` wins where both set a key.
    public func merging(_ other: DOTAttributes) -> DOTAttributes {
        var merged = self
        for (key, value) in other.pairs {
            merged[key] = value
        }
        return merged
    }

    /// The DOT attribute list, `[key=value, ...]`, or `""` when there are none.
    public var dotText: String {
        if pairs.isEmpty { return "" }
        let items = pairs.map { DOTSyntax.id($0.key) + "=" + $0.value.dotText }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// Whether both hold the same keys with the same values in the same order (order
    /// matters: it decides the DOT text).
    public static func == (lhs: DOTAttributes, rhs: DOTAttributes) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.key == $1.key && $0.value == $1.value }
    }

    /// Feeds every key and value, in order, to `hasher`, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        for (key, value) in pairs {
            hasher.combine(key)
            hasher.combine(value)
        }
    }
}

extension DOTAttributes: ExpressibleByDictionaryLiteral {
    /// The attributes of a dictionary literal, in the order written:
    /// `["shape": "box", "label": "x"]`. A repeated key keeps its first position and its
    /// last value.
    public init(dictionaryLiteral elements: (String, DOTValue)...) {
        self.init(elements)
    }
}

extension DOTAttributes: Sequence {
    /// Iterates over the `(key, value)` pairs in insertion order:
    /// `for (key, value) in attributes`.
    public func makeIterator() -> IndexingIterator<[(key: String, value: DOTValue)]> {
        pairs.makeIterator()
    }
}
