/// How far one source partition's read has come, in the source's own unit
/// (Kafka: offsets, that is messages; files: bytes).
///
/// ```swift
/// let progress = ReadProgress(done: 500, total: 1000, unit: "messages")
/// ```
package struct ReadProgress: Sendable, Equatable {
    /// Units read since the partition was built.
    package var done: Int64
    /// Units to read in all (the end seen at start); nil when the read never ends (tail).
    package var total: Int64?
    /// The unit's name, plural ("messages", "bytes").
    package var unit: String

    package init(done: Int64, total: Int64?, unit: String) {
        self.done = done
        self.total = total
        self.unit = unit
    }
}

/// A source partition that can tell how far its read has come, for the
/// progress line of a finite run. Asked once per emitted batch, and only
/// while a progress line is shown.
///
/// ```swift
/// extension MyPartition: MeasuredPartition {
///     var readProgress: ReadProgress { ReadProgress(done: read, total: size, unit: "bytes") }
/// }
/// ```
package protocol MeasuredPartition: AnyObject {
    /// The partition's progress now.
    var readProgress: ReadProgress { get }
}
