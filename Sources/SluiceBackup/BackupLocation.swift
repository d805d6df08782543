/// Where backups live: a bucket and a key prefix, parsed from `s3://bucket/prefix`.
///
/// ```swift
/// let location = try BackupLocation(parsing: "s3://backups/sluice/orders")
/// location.bucket   // "backups"
/// location.prefix   // "sluice/orders"
/// ```
public struct BackupLocation: Sendable, Hashable, CustomStringConvertible {
    /// The bucket.
    public let bucket: String
    /// The key prefix, without leading or trailing slash (may be empty).
    public let prefix: String

    /// Parses an `s3://bucket[/prefix]` URL.
    /// - Parameter url: The URL.
    /// - Throws: ``BackupError/invalidURL(_:reason:)``.
    public init(parsing url: String) throws {
        guard url.hasPrefix("s3://") else { throw BackupError.invalidURL(url, reason: "it does not start with s3://") }
        let rest = url.dropFirst("s3://".count)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { throw BackupError.invalidURL(url, reason: "it names no bucket") }
        guard bucket.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }) else {
            throw BackupError.invalidURL(url, reason: "bucket name '\(bucket)' has characters S3 does not allow")
        }
        self.bucket = String(bucket)
        self.prefix = String(rest.dropFirst(bucket.count)).split(separator: "/").joined(separator: "/")
    }

    /// A location from its parts.
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - prefix: The key prefix (slashes at either end are dropped).
    public init(bucket: String, prefix: String) {
        self.bucket = bucket
        self.prefix = prefix.split(separator: "/").joined(separator: "/")
    }

    /// The key prefix of one store's backup (`<prefix>/<name>/`).
    /// - Parameter name: The store's name, e.g. `process-2`.
    /// - Returns: The prefix, ending in `/`.
    public func storePrefix(_ name: String) -> String {
        let cleaned = name.split(separator: "/").joined(separator: "/")
        return [prefix, cleaned].filter { !$0.isEmpty }.joined(separator: "/") + "/"
    }

    /// `s3://bucket/prefix`.
    public var description: String { prefix.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(prefix)" }
}
