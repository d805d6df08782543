import Foundation
import Sluice
import SluiceRecovery
import SluiceTesting
import Testing

/// A key discarded after a rescale stays discarded after further restarts:
/// its older versions in the stores of the old layout never come back
/// (decision 0018's read floor and re-home clean-up).
@Suite(.serialized) struct LocalStoreTombstoneTests {
    private static let flowID = "local_tombstones"

    /// Words `k0…k11`; `kN!` discards kN's state. k0…k5 are dropped at 330
    /// (some of them move to another process when 2 processes become 3) and
    /// appear again only at the very end, after one last item of every key.
    private static let words: [String] = {
        var words: [String] = []
        for index in 0..<600 {
            let word = "k\((index * 7) % 12)"
            if index == 330 { words += (0..<6).map { "k\($0)!" } }
            if index > 330 && (index * 7) % 12 < 6 { continue }
            words.append(word)
        }
        return words + (0..<12).map { "k\($0)" }
    }()

    /// Each key's state after the whole input (nil: discarded).
    private static var model: [String: Int] {
        var state: [String: Int] = [:]
        for word in words {
            if word.hasSuffix("!") { state[String(word.dropLast())] = nil } else { state[word, default: 0] += 1 }
        }
        return state
    }

    private func flow(_ source: TestingSource<String>, _ sink: TestingSink<String>) -> Dataflow {
        let flow = Dataflow(Self.flowID)
        flow.input("words", source).keyOn("key") { $0.hasSuffix("!") ? String($0.dropLast()) : $0 }
            .statefulMap("running") { (count: Int?, word: String) -> (Int?, Int) in
                if word.hasSuffix("!") { return (nil, 0) }
                let next = (count ?? 0) + 1
                return (next, next)
            }
            .map("fmt") { (pair: (key: String, value: Int)) -> String in "\(pair.key)=\(pair.value)" }
            .output("out", sink)
        return flow
    }

    @Test func aKeyDiscardedAfterARescaleStaysDiscardedAfterMoreRestarts() throws {
        let hosts = LocalStoreHosts()
        var events = Self.words.map(TestingSource<String>.Event.item)
        for position in [440, 390, 250] { events.insert(.abort, at: position) }
        let source = TestingSource(events: events)
        // 2 processes, then 3 (re-homed; k0 is dropped in this run), then 3 twice more.
        for (index, processes) in [2, 3, 3].enumerated() {
            let errors = try hosts.run(processes: processes, workers: 1, flowID: Self.flowID) {
                flow(source, TestingSink<String>())
            }
            #expect(!errors.isEmpty, "run \(index + 1) aborts")
        }
        let last = TestingSink<String>()
        let errors = try hosts.run(processes: 3, workers: 1, flowID: Self.flowID) { flow(source, last) }
        #expect(errors == [])
        var final: [String: Int] = [:]
        for line in last.items {
            let parts = line.split(separator: "=")
            final[String(parts[0])] = Int(parts[1])!
        }
        #expect(final == Self.model, "k0…k5 count from 1 again after their drop: \(final.sorted { $0.key < $1.key })")
        #expect((0..<6).allSatisfy { Self.model["k\($0)"] == 1 } && Self.words.count > 450)
    }
}
