import Sluice
import SluiceTesting
import SluiceTestSupport
import Testing

/// Shape and configuration errors: reported before any worker starts, by
/// `validate()` and by `run` alike, naming what to fix.
@Suite struct DataflowValidationTests {
    /// Requires `body` to throw `DataflowError.invalidDataflow` and returns its step and reason.
    private func invalidDataflow(
        _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (step: StepID?, reason: String) {
        let error = try #require(throws: DataflowError.self, sourceLocation: sourceLocation) { try body() }
        guard case let .invalidDataflow(step, reason) = error else {
            Issue.record("expected invalidDataflow, got \(error)", sourceLocation: sourceLocation)
            throw TestStopped()
        }
        return (step, reason)
    }

    /// `validate()` and `run` must report the same invalid-dataflow error.
    private func expectInvalid(
        _ makeFlow: () -> Dataflow, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (step: StepID?, reason: String, description: String) {
        let atValidate = try invalidDataflow({ try makeFlow().validate() }, sourceLocation: sourceLocation)
        let runError = try expectRunFails(makeFlow(), workers: 2, sourceLocation: sourceLocation)
        guard case let .invalidDataflow(step, reason) = runError else {
            Issue.record("run: expected invalidDataflow, got \(runError)", sourceLocation: sourceLocation)
            throw TestStopped()
        }
        #expect(step == atValidate.step, sourceLocation: sourceLocation)
        #expect(reason == atValidate.reason, sourceLocation: sourceLocation)
        return (step, reason, runError.description)
    }

    @Test func aValidFlowValidates() throws {
        let flow = Dataflow("test")
        flow.input("in", TestingSource([1, 2])).map("double") { $0 * 2 }.output("out", TestingSink<Int>())
        try flow.validate()
        #expect(flow.stepIDs == ["test.in", "test.double", "test.out"])
    }

    @Test func aDuplicateStepIDIsRejectedNamingIt() throws {
        let (step, reason, description) = try expectInvalid {
            let flow = Dataflow("test")
            flow.input("in", TestingSource([1, 2]))
                .map("double") { $0 * 2 }
                .map("double") { $0 * 2 }
                .output("out", TestingSink<Int>())
            return flow
        }
        #expect(step == "test.double")
        #expect(reason.contains("duplicate"))
        #expect(reason.contains("test.double"))
        #expect(description.contains("test.double"))
    }

    @Test func aDuplicateBetweenAnInputAndAnOutputIsRejected() throws {
        let (step, _, _) = try expectInvalid {
            let flow = Dataflow("test")
            flow.input("io", TestingSource([1])).output("io", TestingSink<Int>())
            return flow
        }
        #expect(step == "test.io")
    }

    @Test func aCompositeOperatorNameCollidesWithAStepOfTheSameName() throws {
        let (step, reason, _) = try expectInvalid {
            let flow = Dataflow("test")
            let words = flow.input("in", TestingSource(["a", "b"]))
            words.map("count") { $0 }.output("out1", TestingSink<String>())
            words.countFinal("count") { $0 }.asKV().output("out2", TestingSink<KV<Int>>())
            return flow
        }
        #expect(step == "test.count")
        #expect(reason.contains("duplicate"))
    }

    @Test func theSameLocalNameInDifferentScopesIsAllowed() throws {
        let out = try expectSameOnEveryWorkerCount { flow in
            let sink = TestingSink<KV<Int>>()
            let words = flow.input("in", TestingSource(["a", "b", "a"]))
            // Both composites have parts named `key` and `sum`, in their own scopes.
            words.countFinal("first") { $0 }.asKV("as_kv_1").output("out1", sink)
            words.countFinal("second") { $0 + $0 }.asKV("as_kv_2").output("out2", sink)
            return sink
        }
        #expect(out.sorted() == [KV("a", 2), KV("aa", 2), KV("b", 1), KV("bb", 1)])
    }

    @Test func aDataflowIDWithADotIsRejected() throws {
        let (step, reason, _) = try expectInvalid {
            let flow = Dataflow("my.flow")
            flow.input("in", TestingSource([1])).output("out", TestingSink<Int>())
            return flow
        }
        #expect(step == "my.flow")
        #expect(reason.contains("'.'"))
    }

    @Test func aStepNameWithADotIsRejected() throws {
        let (step, reason, description) = try expectInvalid {
            let flow = Dataflow("test")
            flow.input("in", TestingSource([1])).map("a.b") { $0 }.output("out", TestingSink<Int>())
            return flow
        }
        #expect(step == "test.a.b")
        #expect(reason.contains("'a.b'"))
        #expect(reason.contains("'.'"))
        #expect(description.contains("invalid step id"))
    }

    @Test func emptyNamesAreRejected() throws {
        let (flowStep, _, _) = try expectInvalid {
            let flow = Dataflow("")
            flow.input("in", TestingSource([1])).output("out", TestingSink<Int>())
            return flow
        }
        #expect(flowStep == "")
        let (step, reason, _) = try expectInvalid {
            let flow = Dataflow("test")
            flow.input("", TestingSource([1])).output("out", TestingSink<Int>())
            return flow
        }
        #expect(step == "test.")
        #expect(reason.contains("empty"))
    }

    @Test func aFlowWithoutInputIsRejectedSayingSo() throws {
        let (step, reason, description) = try expectInvalid { Dataflow("test") }
        #expect(step == "test")
        #expect(reason.contains("no input"))
        #expect(description.contains("no input"))
    }

    @Test func aFlowWithoutOutputIsRejectedSayingSo() throws {
        let (step, reason, description) = try expectInvalid {
            let flow = Dataflow("test")
            _ = flow.input("in", TestingSource([1])).map("double") { $0 * 2 }
            return flow
        }
        #expect(step == "test")
        #expect(reason.contains("no output"))
        #expect(description.contains("no output"))
    }

    @Test(arguments: [0, -1])
    func aRunWithoutWorkersIsAnInvalidConfiguration(workers: Int) throws {
        let flow = Dataflow("test")
        let sink = TestingSink<Int>()
        flow.input("in", TestingSource([1])).output("out", sink)
        let error = try expectRunFails(flow, workers: workers)
        guard case .invalidConfiguration(let reason) = error else {
            Issue.record("expected invalidConfiguration, got \(error)")
            return
        }
        #expect(reason.contains("workers"))
        #expect(reason.contains("\(workers)"))
        #expect(error.step == nil)
        #expect(sink.items.isEmpty)
    }

    @Test func aNonPositiveEpochIntervalIsAnInvalidConfiguration() throws {
        let flow = Dataflow("test")
        flow.input("in", TestingSource([1])).output("out", TestingSink<Int>())
        var configuration = RunConfiguration(workers: 1)
        configuration.epochInterval = .zero
        let error = try expectRunFails(flow, configuration: configuration)
        guard case .invalidConfiguration(let reason) = error else {
            Issue.record("expected invalidConfiguration, got \(error)")
            return
        }
        #expect(reason.contains("epoch interval"))
    }

    @Test func aZeroPendingLimitIsAnInvalidConfiguration() throws {
        let flow = Dataflow("test")
        flow.input("in", TestingSource([1])).output("out", TestingSink<Int>())
        var configuration = RunConfiguration(workers: 1)
        configuration.maxPendingItemsPerWorker = 0
        let error = try expectRunFails(flow, configuration: configuration)
        guard case .invalidConfiguration(let reason) = error else {
            Issue.record("expected invalidConfiguration, got \(error)")
            return
        }
        #expect(reason.contains("maxPendingItemsPerWorker"))
    }
}
