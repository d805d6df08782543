import Foundation
import Synchronization

/// A task executor that runs its jobs one at a time on a thread of its own,
/// started when a job arrives and ended when none is left (a later job
/// starts a new one). `OwnThreadTrait` gives each test case one, so a test
/// that blocks (a dataflow run, a child process, a poll) blocks this thread,
/// never one of the few threads of Swift's cooperative pool. The async tests
/// share `shared`: not the pool (which blocking tests may hold), and one
/// thread, so an awaiting run that blocked its thread would starve every
/// other task here and a test notices it.
///
/// ```swift
/// let task = Task(executorPreference: OnDemandThreadExecutor.shared) { try await plan.run(configuration: configuration) }
/// ```
package final class OnDemandThreadExecutor: TaskExecutor {
    /// The executor the async tests share (one thread at a time, for the whole process).
    package static let shared = OnDemandThreadExecutor(name: "test-executor")

    private struct State {
        var jobs: [UnownedJob] = []
        var threadRunning = false
    }

    private let name: String
    private let state = Mutex(State())

    /// An executor whose threads carry `name`.
    package init(name: String) { self.name = name }

    package func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let startThread = state.withLock { state -> Bool in
            state.jobs.append(unowned)
            guard !state.threadRunning else { return false }
            state.threadRunning = true
            return true
        }
        guard startThread else { return }
        let thread = Thread { [self] in drain() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Runs jobs until none is left, then lets the thread end.
    private func drain() {
        while let job = state.withLock({ state -> UnownedJob? in
            if state.jobs.isEmpty {
                state.threadRunning = false
                return nil
            }
            return state.jobs.removeFirst()
        }) {
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
