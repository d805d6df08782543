import Foundation
import SluiceEngine

/// Reads text files line by line: one partition per file, so several files are
/// read in parallel by different workers. The resume state of a partition is
/// the byte offset of its next line.
///
/// ```swift
/// let lines = flow.input("lines", FileSource(paths: ["logs/a.txt", "logs/b.txt"]))
/// ```
public struct FileSource: PartitionedSource {
    /// The files, each one partition keyed by its path.
    public let paths: [String]
    /// Lines per batch.
    public let batchSize: Int

    /// - Parameters:
    ///   - paths: The files to read (each becomes one partition).
    ///   - batchSize: Lines per batch. Default 1000.
    public init(paths: [String], batchSize: Int = 1000) {
        self.paths = paths
        self.batchSize = max(1, batchSize)
    }

    /// - Parameters:
    ///   - path: The one file to read.
    ///   - batchSize: Lines per batch. Default 1000.
    public init(path: String, batchSize: Int = 1000) { self.init(paths: [path], batchSize: batchSize) }

    public func listPartitions() throws -> [PartitionKey] { paths.map { PartitionKey($0) } }

    public func buildPartition(_ key: PartitionKey, resumeState: Int64?) throws -> Partition {
        try Partition(path: key.rawValue, offset: resumeState ?? 0, batchSize: batchSize)
    }

    /// One open file.
    public final class Partition: SourcePartition, MeasuredPartition {
        private let path: String
        private var file: UnsafeMutablePointer<FILE>?
        private var offset: Int64
        /// Where this read started and the file's size then (the progress line).
        private let startOffset: Int64
        private var sizeAtStart: Int64 = 0
        private let batchSize: Int
        private var buffer: UnsafeMutablePointer<CChar>?
        private var capacity = 0

        init(path: String, offset: Int64, batchSize: Int) throws {
            self.path = path
            self.offset = offset
            self.batchSize = batchSize
            self.startOffset = offset
            guard let file = fopen(path, "r") else { throw FileConnectorError.cannotOpen(path: path, errno: errno) }
            self.file = file
            var status = stat()
            if fstat(fileno(file), &status) == 0 { sizeAtStart = max(Int64(status.st_size), offset) }
            if offset > 0 && fseeko(file, off_t(offset), SEEK_SET) != 0 {
                fclose(file)
                throw FileConnectorError.cannotSeek(path: path, offset: offset, errno: errno)
            }
        }

        deinit {
            if let file { fclose(file) }
            free(buffer)
        }

        public func nextBatch() throws -> [String]? {
            guard let file else { return nil }
            var lines: [String] = []
            lines.reserveCapacity(batchSize)
            while lines.count < batchSize {
                let length = getline(&buffer, &capacity, file)
                if length < 0 {
                    if ferror(file) != 0 { throw FileConnectorError.readFailed(path: path, errno: errno) }
                    break
                }
                offset += Int64(length)
                var count = length
                if count > 0 && buffer![count - 1] == 0x0A { count -= 1 }
                if count > 0 && buffer![count - 1] == 0x0D { count -= 1 }
                lines.append(
                    buffer!.withMemoryRebound(to: UInt8.self, capacity: count) {
                        String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
                    })
            }
            return lines.isEmpty ? nil : lines
        }

        public func snapshot() -> Int64 { offset }

        /// Bytes read of the file's size at start.
        package var readProgress: ReadProgress {
            ReadProgress(
                done: min(offset, sizeAtStart) - startOffset, total: sizeAtStart - startOffset, unit: "bytes")
        }

        public func close() throws {
            if let file { fclose(file) }
            file = nil
        }
    }
}

/// Errors of the file connectors, naming the file and the system's reason.
public enum FileConnectorError: Error, CustomStringConvertible {
    /// The file could not be opened.
    case cannotOpen(path: String, errno: Int32)
    /// The resume offset could not be reached.
    case cannotSeek(path: String, offset: Int64, errno: Int32)
    /// Reading failed.
    case readFailed(path: String, errno: Int32)
    /// Writing or flushing failed.
    case writeFailed(path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .cannotOpen(path, code): return "cannot open '\(path)': \(String(cString: strerror(code)))"
        case let .cannotSeek(path, offset, code):
            return "cannot seek '\(path)' to byte \(offset): \(String(cString: strerror(code)))"
        case let .readFailed(path, code): return "cannot read '\(path)': \(String(cString: strerror(code)))"
        case let .writeFailed(path, code): return "cannot write '\(path)': \(String(cString: strerror(code)))"
        }
    }
}
