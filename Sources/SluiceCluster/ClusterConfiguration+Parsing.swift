import Foundation

extension ClusterConfiguration {
    /// The environment variable that gives the process id (`-i/--process-id`).
    public static let processIDVariable = "SLUICE_PROCESS_ID"
    /// The environment variable that gives the address list (`-a/--addresses`).
    public static let addressesVariable = "SLUICE_ADDRESSES"
    /// The environment variable that gives the shared secret.
    public static let secretVariable = "SLUICE_CLUSTER_SECRET"
    /// The process-id value that means "take it from the host name's `-N`
    /// suffix" (a Kubernetes StatefulSet pod `flow-2` is process 2).
    public static let hostnameOrdinal = "hostname"

    /// Builds the configuration from command-line values and the environment;
    /// flags win over variables. Returns nil when no addresses are given at
    /// all (a single-process run).
    ///
    /// ```swift
    /// let configuration = try ClusterConfiguration.resolve(
    ///     processID: nil, addresses: nil,
    ///     environment: ["SLUICE_PROCESS_ID": "1", "SLUICE_ADDRESSES": "127.0.0.1:7101;127.0.0.1:7102"]
    /// )
    /// print(configuration?.processID as Any)   // Optional(process 1)
    /// ```
    /// - Parameters:
    ///   - processID: `-i/--process-id`: a number, or `hostname` for the pod-ordinal form.
    ///   - addresses: `-a/--addresses`: `host:port` entries separated by `;`.
    ///   - secret: The shared secret, if given other than by `SLUICE_CLUSTER_SECRET`.
    ///   - hostname: The host name for the pod-ordinal form; defaults to `HOSTNAME` in `environment`.
    ///   - environment: The process environment, e.g. `ProcessInfo.processInfo.environment`.
    /// - Returns: The validated configuration, or nil for a single-process run.
    /// - Throws: `ClusterError` naming the malformed value.
    public static func resolve(
        processID: String?, addresses: String?, secret: String? = nil, hostname: String? = nil,
        environment: [String: String]
    ) throws -> ClusterConfiguration? {
        let idText = nonEmpty(processID) ?? nonEmpty(environment[processIDVariable])
        guard let addressText = nonEmpty(addresses) ?? nonEmpty(environment[addressesVariable]) else {
            if idText != nil { throw ClusterError.processIDWithoutAddresses }
            return nil
        }
        let parsed = try parseAddresses(addressText)
        let id: Int
        if let idText {
            id = try parseProcessID(idText, hostname: hostname ?? environment["HOSTNAME"])
        } else if parsed.count == 1 {
            id = 0
        } else {
            throw ClusterError.missingProcessID(processCount: parsed.count)
        }
        let givenSecret = secret ?? environment[secretVariable]
        // An empty or blank secret is a secret that did not arrive (an
        // unmounted Kubernetes Secret), never "no authentication".
        if let givenSecret, givenSecret.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ClusterError.blankSecret
        }
        return try ClusterConfiguration(processID: ProcessID(id), addresses: parsed, secret: givenSecret)
    }

    /// Parses a `;`-separated address list; a trailing `;` is allowed.
    /// - Parameter text: e.g. `127.0.0.1:7101;127.0.0.1:7102`.
    /// - Returns: The addresses in order.
    /// - Throws: `ClusterError.malformedAddress` for an empty or bad entry.
    public static func parseAddresses(_ text: String) throws -> [PeerAddress] {
        var entries = text.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if entries.count > 1, entries.last == "" { entries.removeLast() }
        return try entries.map { entry in
            guard !entry.isEmpty else { throw ClusterError.malformedAddress(text, reason: "the list has an empty entry") }
            return try PeerAddress(parsing: entry)
        }
    }

    /// Parses a process id: a number, or `hostname` to take the number after
    /// the last `-` of `hostname`.
    /// - Parameters:
    ///   - text: The flag or variable value.
    ///   - hostname: The host name for the pod-ordinal form.
    /// - Returns: The process id (not yet range-checked).
    /// - Throws: `ClusterError.malformedProcessID` or `.noHostnameOrdinal`.
    public static func parseProcessID(_ text: String, hostname: String?) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == hostnameOrdinal {
            guard let hostname, let dash = hostname.lastIndex(of: "-"),
                let ordinal = Int(hostname[hostname.index(after: dash)...]), ordinal >= 0
            else { throw ClusterError.noHostnameOrdinal(hostname: hostname) }
            return ordinal
        }
        guard let id = Int(trimmed) else { throw ClusterError.malformedProcessID(trimmed) }
        return id
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return text
    }
}
