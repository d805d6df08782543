import Foundation

/// Reads the process environment.
///
/// ```swift
/// let brokers = ProcessEnvironment.value("SLUICE_KAFKA_BROKERS")
/// ```
enum ProcessEnvironment {
    /// The variable's value, nil when unset or empty.
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}
