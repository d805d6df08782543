import Foundation
import SluiceEngine
import Testing

/// Progress signals survive the trip between processes, and a signal of an
/// unknown kind is refused rather than misread.
@Suite struct WireMessageTests {
    static func roundTrip(_ signal: Progress) throws -> Progress? {
        let bytes = WireMessage.progress(exchange: 3, from: 5, signal: signal).encoded()
        guard case let .progress(exchange, from, decoded) = try WireMessage.decode(bytes) else { return nil }
        #expect(exchange == 3 && from == 5)
        return decoded
    }

    @Test(arguments: [
        Progress.barrier(Epoch(42)), .end,
        .watermark(Watermark(time: Date(timeIntervalSince1970: 1_700_000_000.25), idle: false)),
        .watermark(Watermark(time: .distantPast, idle: true)),
    ])
    func progressSignalsRoundTrip(signal: Progress) throws {
        #expect(try Self.roundTrip(signal) == signal)
    }

    @Test func anUnknownProgressKindIsRefused() throws {
        var bytes = WireMessage.progress(exchange: 0, from: 0, signal: .end).encoded()
        bytes[bytes.count - 1] = 9
        let error = try #require(throws: WireError.self) { try WireMessage.decode(bytes) }
        #expect(error.description == "unknown progress kind 9")
    }

    @Test(arguments: [0, 1, 300])
    func aStopRequestRoundTrips(process: Int) throws {
        let bytes = WireMessage.stop(process: process, draining: process == 1).encoded()
        #expect(try WireMessage.decode(bytes) == .stop(process: process, draining: process == 1))
    }
}
