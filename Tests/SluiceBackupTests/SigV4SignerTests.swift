import Crypto
import Foundation
import Testing

@testable import SluiceBackup

/// Signature V4 against AWS's published S3 example and against botocore.
@Suite struct SigV4SignerTests {
    /// AWS's documented example "GET Object" (S3 API reference, "Signature
    /// calculation: Transferring payload in a single chunk"): bucket
    /// `examplebucket`, key `test.txt`, `Range: bytes=0-9`, 2013-05-24
    /// 00:00:00 UTC, the documentation's example keys. The signature below is
    /// the one the document prints, and botocore's S3SigV4Auth computes the
    /// same value for this request.
    @Test func theDocumentedGetObjectExampleSignsAsAWSPublished() {
        let signer = SigV4Signer(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            region: "us-east-1")
        let headers = signer.sign(
            method: "GET", host: "examplebucket.s3.amazonaws.com", encodedPath: "/test.txt", query: [],
            headers: ["Range": "bytes=0-9"], payloadHash: SigV4Signer.emptyPayloadHash,
            date: Date(timeIntervalSince1970: 1_369_353_600))
        #expect(headers["x-amz-date"] == "20130524T000000Z")
        #expect(
            headers["authorization"]
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    /// A path-style list request with an encoded query and a session token,
    /// as this client sends them; expected value computed with botocore 1.43.
    @Test func aPathStyleListWithSessionTokenMatchesBotocore() {
        let signer = SigV4Signer(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "SESSIONTOKEN", region: "eu-west-1")
        let headers = signer.sign(
            method: "GET", host: "127.0.0.1:9000", encodedPath: "/bucket/",
            query: [("list-type", "2"), ("prefix", "a/b c")], headers: [:], payloadHash: SigV4Signer.emptyPayloadHash,
            date: Date(timeIntervalSince1970: 1_796_306_400))
        #expect(headers["x-amz-security-token"] == "SESSIONTOKEN")
        #expect(headers["authorization"]?.hasSuffix(
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
                + "Signature=5203ca8eab92d0ac4881d6c891ea5716b73823f0a4f96c7350cae763676be3f2") == true)
    }

    /// Live cross-check: botocore signs a PUT with a body and an odd key the
    /// same way (skipped where python3 with botocore is missing).
    @Test(.enabled(if: Botocore.isAvailable, "python3 with botocore is not installed"))
    func aPutWithABodyMatchesBotocoreLive() throws {
        let body = Data("hello, backup".utf8)
        let signer = SigV4Signer(accessKeyID: "AKID", secretAccessKey: "secret/key+1", region: "us-west-2")
        let hash = SigV4Signer.hex(SHA256.hash(data: body))
        let path = "/bucket/" + SigV4Signer.uriEncode("dir/a b+c=d.sbk", keepSlash: true)
        let headers = signer.sign(
            method: "PUT", host: "127.0.0.1:4566", encodedPath: path, query: [], headers: [:], payloadHash: hash,
            date: Date(timeIntervalSince1970: 1_700_000_000))
        let theirs = try Botocore.sign(
            method: "PUT", url: "http://127.0.0.1:4566" + path, body: "hello, backup", key: "AKID",
            secret: "secret/key+1", region: "us-west-2", epochSeconds: 1_700_000_000)
        #expect(headers["authorization"] == theirs)
    }

    @Test func uriEncodingKeepsOnlyUnreservedCharacters() {
        #expect(SigV4Signer.uriEncode("a b/c~d_e.f-g*") == "a%20b%2Fc~d_e.f-g%2A")
        #expect(SigV4Signer.uriEncode("p/q r", keepSlash: true) == "p/q%20r")
        #expect(SigV4Signer.uriEncode("é") == "%C3%A9")
    }
}
