import Foundation

/// Python's botocore signer, run as a child process, to cross-check ours.
///
/// ```swift
/// let authorization = try Botocore.sign(method: "GET", url: "http://127.0.0.1/b/k", body: "", key: "AKID",
///                                       secret: "s", region: "us-east-1", epochSeconds: 0)
/// ```
enum Botocore {
    /// True when `python3 -c "import botocore"` succeeds.
    static let isAvailable: Bool = (try? run(["-c", "import botocore"])) != nil

    /// The `Authorization` header botocore's S3SigV4Auth computes.
    static func sign(
        method: String, url: String, body: String, key: String, secret: String, region: String, epochSeconds: Int
    ) throws -> String {
        let script = """
            import datetime, sys
            from unittest import mock
            from botocore.auth import S3SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            method, url, body, key, secret, region, when = sys.argv[1:8]
            req = AWSRequest(method=method, url=url, data=body.encode())
            req.context['payload_signing_enabled'] = True
            auth = S3SigV4Auth(Credentials(key, secret), 's3', region)
            at = datetime.datetime.fromtimestamp(int(when), datetime.timezone.utc).replace(tzinfo=None)
            with mock.patch('botocore.auth.get_current_datetime', return_value=at):
                auth.add_auth(req)
            print(req.headers['Authorization'])
            """
        return try run(["-c", script, method, url, body, key, secret, region, String(epochSeconds)])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BotocoreFailure() }
        return String(decoding: data, as: UTF8.self)
    }

    /// botocore failed or is missing.
    struct BotocoreFailure: Error {}
}
