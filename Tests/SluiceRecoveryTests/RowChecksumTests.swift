import Testing

@testable import SluiceRecovery

/// The row checksum changes with any changed byte or bit of a row, and
/// tells fields apart (their lengths are part of it).
@Suite struct RowChecksumTests {
    private let state = Array("a state long enough to span several 8-byte words".utf8)

    @Test func everyFlippedBitOfTheStateChangesIt() {
        let sound = RowChecksum.of(step: "f.count", key: "k", epoch: 7, state: state)
        for index in state.indices {
            for bit in 0..<8 {
                var damaged = state
                damaged[index] ^= UInt8(1 << bit)
                #expect(RowChecksum.of(step: "f.count", key: "k", epoch: 7, state: damaged) != sound, "byte \(index) bit \(bit)")
            }
        }
    }

    @Test func twoFlippedHighBitsDoNotCancel() {
        var damaged = state
        damaged[7] ^= 0x80   // the top bit of the first word
        damaged[15] ^= 0x80  // and of the second
        #expect(RowChecksum.of(step: "s", key: "k", epoch: 1, state: damaged) != RowChecksum.of(step: "s", key: "k", epoch: 1, state: state))
    }

    @Test func stepKeyEpochAndDiscardedStatesAreTold() {
        let base = RowChecksum.of(step: "ab", key: "c", epoch: 1, state: [1])
        #expect(RowChecksum.of(step: "a", key: "bc", epoch: 1, state: [1]) != base)
        #expect(RowChecksum.of(step: "ab", key: "c", epoch: 2, state: [1]) != base)
        #expect(RowChecksum.of(step: "ab", key: "c", epoch: 1, state: nil) != RowChecksum.of(step: "ab", key: "c", epoch: 1, state: []))
        #expect(RowChecksum.of(step: "ab", key: "c", epoch: 1, state: [1]) == base, "stable")
    }
}
