/// The timestamp getter of an input's watermark policy threw.
///
/// ```swift
/// let error = WatermarkTimestampError(underlying: ItemFailure(item: "k-3", underlying: CancellationError()))
/// print(error)   // the watermark's timestamp getter threw for item k-3: CancellationError()
/// ```
package struct WatermarkTimestampError: Error, CustomStringConvertible {
    package let underlying: any Error

    package init(underlying: any Error) { self.underlying = underlying }

    package var description: String {
        let cause = (underlying as? ItemFailure).map { "for item \($0.item): \($0.underlying)" } ?? "\(underlying)"
        return "the watermark's timestamp getter threw \(cause)"
    }
}
