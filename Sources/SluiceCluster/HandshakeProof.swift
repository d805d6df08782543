import Crypto

/// The proof that a process knows the cluster secret: HMAC-SHA256, keyed
/// with the secret, over a label, the sender's role (dialer or listener) and
/// id, the sender's nonce and the receiver's nonce. The secret never leaves
/// the process; as the receiver's nonce is fresh per connection a recorded
/// proof cannot be replayed, and as role and id are bound it cannot be
/// reflected back to its sender or passed off as another process's.
///
/// ```swift
/// let proof = HandshakeProof.make(secret: "s3cret", sender: ProcessID(1), senderIsDialer: true,
///                                 senderNonce: mine, receiverNonce: theirs)
/// let valid = HandshakeProof.verify(proof, secret: "s3cret", sender: ProcessID(1), senderIsDialer: true,
///                                   senderNonce: mine, receiverNonce: theirs)
/// ```
package enum HandshakeProof {
    /// The proof `sender` sends on a connection.
    package static func make(
        secret: String, sender: ProcessID, senderIsDialer: Bool, senderNonce: [UInt8], receiverNonce: [UInt8]
    ) -> [UInt8] {
        let message = message(sender: sender, senderIsDialer: senderIsDialer, senderNonce: senderNonce, receiverNonce: receiverNonce)
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8))))
    }

    /// Checks a peer's proof in constant time.
    package static func verify(
        _ proof: [UInt8], secret: String, sender: ProcessID, senderIsDialer: Bool, senderNonce: [UInt8],
        receiverNonce: [UInt8]
    ) -> Bool {
        let message = message(sender: sender, senderIsDialer: senderIsDialer, senderNonce: senderNonce, receiverNonce: receiverNonce)
        let key = SymmetricKey(data: Array(secret.utf8))
        return HMAC<SHA256>.isValidAuthenticationCode(proof, authenticating: message, using: key)
    }

    private static func message(
        sender: ProcessID, senderIsDialer: Bool, senderNonce: [UInt8], receiverNonce: [UInt8]
    ) -> [UInt8] {
        var message = Array("sluice-cluster-auth-v4".utf8)
        message.append(senderIsDialer ? 1 : 2)
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: sender.rawValue).bigEndian) { message.append(contentsOf: $0) }
        message.append(UInt8(truncatingIfNeeded: senderNonce.count))
        message.append(contentsOf: senderNonce)
        message.append(UInt8(truncatingIfNeeded: receiverNonce.count))
        message.append(contentsOf: receiverNonce)
        return message
    }
}
