import Crypto
import Foundation

/// AWS Signature Version 4 for one request: builds the canonical request,
/// the string to sign and the `Authorization` header (header-based signing,
/// `AWS4-HMAC-SHA256`), as AWS documents it.
///
/// ```swift
/// let signer = SigV4Signer(accessKeyID: "AKID", secretAccessKey: "secret", region: "us-east-1")
/// let headers = signer.sign(method: "GET", host: "127.0.0.1:9000", encodedPath: "/bucket/key",
///                           query: [], headers: [:], payloadHash: SigV4Signer.emptyPayloadHash, date: Date())
/// ```
package struct SigV4Signer: Sendable {
    /// The hex SHA-256 of an empty body.
    package static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    let accessKeyID: String
    let secretAccessKey: String
    let sessionToken: String?
    let region: String
    let service: String

    /// A signer for one set of credentials.
    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, region: String,
                 service: String = "s3") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.service = service
    }

    /// The headers to send with the request: the given ones plus `host`,
    /// `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` (with a
    /// session token) and `Authorization`.
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - host: The `Host` header value (with the port when not the scheme's default).
    ///   - encodedPath: The path as sent, each segment URI-encoded.
    ///   - query: The query parameters, not encoded.
    ///   - headers: Further headers to sign (names in any case).
    ///   - payloadHash: The body's hex SHA-256 (or `UNSIGNED-PAYLOAD`).
    ///   - date: The signing time.
    /// - Returns: Every header to send, lower-case names.
    package func sign(
        method: String, host: String, encodedPath: String, query: [(String, String)], headers: [String: String],
        payloadHash: String, date: Date
    ) -> [String: String] {
        let (amzDate, day) = Self.timestamps(date)
        var all: [String: String] = [:]
        for (name, value) in headers { all[name.lowercased()] = value }
        all["host"] = host
        all["x-amz-date"] = amzDate
        all["x-amz-content-sha256"] = payloadHash
        if let sessionToken { all["x-amz-security-token"] = sessionToken }
        let (canonical, signedHeaders) = Self.canonicalRequest(
            method: method, encodedPath: encodedPath, query: query, headers: all, payloadHash: payloadHash)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Data(canonical.utf8)))]
            .joined(separator: "\n")
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(day: day)))
        all["authorization"] =
            "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return all
    }

    /// The derived key of one day: HMAC chain over date, region, service, `aws4_request`.
    func signingKey(day: String) -> SymmetricKey {
        func mac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
        }
        let dateKey = mac(SymmetricKey(data: Data(("AWS4" + secretAccessKey).utf8)), day)
        return mac(mac(mac(dateKey, region), service), "aws4_request")
    }

    /// The canonical request and the signed header list.
    static func canonicalRequest(
        method: String, encodedPath: String, query: [(String, String)], headers: [String: String], payloadHash: String
    ) -> (String, String) {
        let encoded: [(String, String)] = query.map { (uriEncode($0.0), uriEncode($0.1)) }
        let sorted = encoded.sorted { (a: (String, String), b: (String, String)) -> Bool in
            a.0 == b.0 ? a.1 < b.1 : a.0 < b.0
        }
        let canonicalQuery = sorted.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let names = headers.keys.sorted()
        let canonicalHeaders = names.map { name in
            let value = headers[name]!.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            return "\(name):\(value)\n"
        }.joined()
        let signed = names.joined(separator: ";")
        let path: String = encodedPath.isEmpty ? "/" : encodedPath
        let parts: [String] = [method, path, canonicalQuery, canonicalHeaders, signed, payloadHash]
        let request = parts.joined(separator: "\n")
        return (request, signed)
    }

    /// URI-encodes as SigV4 requires: every byte but `A–Z a–z 0–9 - _ . ~`
    /// as `%XX` (upper-case hex); `/` too unless `keepSlash`.
    package static func uriEncode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// `yyyyMMdd'T'HHmmss'Z'` and `yyyyMMdd` in UTC.
    static func timestamps(_ date: Date) -> (String, String) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { String(value).leftPadded(to: 2) }
        let day = String(parts.tm_year + 1900) + two(parts.tm_mon + 1) + two(parts.tm_mday)
        return (day + "T" + two(parts.tm_hour) + two(parts.tm_min) + two(parts.tm_sec) + "Z", day)
    }

    /// Lower-case hex of a digest.
    package static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
