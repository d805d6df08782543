import SluiceEngine
import Testing

@Suite struct PartitionAssignmentTests {
    private static func keys(_ count: Int) -> [PartitionKey] {
        (0..<count).map { PartitionKey("topic-\($0)") }
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func everyPartitionIsAssignedExactlyOnceAndEvenly(workerCount: Int) {
        for partitionCount in 0...20 {
            let keys = Self.keys(partitionCount)
            let owners = PartitionAssignment.assign(keys, step: "flow.in", workerCount: workerCount)
            #expect(Set(owners.keys) == Set(keys), "\(partitionCount) partitions")
            #expect(owners.values.allSatisfy { (0..<workerCount).contains($0) })

            var perWorker = [Int](repeating: 0, count: workerCount)
            for owner in owners.values { perWorker[owner] += 1 }
            #expect(perWorker.reduce(0, +) == partitionCount)
            #expect(
                perWorker.max()! - perWorker.min()! <= 1,
                "\(partitionCount) partitions over \(workerCount) workers: \(perWorker)")
        }
    }

    @Test func theAssignmentIsDeterministic() {
        let keys = Self.keys(9)
        let first = PartitionAssignment.assign(keys, step: "flow.in", workerCount: 4)
        for _ in 0..<5 {
            #expect(PartitionAssignment.assign(keys, step: "flow.in", workerCount: 4) == first)
        }
    }

    @Test func theAssignmentDoesNotDependOnTheInputOrder() {
        let keys = Self.keys(11)
        let expected = PartitionAssignment.assign(keys, step: "flow.in", workerCount: 3)
        #expect(PartitionAssignment.assign(keys.reversed(), step: "flow.in", workerCount: 3) == expected)
        var generator = SplitMix64(seed: 42)
        for _ in 0..<10 {
            let shuffled = keys.shuffled(using: &generator)
            #expect(PartitionAssignment.assign(shuffled, step: "flow.in", workerCount: 3) == expected)
        }
    }

    @Test func duplicateKeysAreAssignedOnce() {
        let keys: [PartitionKey] = ["a", "b", "a", "c", "b"]
        let owners = PartitionAssignment.assign(keys, step: "flow.in", workerCount: 2)
        #expect(owners.count == 3)
        #expect(owners == PartitionAssignment.assign(["a", "b", "c"], step: "flow.in", workerCount: 2))
    }

    @Test func singlePartitionSourcesOfDifferentStepsDoNotAllLandOnOneWorker() {
        let owners = Set((0..<20).map { index in
            PartitionAssignment.assign(["only"], step: StepID("flow.in_\(index)"), workerCount: 4)["only"]!
        })
        #expect(owners.count > 1, "every step's single partition went to worker \(owners)")
    }
}

/// A seeded generator, so shuffles are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
