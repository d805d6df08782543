/// The version of everything processes of a cluster send each other: the
/// handshake frames (`SluiceCluster`'s `Hello`, details, proofs) and the
/// engine's `WireMessage`s with their `Varint` fields and `ItemCodec`
/// payloads. Processes of different versions refuse each other at the
/// handshake, naming both versions.
///
/// Bump it whenever a byte of any of these changes; the golden-byte tests
/// (`WireMessageGoldenTests`, `HelloGoldenTests`) fail until you do.
///
/// History: 3 added watermark progress signals; 4 sends the handshake
/// details only after authentication, binds the proofs to role, id and both
/// nonces, and adds the `suspend` progress signal and the `stop` message;
/// 5 starts a run with process-local recovery stores (decision 0018): the
/// start-up syncs carry store reports and the resume state in chunks.
///
/// ```swift
/// let hello = Hello(version: WireProtocol.version, processID: ProcessID(0), hasSecret: false, nonce: nonce)
/// ```
package enum WireProtocol {
    /// The current version.
    package static let version = 5
}
