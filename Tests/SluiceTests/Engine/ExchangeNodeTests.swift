import SluiceEngine
import SluiceTestSupport
import Testing

/// An exchange between the workers of one process (`ExchangeSender` on the
/// sending worker, `ExchangeReceiver` on each receiving one): items go to the
/// worker their key's stable hash names, as the arrays themselves (never
/// serialized in one process); progress reaches every worker once and passes
/// a receiver once all its channels sent it; sent items count against the
/// receiving worker's inbox until it processed them (back-pressure).
@Suite struct ExchangeNodeTests {
    /// One process of `workers` workers with an exchange (number 7) from
    /// worker 0: its sender and the downstream outputs of worker 0's receiver.
    final class Harness {
        let mailboxes: [Mailbox]
        let network: WorkerNetwork
        let sender: ExchangeSender<String>
        let receiver: ExchangeReceiver<String>
        var delivered: [[String]] = []
        var progress: [Progress] = []

        init(workers: Int, limit: Int = .max, routing: ExchangeRouting<String>) {
            mailboxes = (0..<workers).map { _ in Mailbox(limit: limit) }
            network = WorkerNetwork(mailboxes: mailboxes, transport: nil)
            let output = Emitter<String>()
            receiver = ExchangeReceiver(worker: 0, step: "flow.exchange", network: network, codec: nil, output: output)
            sender = ExchangeSender(
                exchange: 7, step: "flow.exchange", worker: 0, routing: routing, network: network, codec: nil,
                local: receiver)
            output.subscribe(
                ClosureConsumer(
                    onBatch: { [unowned self] in delivered.append($0) },
                    onProgress: { [unowned self] in progress.append($0) }))
        }
    }

    static let byKey = ExchangeRouting<String>.byWorker { StableHash.route($0, workerCount: $1) }

    @Test func itemsGoToTheWorkerTheirStableHashNamesWithoutSerialization() throws {
        let harness = Harness(workers: 3, routing: Self.byKey)
        let items = (0..<60).map { "key-\($0)" }
        try harness.sender.receive(items)

        // Worker 0's own share goes straight downstream, in order.
        #expect(harness.delivered.flatMap { $0 } == items.filter { StableHash.route($0, workerCount: 3) == 0 })
        for worker in 1..<3 {
            let envelopes = harness.mailboxes[worker].takeAll()
            let payloads = envelopes.map(\.payload)
            #expect(payloads.allSatisfy { if case .batch = $0 { true } else { false } }, "worker \(worker) got serialized items")
            let sent = envelopes.compactMap { envelope -> [String]? in
                if case .batch(let batch, _) = envelope.payload { return batch as? [String] }
                return nil
            }
            #expect(sent.count == 1, "one batch per destination")
            #expect(sent.flatMap { $0 } == items.filter { StableHash.route($0, workerCount: 3) == worker })
        }
    }

    @Test func roundRobinSpreadsBatchesStartingAtARotatingWorker() throws {
        let harness = Harness(workers: 2, routing: .roundRobin)
        try harness.sender.receive(["a", "b", "c", "d"])
        try harness.sender.receive(["e", "f"])
        let toOne = harness.mailboxes[1].takeAll().compactMap { envelope -> [String]? in
            if case .batch(let batch, _) = envelope.payload { return batch as? [String] }
            return nil
        }
        #expect(harness.delivered == [["a", "b"], ["f"]])
        #expect(toOne == [["c", "d"], ["e"]])
    }

    @Test func progressReachesEveryOtherWorkerOnceAndPassesTheReceiverWhenAllChannelsSentIt() throws {
        let harness = Harness(workers: 3, routing: Self.byKey)
        try harness.sender.progress(.barrier(Epoch(1)))
        for worker in 1..<3 {
            let envelopes = harness.mailboxes[worker].takeAll()
            #expect(envelopes.count == 1, "worker \(worker) got \(envelopes.count) envelopes")
            guard case .progress(let signal) = envelopes.first?.payload else {
                Issue.record("worker \(worker) got no progress")
                continue
            }
            #expect(signal == .barrier(Epoch(1)))
        }
        // Worker 0's receiver waits for the barrier from workers 1 and 2 too.
        #expect(harness.progress.isEmpty)
        try harness.receiver.deliver(Envelope(exchange: 7, from: 1, payload: .progress(.barrier(Epoch(1)))))
        #expect(harness.progress.isEmpty)
        try harness.receiver.deliver(Envelope(exchange: 7, from: 2, payload: .progress(.barrier(Epoch(1)))))
        #expect(harness.progress == [.barrier(Epoch(1))], "the barrier passes once")
        try harness.sender.progress(.end)
        try harness.receiver.deliver(Envelope(exchange: 7, from: 1, payload: .progress(.end)))
        try harness.receiver.deliver(Envelope(exchange: 7, from: 2, payload: .progress(.end)))
        #expect(harness.progress == [.barrier(Epoch(1)), .end])
        #expect(harness.receiver.isFinished)
    }

    @Test func itemsAfterAChannelsBarrierWaitForTheOtherChannels() throws {
        let harness = Harness(workers: 2, routing: Self.byKey)
        try harness.sender.progress(.barrier(Epoch(1)))
        // Worker 0 already passed epoch 1: its items of epoch 2 wait for worker 1's barrier.
        let mine = key(routedTo: 0, of: 2)
        try harness.sender.receive([mine])
        #expect(harness.delivered.isEmpty)
        try harness.receiver.deliver(Envelope(exchange: 7, from: 1, payload: .batch(["from-1"], count: 1)))
        #expect(harness.delivered == [["from-1"]], "items of the open epoch pass at once")
        try harness.receiver.deliver(Envelope(exchange: 7, from: 1, payload: .progress(.barrier(Epoch(1)))))
        #expect(harness.progress == [.barrier(Epoch(1))])
        #expect(harness.delivered == [["from-1"], [mine]], "the held item follows the barrier")
    }

    @Test func sentItemsCountAgainstTheReceivingInboxUntilProcessed() throws {
        let harness = Harness(workers: 2, limit: 3, routing: Self.byKey)
        let theirs = (0...).lazy.map { "k\($0)" }.filter { StableHash.route($0, workerCount: 2) == 1 }.prefix(5)
        try harness.sender.receive(Array(theirs))
        let inbox = harness.mailboxes[1]
        #expect(inbox.pendingItems.load(ordering: .relaxed) == 5, "the items wait in worker 1's inbox")
        #expect(inbox.pendingItems.load(ordering: .relaxed) > inbox.limit, "over the limit: sources must throttle")

        // Worker 1's receiver takes them: the inbox drains and the throttled workers are woken.
        let drained = SharedCounter()
        inbox.setDrainHandler { drained.increment() }
        let output = Emitter<String>()
        var received: [String] = []
        output.subscribe(ClosureConsumer(onBatch: { received += $0 }, onProgress: { _ in }))
        let other = ExchangeReceiver(worker: 1, step: "flow.exchange", network: harness.network, codec: nil, output: output)
        for envelope in inbox.takeAll() { try other.deliver(envelope) }
        #expect(received == Array(theirs))
        #expect(inbox.pendingItems.load(ordering: .relaxed) == 0)
        #expect(drained.count == 1, "the drain below the limit is announced once")
    }
}
