import Foundation

/// How to reach an S3-compatible store: endpoint, region and credentials,
/// read from the usual AWS environment variables.
///
/// ```swift
/// // AWS_ENDPOINT_URL=http://127.0.0.1:9000 AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=…
/// let settings = try S3Settings(environment: ProcessInfo.processInfo.environment)
/// ```
public struct S3Settings: Sendable {
    /// The endpoint (`http(s)://host[:port]`); nil: AWS's virtual-hosted endpoint of the region.
    public var endpoint: URL?
    /// The signing region (default `us-east-1`).
    public var region: String
    /// The access key id.
    public var accessKeyID: String
    /// The secret access key.
    public var secretAccessKey: String
    /// The session token of temporary credentials, if any.
    public var sessionToken: String?
    /// How long one request may take before it counts as failed (seconds).
    public var requestTimeout: Double = 20

    /// Settings from their parts.
    /// - Parameters:
    ///   - endpoint: The endpoint; nil for AWS.
    ///   - region: The region.
    ///   - accessKeyID: The access key id.
    ///   - secretAccessKey: The secret key.
    ///   - sessionToken: The session token, if any.
    public init(endpoint: URL?, region: String = "us-east-1", accessKeyID: String, secretAccessKey: String,
                sessionToken: String? = nil) {
        self.endpoint = endpoint
        self.region = region
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Settings from `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`), `AWS_REGION`
    /// (or `AWS_DEFAULT_REGION`, default us-east-1), `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
    /// - Parameter environment: The environment.
    /// - Throws: ``BackupError/invalidSetting(name:reason:)`` naming a missing or malformed variable.
    public init(environment: [String: String]) throws {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var endpoint: URL?
        if let name = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"].first(where: { value($0) != nil }) {
            let text = value(name)!
            guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil
            else { throw BackupError.invalidSetting(name: name, reason: "'\(text)' is not an http(s)://host[:port] URL") }
            endpoint = url
        }
        guard let key = value("AWS_ACCESS_KEY_ID") else {
            throw BackupError.invalidSetting(name: "AWS_ACCESS_KEY_ID", reason: "not set (a backup URL needs credentials)")
        }
        guard let secret = value("AWS_SECRET_ACCESS_KEY") else {
            throw BackupError.invalidSetting(name: "AWS_SECRET_ACCESS_KEY", reason: "not set (a backup URL needs credentials)")
        }
        self.init(
            endpoint: endpoint, region: value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") ?? "us-east-1",
            accessKeyID: key, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN"))
    }

    /// The endpoint as written in errors.
    var endpointDescription: String {
        endpoint?.absoluteString ?? "https://s3.\(region).amazonaws.com"
    }
}
