import Foundation
import Prometheus
import SluiceMonitor
import SluiceTestSupport
import Testing

/// A bad `--metrics-address` stops an example binary at start with exit
/// status 1 and an error naming the address, before it reads any input.
@Suite(.timeLimit(.minutes(2)), .onOwnThread)
struct MetricsAddressCLITests {
    private func failingStart(_ arguments: [String]) throws -> String {
        let child = try ChildProcess(try BuiltExecutable.url(named: "word-count"), arguments)
        let exit = try child.waitForExit(timeout: .seconds(60))
        #expect(exit == ChildProcess.Exit(exited: true, status: 1), "stderr: \(child.stderr)")
        return child.stderr
    }

    @Test func anAddressInUseIsNamedAtStart() throws {
        let taken = try MonitoringServer(address: "127.0.0.1:0", flow: nil, registry: PrometheusCollectorRegistry())
        try taken.start()
        defer { taken.stop() }
        let port = try #require(taken.boundPort)
        let stderr = try failingStart(["--input", "/nonexistent/lines.txt", "--metrics-address", "127.0.0.1:\(port)"])
        #expect(stderr.contains("cannot serve metrics on '127.0.0.1:\(port)': the address is already in use"))
        #expect(!stderr.contains("/nonexistent/lines.txt"), "it failed before reading input")
    }

    @Test func aMalformedAddressIsNamedAtStart() throws {
        let stderr = try failingStart(["--input", "/nonexistent/lines.txt", "--metrics-address", "127.0.0.1:70000"])
        #expect(stderr.contains("the metrics address '127.0.0.1:70000' is malformed"))
        #expect(!stderr.contains("/nonexistent/lines.txt"), "it failed before reading input")
    }
}
