import Sluice
import SluiceTesting

/// The recovery tests' flow: words counted per word as they come
/// (`statefulMap`, "word=count" to `running`) and at the end of input
/// (`foldFinal`, "word=total" to `totals`).
///
/// ```swift
/// let flow = runningCountsAndTotals("recovery", TestingSource(["a", "b", "a"]), running: running, totals: totals)
/// ```
package func runningCountsAndTotals(
    _ flowID: String, _ source: TestingSource<String>, running: TestingSink<String>, totals: TestingSink<String>
) -> Dataflow {
    let flow = Dataflow(flowID)
    let keyed = flow.input("words", source).keyOn("key") { $0 }
    keyed.statefulMap("running") { (count: Int?, _: String) in
        let next = (count ?? 0) + 1
        return (next, next)
    }
    .map("fmt_running") { "\($0.key)=\($0.value)" }
    .output("running_out", running)
    keyed.foldFinal("total", initial: { 0 }) { total, _ in total + 1 }
        .map("fmt_total") { "\($0.key)=\($0.value)" }
        .output("totals_out", totals)
    return flow
}

/// The highest count each word reached in "word=count" lines (the `running`
/// output of `runningCountsAndTotals`).
///
/// ```swift
/// #expect(highestCounts(["a=1", "a=2", "b=1"]) == ["a": 2, "b": 1])
/// ```
package func highestCounts(_ lines: [String]) -> [String: Int] {
    var highest: [String: Int] = [:]
    for line in lines {
        let parts = line.split(separator: "=")
        highest[String(parts[0]), default: 0] = max(highest[String(parts[0]), default: 0], Int(parts[1])!)
    }
    return highest
}
