/// One HTTP answer of the monitoring endpoint.
///
/// ```swift
/// let response = MonitorRoutes(status: status, registry: registry, shape: nil).respond(method: "GET", path: "/readyz")
/// print(response.status, String(decoding: response.body, as: UTF8.self))   // 503 not ready: starting
/// ```
public struct MonitorResponse: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type` header.
    public var contentType: String
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    /// - Parameters:
    ///   - status: The HTTP status code.
    ///   - contentType: The `Content-Type` header.
    ///   - body: The body.
    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A plain-text response.
    static func text(_ status: Int, _ text: String) -> MonitorResponse {
        MonitorResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}
