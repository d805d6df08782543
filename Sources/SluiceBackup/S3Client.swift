import Crypto
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small S3 client for one bucket: PUT, GET, HEAD, DELETE and
/// ListObjectsV2, signed with Signature V4, over Foundation's URLSession
/// (libcurl on Linux, so http and https). Path-style addressing
/// (`endpoint/bucket/key`) when an endpoint is set, virtual-hosted
/// (`bucket.s3.region.amazonaws.com`) otherwise.
///
/// Calls block the calling thread until the answer arrives (bounded by
/// ``S3Settings/requestTimeout``): call them from a dedicated thread, not
/// from Swift's cooperative pool.
///
/// ```swift
/// let client = S3Client(settings: try S3Settings(environment: env), bucket: "backups")
/// try client.put(key: "a/b", body: Data("hello".utf8))
/// let body = try client.get(key: "a/b")
/// ```
package final class S3Client: Sendable {
    /// One listed object.
    package struct Object: Sendable, Hashable {
        /// Its key.
        package let key: String
        /// Its size in bytes.
        package let size: Int64
    }

    /// The settings.
    package let settings: S3Settings
    /// The bucket.
    package let bucket: String
    private let signer: SigV4Signer
    private let session: URLSession

    /// A client for `bucket`.
    package init(settings: S3Settings, bucket: String) {
        self.settings = settings
        self.bucket = bucket
        signer = SigV4Signer(
            accessKeyID: settings.accessKeyID, secretAccessKey: settings.secretAccessKey,
            sessionToken: settings.sessionToken, region: settings.region)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = settings.requestTimeout
        configuration.timeoutIntervalForResource = settings.requestTimeout * 3
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// The endpoint as errors name it.
    package var endpoint: String { settings.endpointDescription }

    /// Creates the bucket (for tests and local servers; production buckets are made by their owners).
    package func createBucket() throws {
        _ = try send("PUT", key: "", expect: [200], reportedKey: "")
    }

    /// Stores `body` under `key` (one atomic PUT).
    package func put(key: String, body: Data) throws {
        _ = try send("PUT", key: key, body: body, expect: [200])
    }

    /// The object's bytes.
    /// - Throws: ``BackupError/missingObject(bucket:key:)`` when absent.
    package func get(key: String) throws -> Data {
        let (status, body) = try send("GET", key: key, expect: [200, 404])
        if status == 404 { throw BackupError.missingObject(bucket: bucket, key: key) }
        return body
    }

    /// True when the object exists.
    package func exists(key: String) throws -> Bool {
        try send("HEAD", key: key, expect: [200, 404]).status == 200
    }

    /// Deletes the object (absent: no error, as S3 does).
    package func delete(key: String) throws {
        _ = try send("DELETE", key: key, expect: [200, 204, 404])
    }

    /// Every object whose key starts with `prefix` (all pages).
    package func list(prefix: String) throws -> [Object] {
        var objects: [Object] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let (_, body) = try send("GET", key: "", query: query, expect: [200], reportedKey: prefix)
            let xml = String(decoding: body, as: UTF8.self)
            for block in S3XML.blocks("Contents", in: xml) {
                guard let key = S3XML.text("Key", in: block) else { continue }
                objects.append(Object(key: key, size: Int64(S3XML.text("Size", in: block) ?? "") ?? 0))
            }
            token = S3XML.text("IsTruncated", in: xml) == "true" ? S3XML.text("NextContinuationToken", in: xml) : nil
        } while token != nil
        return objects
    }

    /// Sends one signed request and returns its status and body.
    private func send(
        _ method: String, key: String, query: [(String, String)] = [], body: Data = Data(), expect: Set<Int>,
        reportedKey: String? = nil
    ) throws -> (status: Int, body: Data) {
        let (url, host, path) = address(key: key, query: query)
        let payloadHash = SigV4Signer.hex(SHA256.hash(data: body))
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = settings.requestTimeout
        let headers = signer.sign(
            method: method, host: host, encodedPath: path, query: query, headers: [:], payloadHash: payloadHash,
            date: Date())
        for (name, value) in headers where name != "host" { request.setValue(value, forHTTPHeaderField: name) }
        if method == "PUT" { request.httpBody = body }
        let outcome = perform(request)
        let shownKey = reportedKey ?? key
        switch outcome {
        case let .failure(error):
            throw BackupError.unreachable(
                endpoint: endpoint, bucket: bucket, reason: "\(method) of key '\(shownKey)': \(Self.reason(error))")
        case let .success((status, data)):
            guard expect.contains(status) else {
                let xml = String(decoding: data, as: UTF8.self)
                throw BackupError.requestFailed(
                    operation: method, endpoint: endpoint, bucket: bucket, key: shownKey, status: status,
                    code: S3XML.text("Code", in: xml) ?? (status == 404 ? "NoSuchBucket" : nil),
                    message: S3XML.text("Message", in: xml))
            }
            return (status, data)
        }
    }

    /// A transport failure in words.
    private static func reason(_ error: any Error) -> String {
        guard let error = error as? URLError else { return "\(error)" }
        switch error.code {
        case .timedOut: return "no answer in time (timed out)"
        case .cannotConnectToHost: return "connection refused"
        case .cannotFindHost, .dnsLookupFailed: return "host not found"
        case .networkConnectionLost: return "connection lost"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate:
            return "TLS failed (\(error.code.rawValue))"
        default: return "URL error \(error.code.rawValue)"
        }
    }

    /// Runs the request on URLSession's own queue and waits for it.
    private func perform(_ request: URLRequest) -> Result<(Int, Data), any Error> {
        let result = Mutex<Result<(Int, Data), any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            let outcome: Result<(Int, Data), any Error>
            if let error {
                outcome = .failure(error)
            } else if let http = response as? HTTPURLResponse {
                outcome = .success((http.statusCode, data ?? Data()))
            } else {
                outcome = .failure(URLError(.badServerResponse))
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        task.resume()
        done.wait()
        return result.withLock { $0! }
    }

    /// The URL, `Host` value and encoded path of a key.
    private func address(key: String, query: [(String, String)]) -> (URL, String, String) {
        let encodedKey = SigV4Signer.uriEncode(key, keepSlash: true)
        let base: String
        let host: String
        let path: String
        if let endpoint = settings.endpoint, let name = endpoint.host {
            host = endpoint.port.map { "\(name):\($0)" } ?? name
            path = "/\(bucket)/\(encodedKey)"
            base = "\(endpoint.scheme ?? "https")://\(host)"
        } else {
            host = "\(bucket).s3.\(settings.region).amazonaws.com"
            path = "/\(encodedKey)"
            base = "https://\(host)"
        }
        var text = base + path
        if !query.isEmpty {
            text += "?" + query.map { SigV4Signer.uriEncode($0.0) + "=" + SigV4Signer.uriEncode($0.1) }.joined(separator: "&")
        }
        return (URL(string: text)!, host, path)
    }
}
