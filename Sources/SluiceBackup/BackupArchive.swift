import SluiceRecovery

/// The content of one backup object: a *base* (every partition file's
/// schema, every row at or before the epoch) or a *segment* (the `snapshots`
/// rows of epochs after the previous upload, and full copies of every other
/// table). Encoded with a magic, a format version and the epochs it spans;
/// its SHA-256 is part of its object key and is checked before it is decoded.
///
/// ```swift
/// let archive = BackupArchive(kind: .base, after: nil, through: 12, files: files)
/// let bytes = archive.encoded()
/// let again = try BackupArchive(decoding: bytes)
/// ```
struct BackupArchive: Equatable {
    /// A base or a segment.
    enum Kind: UInt8 {
        case base = 0
        case segment = 1
    }

    /// One table's rows.
    struct Table: Equatable {
        var name: String
        var columns: [String]
        var rows: [[SQLiteValue]]
    }

    /// One partition file's part.
    struct File: Equatable {
        /// The partition index (`part-<index>.sqlite`).
        var index: Int
        /// Its `PRAGMA user_version` (schema level).
        var userVersion: Int64
        /// Its schema, as `CREATE` statements in creation order.
        var schema: [String]
        /// Its tables' rows.
        var tables: [Table]
    }

    /// The first bytes of every archive.
    static let magic = Array("SLUICEBK".utf8)
    /// The format this code writes and reads.
    static let formatVersion: UInt32 = 1

    var kind: Kind
    /// The epoch the previous upload reached (segments); nil for a base.
    var after: Int64?
    /// The committed epoch the archive reaches.
    var through: Int64
    var files: [File]

    /// The encoded bytes.
    func encoded() -> [UInt8] {
        var writer = ArchiveWriter()
        for byte in Self.magic { writer.uint8(byte) }
        writer.uint32(Self.formatVersion)
        writer.uint8(kind.rawValue)
        writer.int64(after ?? -1)
        writer.int64(through)
        writer.uint32(UInt32(files.count))
        for file in files {
            writer.uint32(UInt32(file.index))
            writer.int64(file.userVersion)
            writer.uint32(UInt32(file.schema.count))
            for statement in file.schema { writer.string(statement) }
            writer.uint32(UInt32(file.tables.count))
            for table in file.tables {
                writer.string(table.name)
                writer.uint32(UInt32(table.columns.count))
                for column in table.columns { writer.string(column) }
                writer.int64(Int64(table.rows.count))
                for row in table.rows {
                    for value in row { Self.write(value, to: &writer) }
                }
            }
        }
        return writer.bytes
    }

    /// Decodes an archive.
    /// - Throws: A description of what is wrong (bad magic, newer format, truncation).
    init(decoding bytes: [UInt8]) throws {
        var reader = ArchiveReader(bytes)
        let magic = try (0..<Self.magic.count).map { _ in try reader.uint8() }
        guard magic == Self.magic else { throw ArchiveProblem("it is not a Sluice backup archive (bad magic)") }
        let version = try reader.uint32()
        guard version == Self.formatVersion else {
            throw ArchiveProblem("archive format \(version) is not \(Self.formatVersion) (written by another Sluice version)")
        }
        guard let kind = Kind(rawValue: try reader.uint8()) else { throw ArchiveProblem("unknown archive kind") }
        self.kind = kind
        let after = try reader.int64()
        self.after = kind == .base ? nil : after
        through = try reader.int64()
        var files: [File] = []
        for _ in 0..<(try reader.uint32()) {
            let index = Int(try reader.uint32())
            let userVersion = try reader.int64()
            let schema = try (0..<(try reader.uint32())).map { _ in try reader.string() }
            var tables: [Table] = []
            for _ in 0..<(try reader.uint32()) {
                let name = try reader.string()
                let columns = try (0..<(try reader.uint32())).map { _ in try reader.string() }
                let count = try reader.int64()
                guard count >= 0, count <= Int64(bytes.count) else { throw ArchiveProblem("table \(name) has a bad row count") }
                var rows: [[SQLiteValue]] = []
                rows.reserveCapacity(Int(count))
                for _ in 0..<count {
                    rows.append(try columns.map { _ in try Self.readValue(&reader) })
                }
                tables.append(Table(name: name, columns: columns, rows: rows))
            }
            files.append(File(index: index, userVersion: userVersion, schema: schema, tables: tables))
        }
        guard reader.isAtEnd else { throw ArchiveProblem("trailing bytes after the last file") }
        self.files = files
    }

    /// An archive from its parts.
    init(kind: Kind, after: Int64?, through: Int64, files: [File]) {
        self.kind = kind
        self.after = after
        self.through = through
        self.files = files
    }

    private static func write(_ value: SQLiteValue, to writer: inout ArchiveWriter) {
        switch value {
        case .null: writer.uint8(0)
        case let .integer(number): writer.uint8(1); writer.int64(number)
        case let .real(number): writer.uint8(2); writer.int64(Int64(bitPattern: number.bitPattern))
        case let .text(text): writer.uint8(3); writer.string(text)
        case let .blob(bytes): writer.uint8(4); writer.data(bytes)
        }
    }

    private static func readValue(_ reader: inout ArchiveReader) throws -> SQLiteValue {
        switch try reader.uint8() {
        case 0: return .null
        case 1: return .integer(try reader.int64())
        case 2: return .real(Double(bitPattern: UInt64(bitPattern: try reader.int64())))
        case 3: return .text(try reader.string())
        case 4: return .blob(try reader.data())
        case let tag: throw ArchiveProblem("unknown value tag \(tag)")
        }
    }
}

/// Why an archive does not decode.
struct ArchiveProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
