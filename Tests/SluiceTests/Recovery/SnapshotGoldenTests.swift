import Foundation
import SluiceEngine
import SluiceRecovery
import Testing

@testable import SluiceCore

/// The states Sluice itself stores in a snapshot, pinned to their bytes.
/// A stored store must resume in every later version, so these bytes must
/// decode forever: a failure means a change reached the snapshot format.
/// Keep decoding the old bytes (add a case beside the old golden) and bump
/// `SnapshotFormatVersion.current`, or the change breaks every store on disk.
@Suite struct SnapshotGoldenTests {
    /// 2024-06-18T00:00:00Z as JSONEncoder writes a `Date` (seconds since 2001-01-01).
    static let t0 = Date(timeIntervalSinceReferenceDate: 740_361_600)

    /// The JSON a state is stored as, with its object keys sorted (JSONEncoder
    /// does not keep one key order from run to run; readers do not depend on it).
    static func json<T: Encodable>(_ value: T) throws -> String {
        try canonical(SnapshotCoding.encode(value))
    }

    static func canonical(_ bytes: [UInt8]) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        let sorted = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        return String(decoding: sorted, as: UTF8.self)
    }

    static func bump(_ what: String) -> Comment {
        "this changes the snapshot format (\(what)): keep a decoder for the old bytes and bump SnapshotFormatVersion"
    }

    /// Each golden decodes to the value and the value encodes to the golden.
    static func expectGolden<T: Codable & Equatable>(_ value: T, _ golden: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try json(value) == canonical(Array(golden.utf8)), bump(what), sourceLocation: sourceLocation)
        let decoded = try SnapshotCoding.decode(T.self, from: Array(golden.utf8), step: "golden", key: what)
        #expect(decoded == value, "\(what): the stored bytes no longer decode to the same state", sourceLocation: sourceLocation)
    }

    @Test func aWindowClockState() throws {
        var clock = WindowClockState()
        clock.watermark = Self.t0
        clock.systemTime = Self.t0.addingTimeInterval(2.5)
        clock.maxEventTime = Self.t0.addingTimeInterval(5)
        try Self.expectGolden(
            clock, #"{"watermark":740361600,"systemTime":740361602.5,"maxEventTime":740361605}"#, "window clock")
        try Self.expectGolden(WindowClockState(), "{}", "an empty window clock")
    }

    @Test func aWindowStateWithAnOpenWindowAndAPendingItem() throws {
        var state = WindowState<Int, String>()
        state.clock.watermark = Self.t0
        state.clock.systemTime = Self.t0
        state.windows[WindowID(7)] = OpenWindow(
            openTime: Self.t0, closeTime: Self.t0.addingTimeInterval(60), mergedIDs: [WindowID(7)], accumulator: 3)
        state.nextSessionID = 8
        state.pending = [PendingItem(time: Self.t0.addingTimeInterval(1), value: "late")]
        let golden =
            #"{"clock":{"watermark":740361600,"systemTime":740361600},"windows":[7,{"openTime":740361600,"closeTime":740361660,"mergedIDs":[7],"accumulator":3}],"nextSessionID":8,"pending":[{"time":740361601,"value":"late"}]}"#
        #expect(try Self.json(state) == Self.canonical(Array(golden.utf8)), Self.bump("window state"))
        let decoded = try SnapshotCoding.decode(WindowState<Int, String>.self, from: Array(golden.utf8), step: "golden", key: "w")
        #expect(decoded.clock == state.clock && decoded.nextSessionID == 8)
        #expect(decoded.windows.keys.map(\.rawValue) == [7] && decoded.windows[WindowID(7)]?.accumulator == 3)
        #expect(decoded.windows[WindowID(7)]?.closeTime == Self.t0.addingTimeInterval(60))
        #expect(decoded.pending.map(\.value) == ["late"] && decoded.pending.first?.time == Self.t0.addingTimeInterval(1))
        // Without pending items the key is left out, and a state without it decodes.
        state.pending = []
        #expect(try !Self.json(state).contains("pending"))
    }

    @Test func aCollectState() throws {
        let state = CollectState<String>(values: ["a", "b"], deadline: Self.t0)
        let golden = #"{"values":["a","b"],"deadline":740361600}"#
        #expect(try Self.json(state) == Self.canonical(Array(golden.utf8)), Self.bump("collect state"))
        let decoded = try SnapshotCoding.decode(CollectState<String>.self, from: Array(golden.utf8), step: "golden", key: "c")
        #expect(decoded.values == ["a", "b"] && decoded.deadline == Self.t0)
    }

    @Test func aJoinState() throws {
        var state = JoinState<Int, String>()
        state.lefts = [1, 2]
        state.rights = ["x"]
        let golden = #"{"lefts":[1,2],"rights":["x"]}"#
        #expect(try Self.json(state) == Self.canonical(Array(golden.utf8)), Self.bump("join state"))
        let decoded = try SnapshotCoding.decode(JoinState<Int, String>.self, from: Array(golden.utf8), step: "golden", key: "j")
        #expect(decoded.lefts == [1, 2] && decoded.rights == ["x"])
    }

    @Test func sourcePositionsAndEventTimes() throws {
        // File and Kafka sources store their next offset; `statefulMap` an optional user state;
        // an input its partition's largest event time under a reserved key.
        try Self.expectGolden(Int64(42), "42", "a source offset")
        try Self.expectGolden(Int?.none, "null", "a discarded optional state")
        try Self.expectGolden(Self.t0, "740361600", "a partition's largest event time")
        #expect(PartitionWatermarks.snapshotKey(PartitionKey("part-0")) == "part-0#max-event-time", Self.bump("reserved key"))
    }

    @Test func theFormatVersionIsStillOne() {
        #expect(SnapshotFormatVersion.current == SnapshotFormatVersion(1), "a new snapshot format: add goldens for it beside version 1's")
    }
}
