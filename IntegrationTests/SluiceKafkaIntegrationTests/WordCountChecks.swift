import Testing

/// Every word's counts: the highest is its true count (nothing lost,
/// nothing applied twice), none is above it, and every running count
/// from 1 up to it was written (replays after a resume may repeat some).
func expectExactCounts(
    _ counts: [(word: String, count: Int)], truth: [String: Int], runLog: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var seen: [String: Set<Int>] = [:]
    for (word, count) in counts { seen[word, default: []].insert(count) }
    #expect(
        Set(seen.keys) == Set(truth.keys), "words written but never read, or read but never counted",
        sourceLocation: sourceLocation)
    var wrong: [String] = []
    for (word, total) in truth.sorted(by: { $0.key < $1.key }) {
        let written = seen[word] ?? []
        if written != Set(1...total) {
            let missing = Set(1...total).subtracting(written).sorted().prefix(5)
            let extra = written.subtracting(1...total).sorted().prefix(5)
            wrong.append("\(word): true count \(total), highest written \(written.max() ?? 0), missing \(Array(missing)), beyond \(Array(extra))")
        }
    }
    #expect(
        wrong.isEmpty, "\(wrong.count) words counted wrong, e.g. \(wrong.prefix(5)); runs:\n\(runLog)",
        sourceLocation: sourceLocation)
}
