import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// `foldWindow`, with the worked examples of Bytewax's windowing
/// documentation (same inputs and expected windows, our own code).
@Suite struct FoldWindowTests {
    typealias Event = WindowSupport.Event

    @Test func tumblingWindowsCountEventTypes() throws {
        let events = [Event(0, "login"), Event(4, "post"), Event(8, "post"), Event(16, "post")]
        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.foldWindow(
                "count", clock: WindowSupport.eventClock(),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin),
                initial: { [String: Int]() }
            ) { counts, event in counts.merging([event.label: 1], uniquingKeysWith: +) }
        }
        let results = out.down.items.map { "\($0.value.window)=\($0.value.value.sorted { $0.key < $1.key })" }
        #expect(results == [#"0=[(key: "login", value: 1), (key: "post", value: 2)]"#, #"1=[(key: "post", value: 1)]"#])
        #expect(out.meta.items.map(\.value.meta) == [
            WindowMetadata(openTime: WindowSupport.at(0), closeTime: WindowSupport.at(10)),
            WindowMetadata(openTime: WindowSupport.at(10), closeTime: WindowSupport.at(20)),
        ])
        #expect(out.late.items.isEmpty)
    }

    @Test func sessionWindowsSplitOnTheGapAndSendLateItemsAside() throws {
        let events = [
            Event(1, "a"), Event(5, "b"),
            Event(11, "c"), Event(12, "d"), Event(13, "e"), Event(14, "f"),
            Event(20, "g"),
            Event(1, "h"),  // late: the watermark is at 20
        ]
        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.foldWindow(
                "sessions", clock: WindowSupport.eventClock(), windower: SessionWindower(gap: .seconds(5)),
                initial: { [String]() }, { $0 + [$1.label] }, merger: { $0 + $1 })
        }
        #expect(out.down.items.map(\.value.window) == [0, 1, 2])
        #expect(out.down.items.map(\.value.value) == [["a", "b"], ["c", "d", "e", "f"], ["g"]])
        #expect(out.late.items.map(\.value.value.label) == ["h"])
        #expect(out.late.items.map(\.value.window) == [.unassigned])
        #expect(out.meta.items.map(\.value.meta) == [
            WindowMetadata(openTime: WindowSupport.at(1), closeTime: WindowSupport.at(5)),
            WindowMetadata(openTime: WindowSupport.at(11), closeTime: WindowSupport.at(14)),
            WindowMetadata(openTime: WindowSupport.at(20), closeTime: WindowSupport.at(20)),
        ])
    }

    @Test func slidingWindowsOverlap() throws {
        let events = [
            Event(1, "a"), Event(4, "b"), Event(8, "c"), Event(12, "d"), Event(13, "e"), Event(14, "f"),
            Event(16, "g"), Event(1, "h"),  // late for windows -1 and 0
        ]
        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.foldWindow(
                "sliding", clock: WindowSupport.eventClock(),
                windower: SlidingWindower(length: .seconds(10), offset: .seconds(5), alignTo: WindowSupport.origin),
                initial: { [String]() }, { $0 + [$1.label] })
        }
        let windows = out.down.items.map { ($0.value.window, $0.value.value) }.sorted { $0.0 < $1.0 }
        #expect(windows.map(\.0) == [-1, 0, 1, 2, 3])
        #expect(windows.map(\.1) == [["a", "b"], ["a", "b", "c"], ["c", "d", "e", "f"], ["d", "e", "f", "g"], ["g"]])
        #expect(out.late.items.map(\.value.window).sorted() == [-1, 0])
    }

    @Test func sessionsThatAnItemBridgesMergeIntoTheEarlierOne() throws {
        // Sessions at 0 and 20 (gap 10) stay apart until 10 bridges them.
        let events = [Event(0, "a"), Event(20, "b"), Event(10, "c")]
        let out = try WindowSupport.run(TestingSource(events)) { keyed in
            keyed.foldWindow(
                "merge", clock: WindowSupport.eventClock(wait: .seconds(15)), windower: SessionWindower(gap: .seconds(10)),
                initial: { [String]() }, { $0 + [$1.label] }, merger: { $0 + $1 })
        }
        #expect(out.down.items.map(\.value.window) == [0])
        #expect(out.down.items.map(\.value.value) == [["a", "b", "c"]], "the sessions merge first, then the bridging item is added")
        #expect(out.meta.items.map(\.value.meta) == [
            WindowMetadata(openTime: WindowSupport.at(0), closeTime: WindowSupport.at(20), mergedIDs: [1])
        ])
    }

    @Test func sessionsWithoutAMergerAreRejectedAtBuildNamingTheStep() throws {
        let flow = Dataflow("windows")
        let out = flow.input("events", TestingSource([Event(0, "a")])).keyOn("key") { _ in "ALL" }
            .foldWindow(
                "no_merger", clock: WindowSupport.eventClock(), windower: SessionWindower(gap: .seconds(5)),
                initial: { 0 }, { count, _ in count + 1 })
        out.down.output("out", TestingSink())
        let error = try #require(throws: DataflowError.self) { try flow.validate() }
        #expect(error.step == "windows.no_merger")
        #expect("\(error)".contains("merger"))
    }

    @Test func aThrowingFolderNamesTheStepAndItem() throws {
        struct Refused: Error, CustomStringConvertible { var description: String { "refused" } }
        let flow = Dataflow("windows")
        flow.input("events", TestingSource([Event(0, "bad")])).keyOn("key") { _ in "ALL" }
            .foldWindow(
                "fold", clock: WindowSupport.eventClock(),
                windower: TumblingWindower(length: .seconds(10), alignTo: WindowSupport.origin),
                initial: { 0 }, { _, _ in throw Refused() }
            ).down.output("out", TestingSink())
        let error = try expectRunFails(flow, workers: 1)
        #expect(error.step?.description.hasPrefix("windows.fold") == true, "\(error)")
        #expect("\(error)".contains("refused") && "\(error)".contains("bad"), "\(error)")
    }
}
