import SluiceCluster
import Testing

@Suite("ClusterConfiguration")
struct ClusterConfigurationTests {
    private func resolve(
        _ id: String?, _ addresses: String?, hostname: String? = nil, environment: [String: String] = [:]
    ) throws -> ClusterConfiguration? {
        try ClusterConfiguration.resolve(processID: id, addresses: addresses, hostname: hostname, environment: environment)
    }

    @Test func parsesFlagsInOrder() throws {
        let configuration = try #require(try resolve("1", "127.0.0.1:7101;127.0.0.1:7102;"))
        #expect(configuration.processID == ProcessID(1))
        #expect(configuration.addresses == [PeerAddress(host: "127.0.0.1", port: 7101), PeerAddress(host: "127.0.0.1", port: 7102)])
        #expect(configuration.ownAddress.description == "127.0.0.1:7102")
        #expect(configuration.dials(ProcessID(0)))
        #expect(configuration.secret == nil)
    }

    @Test func readsTheEnvironmentAndFlagsWin() throws {
        let environment = [
            "SLUICE_PROCESS_ID": "0", "SLUICE_ADDRESSES": "a:1;b:2", "SLUICE_CLUSTER_SECRET": "s3cret",
        ]
        let fromEnvironment = try #require(try resolve(nil, nil, environment: environment))
        #expect(fromEnvironment.processID == ProcessID(0))
        #expect(fromEnvironment.secret == "s3cret")
        let fromFlags = try #require(try resolve("1", "c:3;d:4", environment: environment))
        #expect(fromFlags.processID == ProcessID(1))
        #expect(fromFlags.addresses.map(\.host) == ["c", "d"])
    }

    @Test func noAddressesMeansOneProcess() throws {
        #expect(try resolve(nil, nil) == nil)
        #expect(try resolve(nil, "h:1")?.processID == ProcessID(0))
    }

    @Test func takesTheProcessIDFromAPodHostname() throws {
        let configuration = try resolve("hostname", "a:1;b:1;c:1", hostname: "word-count-2")
        #expect(configuration?.processID == ProcessID(2))
        let fromEnvironment = try resolve("hostname", "a:1;b:1", environment: ["HOSTNAME": "flow-1"])
        #expect(fromEnvironment?.processID == ProcessID(1))
        #expect(throws: ClusterError.noHostnameOrdinal(hostname: "flow")) { try resolve("hostname", "a:1;b:1", hostname: "flow") }
    }

    @Test func refusesBadInputNamingIt() throws {
        #expect(throws: ClusterError.processIDOutOfRange(2, processCount: 2)) { try resolve("2", "a:1;b:1") }
        #expect(throws: ClusterError.processIDOutOfRange(-1, processCount: 2)) { try resolve("-1", "a:1;b:1") }
        #expect(throws: ClusterError.malformedProcessID("one")) { try resolve("one", "a:1;b:1") }
        #expect(throws: ClusterError.missingProcessID(processCount: 2)) { try resolve(nil, "a:1;b:1") }
        #expect(throws: ClusterError.processIDWithoutAddresses) { try resolve("0", nil) }
        let duplicate = PeerAddress(host: "a", port: 1)
        #expect(throws: ClusterError.duplicateAddress(duplicate, first: ProcessID(0), second: ProcessID(2))) {
            try resolve("0", "a:1;b:1;a:1")
        }
        #expect(throws: ClusterError.malformedAddress("a", reason: "expected host:port")) { try resolve("0", "a;b:1") }
        #expect(throws: ClusterError.self) { try resolve("0", "a:99999") }
        #expect(throws: ClusterError.self) { try resolve("0", "a:1;;b:2") }
        #expect(throws: ClusterError.self) { try resolve("0", ":80") }
    }

    @Test func twoEntriesForOneSocketAreDuplicatesAfterResolving() throws {
        #expect(throws: ClusterError.duplicateAddress(
            PeerAddress(host: "localhost", port: 7101), first: ProcessID(0), second: ProcessID(1))
        ) {
            try resolve("0", "127.0.0.1:7101;localhost:7101")
        }
        #expect(throws: ClusterError.duplicateAddress(
            PeerAddress(host: "LOCALHOST", port: 7101), first: ProcessID(0), second: ProcessID(1))
        ) {
            try resolve("1", "localhost:7101;LOCALHOST:7101")
        }
        // Other ports are other sockets; names that do not resolve (yet) are compared as written.
        #expect(try resolve("0", "127.0.0.1:7101;localhost:7102")?.processCount == 2)
        #expect(try resolve("0", "node-0.sluice.invalid:7100;node-1.sluice.invalid:7100")?.processCount == 2)
    }

    @Test func anEmptyOrBlankSecretIsRefusedNotIgnored() throws {
        for secret in ["", "   ", "\n"] {
            #expect(throws: ClusterError.blankSecret) {
                try ClusterConfiguration.resolve(
                    processID: "0", addresses: "127.0.0.1:7101;127.0.0.1:7102",
                    environment: [ClusterConfiguration.secretVariable: secret])
            }
        }
        #expect("\(ClusterError.blankSecret)".contains("SLUICE_CLUSTER_SECRET is set but empty or blank"))
        let unset = try ClusterConfiguration.resolve(processID: "0", addresses: "127.0.0.1:7101;127.0.0.1:7102", environment: [:])
        #expect(unset?.secret == nil)
    }

    @Test func errorsSayWhatIsWrong() {
        let error = ClusterError.processIDOutOfRange(3, processCount: 2)
        #expect(error.description == "process id 3 is out of range: the address list has 2 entries, so ids are 0...1")
        let address = try? PeerAddress(parsing: "[::1]:7101")
        #expect(address == PeerAddress(host: "::1", port: 7101))
        #expect(address?.description == "[::1]:7101")
    }
}
