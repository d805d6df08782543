internal import CRdKafka

/// The librdkafka library this process runs with (which may differ from the
/// one it was built against: `LD_LIBRARY_PATH` or the system's package can
/// swap in another `librdkafka.so.1`).
///
/// ```swift
/// print("librdkafka \(KafkaLibrary.version)")   // librdkafka 2.0.2
/// ```
public enum KafkaLibrary {
    /// The loaded library's version text, e.g. `2.0.2` (`rd_kafka_version_str()`).
    public static var version: String { String(cString: rd_kafka_version_str()) }

    /// The loaded library's version as `(major, minor, patch)`, from `rd_kafka_version()`.
    ///
    /// ```swift
    /// if KafkaLibrary.versionNumbers >= (2, 2, 0) { print("tagged ApiVersions answers parse") }
    /// ```
    public static var versionNumbers: (major: Int, minor: Int, patch: Int) {
        let hex = Int(rd_kafka_version())
        return ((hex >> 24) & 0xff, (hex >> 16) & 0xff, (hex >> 8) & 0xff)
    }
}
