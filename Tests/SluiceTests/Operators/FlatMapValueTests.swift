import Sluice
import SluiceTesting
import Testing

@Suite struct FlatMapValueTests {
    @Test func expandsValuesUnderTheirKey() throws {
        let input = ["de:", "en:the cat", "fr:le chat noir"]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<String>>()
            flow.input("in", TestingSource(input, batchSize: 2))
                .keyOn("language") { (line: String) -> String in String(line.prefix(2)) }
                .mapValue("text") { (line: String) -> String in String(line.dropFirst(3)) }
                .flatMapValue("words") { (text: String) -> [String] in text.split(separator: " ").map(String.init) }
                .asKV()
                .output("out", sink)
            return sink
        }
        #expect(out == [KV("en", "the"), KV("en", "cat"), KV("fr", "le"), KV("fr", "chat"), KV("fr", "noir")])
    }

    @Test func multipliesAndDropsValuesOnEveryWorkerCount() throws {
        let partitions = [[0, 1, 2], [3, 0], [4]]
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            flow.input("in", TestingSource(partitions: partitions, batchSize: 2))
                .keyOn("self") { "k\($0)" }
                .flatMapValue("repeat") { Array(repeating: $0, count: $0) }
                .asKV()
                .output("out", sink)
            return sink
        }
        #expect(out.sorted() == [1, 2, 2, 3, 3, 3, 4, 4, 4, 4].map { KV("k\($0)", $0) })
    }
}
