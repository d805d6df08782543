import Foundation

/// What the engine sends between processes, inside one transport frame.
///
/// Layout: a kind byte, then varint fields; a batch ends with its items in
/// the exchange's `ItemCodec` encoding (decoded later, on the receiving
/// worker's thread).
///
/// ```swift
/// let bytes = WireMessage.progress(exchange: 0, from: 3, signal: .end).encoded()
/// let decoded = try WireMessage.decode(bytes)
/// ```
package enum WireMessage: Equatable {
    /// Items of one exchange from worker `from` to worker `to`; `items` are
    /// `count` items encoded from `payloadStart` to the end of `bytes`.
    case batch(exchange: Int, from: Int, to: Int, count: Int, bytes: [UInt8], payloadStart: Int)
    /// A progress signal of one exchange from worker `from` to every worker of the receiving process.
    case progress(exchange: Int, from: Int, signal: Progress)
    /// A worker's snapshot of `epoch` is durable (for the commit tracker).
    case written(worker: Int, epoch: Epoch, ended: Bool)
    /// A worker's inbox went over (busy) or back under its limit.
    case busy(worker: Int, busy: Bool)
    /// A start-up synchronization point, with a small payload.
    case sync(step: Int, payload: [UInt8])
    /// Process `process` was asked to stop (a signal, `stop()`), to suspend
    /// or to drain: every process stops the same way.
    case stop(process: Int, draining: Bool)

    private enum Kind: UInt8 {
        case batch = 1, progress, written, busy, sync, stop
    }

    /// The header of a batch message; the caller appends the encoded items.
    package static func batchHeader(exchange: Int, from: Int, to: Int, count: Int) -> [UInt8] {
        var writer = WireWriter()
        writer.byte(Kind.batch.rawValue)
        for value in [exchange, from, to, count] { writer.varint(UInt64(value)) }
        return writer.bytes
    }

    /// The message as bytes (for a batch: as given).
    package func encoded() -> [UInt8] {
        var writer = WireWriter()
        switch self {
        case let .batch(_, _, _, _, bytes, _):
            return bytes
        case let .progress(exchange, from, signal):
            writer.byte(Kind.progress.rawValue)
            writer.varint(UInt64(exchange))
            writer.varint(UInt64(from))
            switch signal {
            case .barrier(let epoch):
                writer.byte(0)
                writer.varint(epoch.rawValue)
            case .end:
                writer.byte(1)
            case .suspend:
                writer.byte(3)
            case .watermark(let mark):
                writer.byte(2)
                writer.varint(mark.time.timeIntervalSinceReferenceDate.bitPattern)
                writer.byte(mark.idle ? 1 : 0)
            }
        case let .written(worker, epoch, ended):
            writer.byte(Kind.written.rawValue)
            writer.varint(UInt64(worker))
            writer.varint(epoch.rawValue)
            writer.byte(ended ? 1 : 0)
        case let .busy(worker, busy):
            writer.byte(Kind.busy.rawValue)
            writer.varint(UInt64(worker))
            writer.byte(busy ? 1 : 0)
        case let .sync(step, payload):
            writer.byte(Kind.sync.rawValue)
            writer.varint(UInt64(step))
            writer.bytes.append(contentsOf: payload)
        case let .stop(process, draining):
            writer.byte(Kind.stop.rawValue)
            writer.varint(UInt64(process))
            writer.byte(draining ? 1 : 0)
        }
        return writer.bytes
    }

    /// Parses a message.
    /// - Throws: `WireError` for a truncated or unknown message.
    package static func decode(_ bytes: [UInt8]) throws -> WireMessage {
        var reader = WireReader(bytes)
        guard let kind = Kind(rawValue: try reader.byte()) else { throw WireError("unknown message kind \(bytes[0])") }
        switch kind {
        case .batch:
            let exchange = try reader.int(), from = try reader.int(), to = try reader.int(), count = try reader.int()
            return .batch(exchange: exchange, from: from, to: to, count: count, bytes: bytes, payloadStart: reader.offset)
        case .progress:
            let exchange = try reader.int(), from = try reader.int()
            let signal: Progress
            switch try reader.byte() {
            case 0: signal = .barrier(Epoch(try reader.varint()))
            case 1: signal = .end
            case 3: signal = .suspend
            case 2:
                let time = Date(timeIntervalSinceReferenceDate: Double(bitPattern: try reader.varint()))
                signal = .watermark(Watermark(time: time, idle: try reader.byte() == 1))
            case let other: throw WireError("unknown progress kind \(other)")
            }
            return .progress(exchange: exchange, from: from, signal: signal)
        case .written:
            let worker = try reader.int(), epoch = Epoch(try reader.varint())
            return .written(worker: worker, epoch: epoch, ended: try reader.byte() == 1)
        case .busy:
            let worker = try reader.int()
            return .busy(worker: worker, busy: try reader.byte() == 1)
        case .sync:
            let step = try reader.int()
            return .sync(step: step, payload: Array(bytes[reader.offset...]))
        case .stop:
            let process = try reader.int()
            return .stop(process: process, draining: try reader.byte() == 1)
        }
    }
}

/// A message from another process that cannot be parsed.
package struct WireError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// Appends bytes and LEB128 varints (`Varint`).
package struct WireWriter {
    package var bytes: [UInt8] = []
    package init() {}
    package mutating func byte(_ value: UInt8) { bytes.append(value) }
    package mutating func varint(_ value: UInt64) { Varint.append(value, to: &bytes) }
}

/// Reads what `WireWriter` wrote, throwing on truncation.
package struct WireReader {
    private let bytes: [UInt8]
    package private(set) var offset = 0
    package init(_ bytes: [UInt8]) { self.bytes = bytes }
    package mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw WireError("message truncated at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }
    package mutating func varint() throws -> UInt64 {
        switch Varint.read(bytes, at: &offset, end: bytes.count) {
        case .value(let value): return value
        case .truncated: throw WireError("message truncated at byte \(offset)")
        case .tooLong: throw WireError("varint too long at byte \(offset - 1)")
        }
    }
    package mutating func int() throws -> Int {
        let value = try varint()
        guard value <= UInt64(Int.max) else { throw WireError("value \(value) out of range at byte \(offset)") }
        return Int(value)
    }
}
