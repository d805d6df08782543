import Foundation
import Sluice
import Testing

@testable import WordCount

@Suite struct WordCountExampleTests {
    @Test(arguments: [1, 2, 3])
    func countsEveryWordOfEveryFile(workers: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wc-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.txt").path
        let b = dir.appendingPathComponent("b.txt").path
        let out = dir.appendingPathComponent("counts.txt").path
        try "The cat, the dog.\nIt's the END\n".write(toFile: a, atomically: true, encoding: .utf8)
        try "the end\n\ncat\n".write(toFile: b, atomically: true, encoding: .utf8)

        try Sluice.run(makeWordCountFlow(inputs: [a, b], output: out), workers: workers)

        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.sorted() == ["cat 2", "dog 1", "end 2", "it's 1", "the 4"])
    }
}
