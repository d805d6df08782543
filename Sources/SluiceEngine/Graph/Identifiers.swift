/// The stable, hierarchical id of a step, such as `word_count.count`.
///
/// Step ids name operator state in the recovery store and appear in every error,
/// so they must be unique within a dataflow and stable across runs.
///
/// ```swift
/// let id = StepID("word_count.count")
/// print(id)   // word_count.count
/// ```
public struct StepID: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The dotted path, e.g. `flow.step.substep`.
    public let rawValue: String

    /// Creates a step id from its dotted path.
    /// - Parameter rawValue: The full dotted id.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Creates a step id from a string literal, e.g. `let id: StepID = "flow.map"`.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The id of a step nested below this one: `StepID("a").child("b") == "a.b"`.
    /// - Parameter name: The local name of the nested step.
    /// - Returns: The nested id.
    public func child(_ name: String) -> StepID { StepID(rawValue + "." + name) }

    public var description: String { rawValue }
}

/// The index of a worker in the whole run (all processes), starting at 0.
///
/// ```swift
/// let first = WorkerIndex(0)
/// print(first)   // worker 0
/// ```
public struct WorkerIndex: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The zero-based index.
    public let rawValue: Int
    /// Creates a worker index.
    /// - Parameter rawValue: The zero-based index.
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (lhs: WorkerIndex, rhs: WorkerIndex) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "worker \(rawValue)" }
}

/// A numbered slice of processing time. Every item belongs to the epoch in which
/// its source emitted it; epochs are the unit of consistency (snapshots).
///
/// ```swift
/// let e = Epoch(1)
/// print(e.next)   // epoch 2
/// ```
public struct Epoch: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The epoch number; the first epoch of a fresh run is 1.
    public let rawValue: UInt64
    /// Creates an epoch.
    /// - Parameter rawValue: The epoch number.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    /// The epoch after this one.
    public var next: Epoch { Epoch(rawValue + 1) }
    public static func < (lhs: Epoch, rhs: Epoch) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "epoch \(rawValue)" }
}

/// The key that names one partition of a source or sink, e.g. a file path or
/// `topic-3` for a Kafka topic-partition.
///
/// ```swift
/// let key: PartitionKey = "lines.txt"
/// ```
public struct PartitionKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The key as a string.
    public let rawValue: String
    /// Creates a partition key.
    /// - Parameter rawValue: The key.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Creates a partition key from a literal.
    public init(stringLiteral value: String) { self.rawValue = value }
    public static func < (lhs: PartitionKey, rhs: PartitionKey) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}
