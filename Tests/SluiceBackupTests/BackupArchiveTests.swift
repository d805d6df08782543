import Testing

@testable import SluiceBackup
@testable import SluiceRecovery

/// The archive encoding: a round trip keeps every value; truncated or
/// foreign bytes are refused with a reason.
@Suite struct BackupArchiveTests {
    private let archive = BackupArchive(
        kind: .segment, after: 4, through: 9,
        files: [
            .init(
                index: 1, userVersion: 3, schema: ["CREATE TABLE t (a, b)"],
                tables: [
                    .init(
                        name: "snapshots", columns: ["step", "key", "epoch", "state", "checksum"],
                        rows: [[.text("f.count"), .text("k1"), .integer(7), .blob([1, 2, 3]), .integer(-5)],
                               [.text("f.count"), .text("k2"), .integer(9), .null, .real(1.5)]])
                ])
        ])

    @Test func aRoundTripKeepsEveryValue() throws {
        #expect(try BackupArchive(decoding: archive.encoded()) == archive)
    }

    @Test func aTruncatedArchiveIsRefusedSayingWhereItEnds() throws {
        let bytes = archive.encoded()
        let error = #expect(throws: ArchiveReader.Truncated.self) { try BackupArchive(decoding: Array(bytes.dropLast(3))) }
        #expect(error?.description.contains("ends at byte \(bytes.count - 3)") == true)
    }

    @Test func foreignBytesAreRefusedByTheirMagic() {
        let error = #expect(throws: ArchiveProblem.self) { try BackupArchive(decoding: Array("not an archive at all".utf8)) }
        #expect(error?.description.contains("magic") == true)
    }

    @Test func aNewerFormatIsRefusedNamingIt() {
        var bytes = archive.encoded()
        bytes[8] = 2  // the format version's low byte
        let error = #expect(throws: ArchiveProblem.self) { try BackupArchive(decoding: bytes) }
        #expect(error?.description.contains("format 2") == true)
    }
}
