import Dispatch
import Foundation
import Sluice

/// Makes SIGINT and SIGTERM stop a run gracefully (sources end, the sink
/// flushes), so `--tail` can be ended with Ctrl-C without losing counts.
/// Keep the returned sources alive for as long as the run lasts.
func stopOnSignals(_ stop: StopSignal) -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { stop.requestStop() }
        source.resume()
        return source
    }
}
