import Foundation
import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// Helpers for the windowing tests: fixed instants, one event type, and
/// bounded runs that return what each of a window operator's streams received.
enum WindowSupport {
    /// 2022-01-01 00:00:00 UTC, the alignment instant of the tests.
    static let origin = Date(timeIntervalSince1970: 1_640_995_200)

    /// `origin` plus `seconds`.
    static func at(_ seconds: Double) -> Date { origin.addingTimeInterval(seconds) }

    /// A fixed "system time" for clocks, so the watermark moves only with event
    /// times and results never depend on how long a run takes.
    static let frozenNow: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_700_000_000) }

    /// An event with a timestamp in seconds after `origin` and a label.
    struct Event: Codable, Sendable, Hashable {
        let second: Double
        let label: String
        init(_ second: Double, _ label: String) {
            self.second = second
            self.label = label
        }
        var time: Date { WindowSupport.at(second) }
    }

    /// An event clock on `Event.time` with a frozen system time.
    static func eventClock(wait: Duration = .zero) -> EventClock<Event> {
        EventClock(timestamp: { $0.time }, waitForSystemDuration: wait, now: frozenNow)
    }

    /// What the three output streams of one windowing operator received.
    struct Collected<Value: Sendable, Down: Sendable> {
        let down = TestingSink<(key: String, value: WindowResult<Down>)>()
        let late = TestingSink<(key: String, value: (window: WindowID, value: Value))>()
        let meta = TestingSink<(key: String, value: (window: WindowID, meta: WindowMetadata))>()

        /// Wires `output`'s streams to the sinks.
        func attach(_ output: WindowOutput<Value, Down>) {
            output.down.output("down_out", down)
            output.late.output("late_out", late)
            output.meta.output("meta_out", meta)
        }
    }

    /// Builds a flow over `source` keyed by `key`, applies `window`, runs it
    /// (bounded) on `workers` workers and returns what it emitted.
    static func run<Down: Sendable>(
        _ source: TestingSource<Event>, workers: Int = 1, key: @escaping @Sendable (Event) -> String = { _ in "ALL" },
        configure: (inout RunConfiguration) -> Void = { _ in },
        _ window: (KeyedStream<Event>) -> WindowOutput<Event, Down>
    ) throws -> Collected<Event, Down> {
        let flow = Dataflow("windows")
        let collected = Collected<Event, Down>()
        collected.attach(window(flow.input("events", source).keyOn("key", key)))
        var configuration = RunConfiguration(workers: workers)
        configure(&configuration)
        try expectRunSucceeds(flow, configuration: configuration)
        return collected
    }
}
