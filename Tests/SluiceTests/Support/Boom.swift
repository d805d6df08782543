/// The error user code throws in these tests; its text must reach the message.
struct Boom: Error, CustomStringConvertible {
    let reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { "boom: \(reason)" }
}
