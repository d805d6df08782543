/// The coding key of an element in an unkeyed container, array or dictionary (`Index 3`
/// in a coding path). One word, so it boxes into `any CodingKey` without allocating; its
/// name is made only when asked (in an error).
///
/// ```swift
/// let path: [any CodingKey] = [BinaryIndexKey(3)]   // "Index 3"
/// ```
package struct BinaryIndexKey: CodingKey {
    private let index: Int

    /// The key of element `index`.
    package init(_ index: Int) { self.index = index }

    package var stringValue: String { "Index \(index)" }
    package var intValue: Int? { index }

    package init?(stringValue: String) {
        guard stringValue.hasPrefix("Index "), let index = Int(stringValue.dropFirst(6)) else { return nil }
        self.index = index
    }

    package init?(intValue: Int) { self.index = intValue }
}

/// The key of a class's `super` field (`superEncoder()`/`superDecoder()`), as Foundation's coders name it.
///
/// ```swift
/// let key = BinarySuperKey.super
/// ```
package enum BinarySuperKey: String, CodingKey {
    case `super`
}
