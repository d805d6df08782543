/// Which process this is and where every process of the cluster listens.
///
/// Process `i` listens on `addresses[i]`; every process must be given the same
/// list in the same order. A secret, when set, must be the same everywhere.
///
/// ```swift
/// let configuration = try ClusterConfiguration(
///     processID: ProcessID(1),
///     addresses: [PeerAddress(host: "127.0.0.1", port: 7101), PeerAddress(host: "127.0.0.1", port: 7102)]
/// )
/// print(configuration.ownAddress)   // 127.0.0.1:7102
/// ```
public struct ClusterConfiguration: Sendable, Equatable {
    /// This process's id (its index in `addresses`).
    public let processID: ProcessID
    /// Every process's listening address, in process-id order.
    public let addresses: [PeerAddress]
    /// The shared secret peers prove they know (never sent); nil for none.
    public let secret: String?
    /// How long start-up waits for every peer; nil keeps
    /// `ClusterMeshOptions.startupTimeout` (30 s). Raise it where processes
    /// start far apart (slow image pulls).
    public var startupTimeout: Duration?

    /// Validates and creates a configuration.
    /// - Parameters:
    ///   - processID: This process's id, `0..<addresses.count`.
    ///   - addresses: Every process's address, in id order; no duplicates
    ///     (entries with the same port whose hosts resolve to a common IP
    ///     address count as duplicates).
    ///   - secret: A shared secret, or nil. An empty string counts as none.
    /// - Throws: `ClusterError.noAddresses`, `.processIDOutOfRange` or `.duplicateAddress`.
    public init(processID: ProcessID, addresses: [PeerAddress], secret: String? = nil) throws {
        guard !addresses.isEmpty else { throw ClusterError.noAddresses }
        guard (0..<addresses.count).contains(processID.rawValue) else {
            throw ClusterError.processIDOutOfRange(processID.rawValue, processCount: addresses.count)
        }
        // Compared as resolved: `127.0.0.1:7101` and `localhost:7101` are one socket.
        // Only entries with the same port are resolved (few, in practice).
        for (index, address) in addresses.enumerated() {
            if let first = addresses[..<index].firstIndex(where: { $0.sameSocket(as: address) }) {
                throw ClusterError.duplicateAddress(address, first: ProcessID(first), second: ProcessID(index))
            }
        }
        self.processID = processID
        self.addresses = addresses
        self.secret = (secret?.isEmpty ?? true) ? nil : secret
    }

    /// How many processes the cluster has.
    public var processCount: Int { addresses.count }

    /// The address list as `-a` takes it: `host:port` entries joined by `;`.
    public var addressList: String { addresses.map(\.description).joined(separator: ";") }

    /// Where this process listens.
    public var ownAddress: PeerAddress { addresses[processID.rawValue] }

    /// Every other process's id.
    public var peers: [ProcessID] {
        (0..<processCount).filter { $0 != processID.rawValue }.map(ProcessID.init)
    }

    /// The address a process listens on.
    /// - Parameter process: A process id in range.
    /// - Returns: Its address.
    public func address(of process: ProcessID) -> PeerAddress { addresses[process.rawValue] }

    /// Whether this process dials `peer` (true) or waits for it to dial in
    /// (false). The rule: a process dials every process with a lower id.
    /// - Parameter peer: Another process's id.
    /// - Returns: True when this process opens the connection.
    public func dials(_ peer: ProcessID) -> Bool { peer < processID }
}
