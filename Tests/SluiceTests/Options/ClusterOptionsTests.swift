import Sluice
import SluiceTesting
import Testing

/// `SluiceOptions`' cluster flags (`-i`, `-a`, `--processes`) and their
/// environment forms: what `cliMain` and applications embedding the options
/// get from `cluster()` and `launchLocalProcesses`.
@Suite struct ClusterOptionsTests {
    private func cluster(_ arguments: [String], environment: [String: String] = [:]) throws -> ClusterConfiguration? {
        try SluiceOptions.parse(arguments).cluster(environment: environment)
    }

    /// Requires `body` to throw a `ClusterError` and returns its description.
    private func clusterError(
        _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let error = try #require(throws: ClusterError.self, sourceLocation: sourceLocation) { try body() }
        return "\(error)"
    }

    @Test func noFlagsAndNoVariablesMeanARunInThisProcessAlone() throws {
        #expect(try cluster([]) == nil)
        #expect(try cluster(["-w", "2"], environment: ["SLUICE_WORKERS_PER_PROCESS": "3"]) == nil)
        #expect(try SluiceOptions.parse([]).launchLocalProcesses(arguments: [], environment: [:]) == nil)
    }

    @Test func shortFlagsGiveTheProcessAndEveryAddressInOrder() throws {
        let configuration = try #require(try cluster(["-i", "1", "-a", "a:1;b:2"]))
        #expect(configuration.processID == ProcessID(1))
        #expect(configuration.addresses == [PeerAddress(host: "a", port: 1), PeerAddress(host: "b", port: 2)])
        #expect(configuration.ownAddress == PeerAddress(host: "b", port: 2))
        #expect(configuration.secret == nil)
    }

    @Test func longFlagsToo() throws {
        let configuration = try #require(try cluster(["--process-id=0", "--addresses", "10.0.0.1:7100;10.0.0.2:7100;"]))
        #expect(configuration.processID == ProcessID(0))
        #expect(configuration.processCount == 2, "a trailing ; adds no process")
    }

    @Test func theEnvironmentFormsGiveTheSameClusterWithTheSecret() throws {
        let environment = [
            "SLUICE_PROCESS_ID": "1", "SLUICE_ADDRESSES": "a:1;b:2", "SLUICE_CLUSTER_SECRET": "s3cret",
        ]
        let configuration = try #require(try cluster([], environment: environment))
        #expect(configuration.processID == ProcessID(1))
        #expect(configuration.addresses.map(\.description) == ["a:1", "b:2"])
        #expect(configuration.secret == "s3cret")
    }

    @Test func flagsWinOverTheEnvironment() throws {
        let environment = ["SLUICE_PROCESS_ID": "1", "SLUICE_ADDRESSES": "a:1;b:2"]
        let configuration = try #require(try cluster(["-i", "2", "-a", "x:1;y:2;z:3"], environment: environment))
        #expect(configuration.processID == ProcessID(2))
        #expect(configuration.processCount == 3)
    }

    @Test func theProcessIDCanComeFromAStatefulSetPodName() throws {
        let addresses = "flow-0.flow:7100;flow-1.flow:7100;flow-2.flow:7100"
        let byFlag = try #require(try cluster(["-i", "hostname", "-a", addresses], environment: ["HOSTNAME": "flow-2"]))
        #expect(byFlag.processID == ProcessID(2))
        let byVariable = try #require(
            try cluster([], environment: ["SLUICE_PROCESS_ID": "hostname", "SLUICE_ADDRESSES": addresses, "HOSTNAME": "flow-1"]))
        #expect(byVariable.processID == ProcessID(1))
    }

    @Test func aHostNameWithoutAnOrdinalIsRefusedNamingIt() throws {
        let message = try clusterError { _ = try cluster(["-i", "hostname", "-a", "a:1;b:2"], environment: ["HOSTNAME": "worker"]) }
        #expect(message.contains("'worker' does not end in -N"), "\(message)")
        let unknown = try clusterError { _ = try cluster(["-i", "hostname", "-a", "a:1;b:2"]) }
        #expect(unknown.contains("HOSTNAME"), "\(unknown)")
    }

    @Test func aPodOrdinalBeyondTheAddressListIsOutOfRange() throws {
        let message = try clusterError { _ = try cluster(["-i", "hostname", "-a", "a:1;b:2"], environment: ["HOSTNAME": "flow-2"]) }
        #expect(message.contains("process id 2 is out of range"), "\(message)")
    }

    @Test(arguments: [
        ("a:1;nope", "nope"), ("a:1;b:0", "b:0"), ("a:1;b:70000", "b:70000"), ("a:1;:7", ":7"), ("a:1;b:x", "b:x"),
    ])
    func aMalformedAddressIsRefusedNamingIt(addresses: String, named: String) throws {
        let message = try clusterError { _ = try cluster(["-i", "0", "-a", addresses]) }
        #expect(message.contains("malformed address '\(named)'"), "\(message)")
    }

    @Test func anEmptyEntryIsRefusedNamingTheList() throws {
        let message = try clusterError { _ = try cluster(["-i", "0", "-a", "a:1;;b:2"]) }
        #expect(message.contains("'a:1;;b:2'") && message.contains("empty entry"), "\(message)")
    }

    @Test func aMalformedAddressInTheEnvironmentIsRefusedToo() throws {
        let message = try clusterError { _ = try cluster([], environment: ["SLUICE_PROCESS_ID": "0", "SLUICE_ADDRESSES": "a:1;b"]) }
        #expect(message.contains("malformed address 'b'"), "\(message)")
    }

    @Test func aDuplicateAddressIsRefusedNamingItAndBothProcesses() throws {
        let message = try clusterError { _ = try cluster(["-i", "0", "-a", "a:1;b:2;a:1"]) }
        #expect(message.contains("a:1 is listed twice"), "\(message)")
        #expect(message.contains("process 0") && message.contains("process 2"), "\(message)")
    }

    @Test(arguments: ["2", "-1", "7"])
    func aProcessIDOutOfRangeIsRefusedNamingIt(id: String) throws {
        let message = try clusterError { _ = try cluster(["--process-id=\(id)", "-a", "a:1;b:2"]) }
        #expect(message.contains("process id \(id) is out of range"), "\(message)")
        #expect(message.contains("0...1"), "\(message)")
    }

    @Test func aProcessIDThatIsNotANumberIsRefusedNamingIt() throws {
        let message = try clusterError { _ = try cluster(["-i", "first", "-a", "a:1;b:2"]) }
        #expect(message.contains("'first' is not a number"), "\(message)")
    }

    @Test func aProcessIDWithoutAddressesAndSeveralAddressesWithoutAnIDAreRefused() throws {
        #expect(try clusterError { _ = try cluster(["-i", "1"]) }.contains("without addresses"))
        #expect(try clusterError { _ = try cluster([], environment: ["SLUICE_PROCESS_ID": "1"]) }.contains("without addresses"))
        #expect(try clusterError { _ = try cluster(["-a", "a:1;b:2"]) }.contains("2 entries but no process id"))
    }

    @Test func aSingleAddressNeedsNoProcessID() throws {
        let configuration = try #require(try cluster(["-a", "127.0.0.1:7100"]))
        #expect(configuration.processID == ProcessID(0))
        #expect(configuration.processCount == 1)
    }

    // MARK: --processes

    @Test(arguments: ["0", "-3"])
    func processesBelowOneAreRefusedNamingTheValue(value: String) throws {
        let options = try SluiceOptions.parse(["--processes=\(value)"])
        let reason = try invalidConfiguration {
            _ = try options.launchLocalProcesses(arguments: ["--processes=\(value)"], environment: [:])
        }
        #expect(reason.contains("--processes must be from 1 to 64 (copies on this machine), got \(value)"), "\(reason)")
    }

    @Test func oneLocalProcessRunsHereWithoutStartingCopies() throws {
        let options = try SluiceOptions.parse(["--processes", "1"])
        #expect(try options.launchLocalProcesses(arguments: ["--processes", "1"], environment: [:]) == nil)
        #expect(try options.cluster(environment: [:]) == nil)
    }

    @Test(arguments: [["-a", "a:1;b:2"], ["-i", "0"], ["-i", "1", "-a", "a:1;b:2"]])
    func processesTogetherWithAddressesOrAnIDIsRefused(flags: [String]) throws {
        let arguments = ["--processes", "2"] + flags
        let options = try SluiceOptions.parse(arguments)
        let reason = try invalidConfiguration { _ = try options.launchLocalProcesses(arguments: arguments, environment: [:]) }
        #expect(reason.contains("--processes") && reason.contains("-i/-a"), "\(reason)")
    }

    @Test func processesTogetherWithAddressesInTheEnvironmentIsRefused() throws {
        let options = try SluiceOptions.parse(["--processes", "2"])
        let reason = try invalidConfiguration {
            _ = try options.launchLocalProcesses(arguments: ["--processes", "2"], environment: ["SLUICE_ADDRESSES": "a:1;b:2"])
        }
        #expect(reason.contains("SLUICE_ADDRESSES"), "\(reason)")
    }

    @Test func theHelpListsTheClusterFlagsAndVariables() {
        let help = SluiceOptions.helpMessage()
        for text in ["--process-id", "--addresses", "--processes", "SLUICE_PROCESS_ID", "SLUICE_ADDRESSES", "hostname"] {
            #expect(help.contains(text), "\(text)")
        }
    }

    @Test func theStartupTimeoutComesFromItsFlagOrVariable() throws {
        #expect(try cluster(["-i", "0", "-a", "a:1;b:2"])?.startupTimeout == nil)
        #expect(try cluster(["-i", "0", "-a", "a:1;b:2", "--cluster-startup-timeout", "300"])?.startupTimeout == .seconds(300))
        #expect(
            try cluster(["-i", "0", "-a", "a:1;b:2"], environment: ["SLUICE_CLUSTER_STARTUP_TIMEOUT": "90"])?.startupTimeout == .seconds(90))
        let error = #expect(throws: DataflowError.self) {
            _ = try cluster(["-i", "0", "-a", "a:1;b:2", "--cluster-startup-timeout", "0"])
        }
        #expect("\(error!)".contains("--cluster-startup-timeout"))
    }

    @Test func aRunWaitsForMissingPeersOnlyAsLongAsTheStartupTimeout() throws {
        let addresses = try LoopbackPorts.free(2).map { "127.0.0.1:\($0)" }.joined(separator: ";")
        let member = try #require(try cluster(["-i", "0", "-a", addresses, "--cluster-startup-timeout", "1"]))
        let flow = Dataflow("lonely")
        flow.input("numbers", TestingSource([1, 2, 3])).output("out", TestingSink<Int>())
        // Process 1 never starts: process 0 gives up after 1 s, naming it.
        let error = #expect(throws: ClusterError.self) {
            try run(flow, configuration: RunConfiguration(), cluster: member)
        }
        #expect("\(error!)".contains("process 1"))
        #expect("\(error!)".contains("within 1.0 s"))
    }
}
