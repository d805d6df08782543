/// Why a backup to object storage, or a restore from it, failed. Every case
/// names what it concerns (the bucket, the object key, the endpoint, the
/// directory) so an operator can act on it.
///
/// ```swift
/// do { try backup.restoreIfMissing(directory: dir, name: "process-0") }
/// catch let error as BackupError { print(error) }   // e.g. "backup object 's3://b/p/x' is corrupt: …"
/// ```
public enum BackupError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The backup URL is not of the form `s3://bucket/prefix`.
    case invalidURL(String, reason: String)
    /// A setting (environment variable) is missing or malformed.
    case invalidSetting(name: String, reason: String)
    /// The endpoint could not be reached (connection refused, DNS, timeout).
    case unreachable(endpoint: String, bucket: String, reason: String)
    /// The server answered with an error status (and S3 error code, when it sent one).
    case requestFailed(
        operation: String, endpoint: String, bucket: String, key: String, status: Int, code: String?, message: String?)
    /// An object named by a manifest is missing.
    case missingObject(bucket: String, key: String)
    /// An object's bytes do not match its checksum, or do not decode.
    case corruptObject(bucket: String, key: String, reason: String)
    /// The restored store failed its integrity check.
    case restoredStoreDamaged(directory: String, problems: [String])
    /// No backup exists under that name.
    case noBackup(bucket: String, prefix: String)
    /// A local file or directory could not be read or written.
    case localFile(path: String, reason: String)

    /// The message, naming bucket, key, endpoint or path.
    public var description: String {
        switch self {
        case let .invalidURL(url, reason):
            return "backup URL '\(url)' is not usable: \(reason) (expected s3://bucket/prefix)"
        case let .invalidSetting(name, reason):
            return "backup setting \(name): \(reason)"
        case let .unreachable(endpoint, bucket, reason):
            return "backup bucket '\(bucket)' at \(endpoint) is unreachable: \(reason)"
        case let .requestFailed(operation, endpoint, bucket, key, status, code, message):
            var text = "backup \(operation) of s3://\(bucket)/\(key) at \(endpoint) failed: HTTP \(status)"
            if let code { text += " \(code)" }
            if let message, !message.isEmpty { text += " (\(message))" }
            if status == 403 || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" {
                text += "; check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            }
            return text
        case let .missingObject(bucket, key):
            return "backup object s3://\(bucket)/\(key) is missing (named by the manifest)"
        case let .corruptObject(bucket, key, reason):
            return "backup object s3://\(bucket)/\(key) is corrupt or truncated: \(reason); refusing to restore from it"
        case let .restoredStoreDamaged(directory, problems):
            return "the store restored into '\(directory)' fails its integrity check: "
                + problems.prefix(3).joined(separator: "; ")
        case let .noBackup(bucket, prefix):
            return "no backup under s3://\(bucket)/\(prefix) (no manifest)"
        case let .localFile(path, reason):
            return "backup: '\(path)': \(reason)"
        }
    }

    /// True for failures a later attempt may get past (network, throttling, server errors).
    public var isRetriable: Bool {
        switch self {
        case .unreachable: return true
        case let .requestFailed(_, _, _, _, status, _, _): return status >= 500 || status == 429 || status == 408
        default: return false
        }
    }
}
