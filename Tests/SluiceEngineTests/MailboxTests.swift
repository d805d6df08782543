import Foundation
import SluiceEngine
import Testing

/// Runs `body` on a new thread.
private func onAnotherThread(_ body: @escaping @Sendable () -> Void) {
    Thread { body() }.start()
}

private func batch(_ items: [Int], from worker: Int = 1) -> Envelope {
    Envelope(exchange: 0, from: worker, payload: .batch(items, count: items.count))
}

private func progress(_ signal: SluiceEngine.Progress, from worker: Int = 1) -> Envelope {
    Envelope(exchange: 0, from: worker, payload: .progress(signal))
}

/// The items of each batch envelope, and "progress" markers, in order.
private func summary(_ envelopes: [Envelope]) -> [String] {
    envelopes.map { envelope in
        switch envelope.payload {
        case .batch(let any, let count): return "\(envelope.from):\(any as! [Int])#\(count)"
        case .encoded(let bytes, let start, let count): return "\(envelope.from):\(bytes.count - start)B#\(count)"
        case .progress(let signal): return "\(envelope.from):\(signal)"
        }
    }
}

@Suite struct MailboxTests {
    @Test func takeAllReturnsMessagesInSendOrderAndEmptiesTheQueue() {
        let mailbox = Mailbox()
        #expect(mailbox.takeAll().isEmpty)
        mailbox.send(batch([1, 2], from: 1))
        mailbox.send(progress(.barrier(Epoch(1)), from: 2))
        mailbox.send(batch([3], from: 2))
        mailbox.send(progress(.end, from: 1))
        #expect(summary(mailbox.takeAll()) == ["1:[1, 2]#2", "2:barrier(1)", "2:[3]#1", "1:end"])
        #expect(mailbox.takeAll().isEmpty)
        mailbox.send(batch([4]))
        #expect(summary(mailbox.takeAll()) == ["1:[4]#1"])
    }

    @Test func pendingItemsCountsBatchItemsUntilProcessed() {
        let mailbox = Mailbox()
        #expect(mailbox.pendingItems.load(ordering: .relaxed) == 0)
        mailbox.send(batch([1, 2, 3]))
        mailbox.send(progress(.barrier(Epoch(1))))  // progress carries no items
        mailbox.send(batch([4, 5]))
        #expect(mailbox.pendingItems.load(ordering: .relaxed) == 5)

        _ = mailbox.takeAll()  // taking is not processing
        #expect(mailbox.pendingItems.load(ordering: .relaxed) == 5)
        mailbox.processed(3)
        #expect(mailbox.pendingItems.load(ordering: .relaxed) == 2)
        mailbox.processed(2)
        #expect(mailbox.pendingItems.load(ordering: .relaxed) == 0)
    }

    @Test func pendingItemsCountsSendsFromManyThreads() {
        let mailbox = Mailbox()
        let senders = 4
        let perSender = 500
        let done = DispatchGroup()
        for sender in 0..<senders {
            done.enter()
            onAnotherThread {
                for index in 0..<perSender { mailbox.send(batch([index, index], from: sender)) }
                done.leave()
            }
        }
        #expect(done.wait(timeout: .now() + 30) == .success, "the sending threads did not finish")
        #expect(mailbox.pendingItems.load(ordering: .relaxed) == senders * perSender * 2)
        let taken = mailbox.takeAll()
        #expect(taken.count == senders * perSender)
        // Each sender's messages stay in its send order.
        for sender in 0..<senders {
            let mine = taken.filter { $0.from == sender }.map { envelope -> Int in
                guard case .batch(let any, _) = envelope.payload else { return -1 }
                return (any as! [Int])[0]
            }
            #expect(mine == Array(0..<perSender))
        }
    }

    @Test func waitReturnsAtOnceWhenAMessageIsQueued() {
        let mailbox = Mailbox()
        mailbox.send(batch([1]))
        let deadline = Date().addingTimeInterval(30)
        mailbox.wait(until: deadline)
        #expect(Date() < deadline)
        #expect(summary(mailbox.takeAll()) == ["1:[1]#1"])
    }

    @Test func waitReturnsWhenAnotherThreadSends() {
        let mailbox = Mailbox()
        let receiverReady = DispatchSemaphore(value: 0)
        onAnotherThread {
            receiverReady.wait()
            mailbox.send(batch([42], from: 3))
        }
        let deadline = Date().addingTimeInterval(30)
        receiverReady.signal()
        mailbox.wait(until: deadline)
        // It returned because of the message: the message is there, and the
        // (generous) deadline has not passed.
        #expect(summary(mailbox.takeAll()) == ["3:[42]#1"])
        #expect(Date() < deadline)
    }

    @Test func waitReturnsWhenAnotherThreadWakesIt() {
        let mailbox = Mailbox()
        let receiverReady = DispatchSemaphore(value: 0)
        onAnotherThread {
            receiverReady.wait()
            mailbox.wake()
        }
        let deadline = Date().addingTimeInterval(30)
        receiverReady.signal()
        mailbox.wait(until: deadline)
        #expect(Date() < deadline)
        #expect(mailbox.takeAll().isEmpty)
    }

    @Test func aWakeBeforeWaitIsNotLost() {
        let mailbox = Mailbox()
        mailbox.wake()
        let deadline = Date().addingTimeInterval(30)
        mailbox.wait(until: deadline)
        #expect(Date() < deadline)
    }
}
