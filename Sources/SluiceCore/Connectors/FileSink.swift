import Foundation
import SluiceEngine

/// Writes lines to one file. The file is a single partition, written by one
/// worker; items from other workers are routed to it. Flushed at every epoch
/// end and at the end of input. Its resume state is the file's length, to
/// which a resumed run truncates it.
///
/// ```swift
/// counts.map("format") { "\($0.key) \($0.value)" }.output("save", FileSink(path: "counts.txt"))
/// ```
public struct FileSink: PartitionedSink {
    /// The file written.
    public let path: String

    /// - Parameter path: The file to write; created or truncated.
    public init(path: String) { self.path = path }

    public func listPartitions() throws -> [PartitionKey] { [PartitionKey(path)] }

    public func partition(for item: String, of count: Int) -> Int { 0 }

    public func buildPartition(_ key: PartitionKey, resumeState: Int64?) throws -> Partition {
        try Partition(path: key.rawValue, truncateTo: resumeState ?? 0)
    }

    /// The open file.
    public final class Partition: SinkPartition {
        private let path: String
        private var file: UnsafeMutablePointer<FILE>?
        private var length: Int64

        init(path: String, truncateTo length: Int64) throws {
            self.path = path
            self.length = length
            let mode = length > 0 ? "r+" : "w"
            guard let file = fopen(path, mode) else { throw FileConnectorError.cannotOpen(path: path, errno: errno) }
            self.file = file
            if length > 0 {
                if ftruncate(fileno(file), off_t(length)) != 0 || fseeko(file, off_t(length), SEEK_SET) != 0 {
                    fclose(file)
                    throw FileConnectorError.cannotSeek(path: path, offset: length, errno: errno)
                }
            }
        }

        deinit { if let file { fclose(file) } }

        public func write(_ batch: [String]) throws {
            guard let file else { return }
            var text = ""
            text.reserveCapacity(batch.count * 16)
            for line in batch {
                text += line
                text += "\n"
            }
            // fwrite, not fputs: a line may contain NUL bytes, where a C string would end.
            let (written, count) = text.withUTF8 { bytes in
                (fwrite(bytes.baseAddress, 1, bytes.count, file), bytes.count)
            }
            if written < count { throw FileConnectorError.writeFailed(path: path, errno: errno) }
            length += Int64(count)
        }

        public func epochEnded(_ epoch: Epoch) throws {
            if let file, fflush(file) != 0 { throw FileConnectorError.writeFailed(path: path, errno: errno) }
        }

        public func snapshot() -> Int64 { length }

        public func close() throws {
            guard let file else { return }
            self.file = nil
            if fflush(file) != 0 || fclose(file) != 0 {
                throw FileConnectorError.writeFailed(path: path, errno: errno)
            }
        }
    }
}
