import ArgumentParser
import Sluice
import SluiceTesting
import Testing

/// An application command that embeds Sluice's options next to its own.
private struct MyJob: ParsableCommand {
    @OptionGroup var sluice: SluiceOptions
    @Option(help: "Kafka bootstrap servers.") var brokers = "localhost:19092"
    @ArgumentParser.Flag var verbose = false
}

@Suite struct SluiceOptionsTests {
    private func configuration(
        _ arguments: [String], environment: [String: String] = [:]
    ) throws -> RunConfiguration {
        try SluiceOptions.parse(arguments).configuration(environment: environment)
    }

    @Test func defaultsAreOneWorkerAndTenSecondEpochs() throws {
        let configuration = try configuration([])
        #expect(configuration.workers == 1)
        #expect(configuration.epochInterval == .seconds(10))
    }

    @Test func shortWorkersFlag() throws {
        #expect(try configuration(["-w", "3"]).workers == 3)
    }

    @Test func longWorkersFlag() throws {
        #expect(try configuration(["--workers-per-process", "2"]).workers == 2)
        #expect(try configuration(["--workers-per-process=5"]).workers == 5)
    }

    @Test func workersFromTheEnvironmentWhenTheFlagIsAbsent() throws {
        #expect(try configuration([], environment: ["SLUICE_WORKERS_PER_PROCESS": "4"]).workers == 4)
        #expect(try configuration([], environment: ["SLUICE_WORKERS_PER_PROCESS": " 6 "]).workers == 6)
    }

    @Test func theFlagWinsOverTheEnvironment() throws {
        let environment = ["SLUICE_WORKERS_PER_PROCESS": "4", "SLUICE_EPOCH_INTERVAL": "7"]
        let configuration = try configuration(["-w", "2", "--epoch-interval", "3"], environment: environment)
        #expect(configuration.workers == 2)
        #expect(configuration.epochInterval == .seconds(3))
    }

    @Test(arguments: ["x", "0", "-2", "", "1.5"])
    func anInvalidWorkersVariableIsRejectedNamingIt(value: String) throws {
        let reason = try invalidConfiguration {
            _ = try configuration([], environment: ["SLUICE_WORKERS_PER_PROCESS": value])
        }
        #expect(reason.contains("SLUICE_WORKERS_PER_PROCESS"))
        #expect(reason.contains("'\(value)'"))
    }

    @Test func anInvalidVariableIsIgnoredWhenTheFlagIsGiven() throws {
        #expect(try configuration(["-w", "2"], environment: ["SLUICE_WORKERS_PER_PROCESS": "x"]).workers == 2)
    }

    @Test(arguments: ["0", "-1"])
    func aNonPositiveWorkersFlagIsRejectedNamingIt(value: String) throws {
        let reason = try invalidConfiguration { _ = try configuration(["--workers-per-process=\(value)"]) }
        #expect(reason.contains("--workers-per-process"))
    }

    @Test(arguments: ["1025", "100000"])
    func tooManyWorkersAreRejectedNamingTheLimit(value: String) throws {
        let reason = try invalidConfiguration { _ = try configuration(["-w", value]) }
        #expect(reason.contains("--workers-per-process must be a number from 1 to 1024"), "\(reason)")
        let fromEnvironment = try invalidConfiguration {
            _ = try configuration([], environment: ["SLUICE_WORKERS_PER_PROCESS": value])
        }
        #expect(fromEnvironment.contains("SLUICE_WORKERS_PER_PROCESS must be a number from 1 to 1024"), "\(fromEnvironment)")
    }

    @Test func theMostWorkersAreAccepted() throws {
        #expect(try configuration(["-w", "1024"]).workers == RunConfiguration.maxWorkers)
    }

    @Test func aRunWithTooManyWorkersIsRefusedBeforeAnyThreadStarts() throws {
        let flow = Dataflow("test")
        flow.input("in", TestingSource([1])).output("out", TestingSink<Int>())
        let reason = try invalidConfiguration { try run(flow, workers: 100_000) }
        #expect(reason.contains("workers per process must be from 1 to 1024, got 100000"), "\(reason)")
    }

    @Test func aNonNumericWorkersFlagIsAParseError() {
        #expect(throws: (any Error).self) { _ = try SluiceOptions.parse(["-w", "many"]) }
    }

    @Test func epochIntervalInSeconds() throws {
        #expect(try configuration(["--epoch-interval", "0.5"]).epochInterval == .milliseconds(500))
        #expect(try configuration(["--epoch-interval", "2"]).epochInterval == .seconds(2))
        #expect(try configuration([], environment: ["SLUICE_EPOCH_INTERVAL": "0.25"]).epochInterval == .milliseconds(250))
    }

    @Test(arguments: ["0", "-1", "nan", "inf", "soon"])
    func anInvalidEpochIntervalVariableIsRejectedNamingIt(value: String) throws {
        let reason = try invalidConfiguration {
            _ = try configuration([], environment: ["SLUICE_EPOCH_INTERVAL": value])
        }
        #expect(reason.contains("SLUICE_EPOCH_INTERVAL"))
    }

    @Test(arguments: ["1e300", "1e12", "0.0004", "1e-9"])
    func anEpochIntervalFlagOutOfRangeIsRejectedInsteadOfCrashingOrRoundingToZero(value: String) throws {
        // 1e300 used to trap converting to Int64 milliseconds; 0.0004 used to
        // become a zero interval that only `run` rejected.
        let reason = try invalidConfiguration { _ = try configuration(["--epoch-interval", value]) }
        #expect(reason.contains("--epoch-interval"))
        #expect(reason.contains("0.001"))
    }

    @Test func anEpochIntervalVariableOutOfRangeIsRejected() throws {
        let reason = try invalidConfiguration {
            _ = try configuration([], environment: ["SLUICE_EPOCH_INTERVAL": "1e300"])
        }
        #expect(reason.contains("SLUICE_EPOCH_INTERVAL"))
    }

    @Test func theShortestEpochIntervalIsOneMillisecond() throws {
        #expect(try configuration(["--epoch-interval", "0.001"]).epochInterval == .milliseconds(1))
    }

    @Test func aNonPositiveEpochIntervalFlagIsRejected() throws {
        let reason = try invalidConfiguration { _ = try configuration(["--epoch-interval", "0"]) }
        #expect(reason.contains("--epoch-interval"))
    }

    @Test func anApplicationCommandEmbedsTheOptions() throws {
        let job = try MyJob.parse(["--brokers", "kafka:9092", "-w", "3", "--epoch-interval", "0.5", "--verbose"])
        #expect(job.brokers == "kafka:9092")
        #expect(job.verbose)
        let configuration = try job.sluice.configuration(environment: [:])
        #expect(configuration.workers == 3)
        #expect(configuration.epochInterval == .milliseconds(500))
    }

    @Test func anApplicationCommandKeepsItsDefaultsAndReadsTheEnvironment() throws {
        let job = try MyJob.parse([])
        #expect(job.brokers == "localhost:19092")
        #expect(!job.verbose)
        let configuration = try job.sluice.configuration(environment: ["SLUICE_WORKERS_PER_PROCESS": "4"])
        #expect(configuration.workers == 4)
    }

    @Test func anApplicationCommandRejectsUnknownOptions() {
        #expect(throws: (any Error).self) { _ = try MyJob.parse(["--no-such-option"]) }
    }

    @Test func theHelpListsBothTheApplicationsAndSluicesOptions() {
        let help = MyJob.helpMessage()
        #expect(help.contains("--brokers"))
        #expect(help.contains("--workers-per-process"))
        #expect(help.contains("SLUICE_WORKERS_PER_PROCESS"))
        #expect(help.contains("--epoch-interval"))
    }
}
