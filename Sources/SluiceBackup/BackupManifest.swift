import Foundation

/// The resume point of one store's backup, written last and in one PUT
/// (`<prefix>/<name>/manifest.json`): the base and the segments after it,
/// each with its SHA-256, and the committed epoch they reach. Objects it
/// does not name are garbage (an upload cut short, or replaced by a newer base).
///
/// ```swift
/// let manifest = try BackupManifest.decode(data, bucket: "b", key: "p/process-0/manifest.json")
/// print(manifest.epoch, manifest.segments.count)
/// ```
public struct BackupManifest: Codable, Sendable, Equatable {
    /// One object the manifest needs.
    public struct Object: Codable, Sendable, Equatable {
        /// The object's key.
        public var key: String
        /// The hex SHA-256 of its bytes.
        public var sha256: String
        /// Its size in bytes.
        public var size: Int
        /// The epoch the previous object reached (nil for a base).
        public var after: Int64?
        /// The epoch it reaches.
        public var through: Int64
    }

    /// The manifest format this code writes and reads.
    public static let currentFormat = 1

    /// The manifest's format.
    public var format: Int
    /// The store's name under the prefix (e.g. `process-2`).
    public var name: String
    /// The committed epoch a restore resumes from.
    public var epoch: Int64
    /// The full copy.
    public var base: Object
    /// The increments after the base, in order.
    public var segments: [Object]
    /// When the manifest was written (ISO 8601, UTC).
    public var writtenAt: String

    /// Every object key the manifest needs.
    public var objectKeys: [String] { [base.key] + segments.map(\.key) }

    /// Decodes a manifest, refusing a truncated or foreign one naming the object.
    /// - Throws: ``BackupError/corruptObject(bucket:key:reason:)``.
    static func decode(_ data: Data, bucket: String, key: String) throws -> BackupManifest {
        let manifest: BackupManifest
        do { manifest = try JSONDecoder().decode(BackupManifest.self, from: data) }
        catch { throw BackupError.corruptObject(bucket: bucket, key: key, reason: "the manifest does not decode (\(error))") }
        guard manifest.format == currentFormat else {
            throw BackupError.corruptObject(
                bucket: bucket, key: key, reason: "manifest format \(manifest.format) is not \(currentFormat)")
        }
        var reached = manifest.base.through
        for segment in manifest.segments {
            guard segment.after == reached, segment.through > reached else {
                throw BackupError.corruptObject(bucket: bucket, key: key, reason: "its segments do not follow one another")
            }
            reached = segment.through
        }
        guard reached == manifest.epoch else {
            throw BackupError.corruptObject(bucket: bucket, key: key, reason: "its objects reach \(reached), not \(manifest.epoch)")
        }
        return manifest
    }

    /// The JSON bytes.
    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }
}
