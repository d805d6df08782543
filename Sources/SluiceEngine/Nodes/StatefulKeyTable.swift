import Foundation

/// The keys one `StatefulNode` holds on one worker: a single table of entries
/// (the key's logic, whether it changed since the last snapshot, when it wants
/// `onNotify` and `onWatermark`) and the bookkeeping every entry point of the
/// node shares.
///
/// Invariants, kept by the functions below (the node uses nothing else):
/// 1. A key has an entry exactly while it has a logic; a discarded key has none.
/// 2. After every call into a key's logic, `settle` records what the logic's
///    `notifyAt()` and `notifyAtWatermark()` return in its entry (`due`,
///    `watermarkDue`), or removes the entry on `.discard`.
/// 3. `earliestDue` is at most every entry's `due` and nil only when no entry
///    has one; `earliestWatermarkDue` likewise. Either may be early (a due
///    time moved later, or its key left); the next `takeDue` /
///    `takeWatermarkDue` scan makes it exact.
/// 4. With change tracking, `changedKeys` holds every key whose entry is
///    `changed` and every key discarded since the last `takeChanged`
///    (possibly repeated, never missing); without it, both stay empty.
/// 5. A key is marked changed before its logic is called (`open`), so a
///    snapshot taken after any call sees it.
///
/// ```swift
/// var table = StatefulKeyTable<RunningSum>(tracksChanges: true)
/// let (index, logic) = try table.open("a") { RunningSum(resume: $0) }
/// var emit = KeyedEmitter<Int>(key: "a")
/// table.settle(at: index, logic, try logic.onItem(1, emit: &emit))
/// print(table.takeChanged().map(\.key))   // ["a"]
/// ```
@usableFromInline
package struct StatefulKeyTable<Logic: StatefulLogic> {
    /// One key's logic and bookkeeping.
    @usableFromInline
    package struct Entry {
        @usableFromInline let logic: Logic
        /// Changed since the last snapshot (only with change tracking).
        @usableFromInline var changed: Bool
        /// When the key wants `onNotify` (system time).
        @usableFromInline var due: Date?
        /// The stream watermark at which the key wants `onWatermark`.
        @usableFromInline var watermarkDue: Date?

        @inlinable
        init(logic: Logic, changed: Bool) {
            self.logic = logic
            self.changed = changed
        }
    }

    /// A position in the table, valid until the table next changes shape
    /// (an insert or a removal).
    @usableFromInline package typealias Index = Dictionary<String, Entry>.Index

    @usableFromInline var entries: [String: Entry] = [:]
    /// Keys changed or discarded since the last `takeChanged` (invariant 4).
    @usableFromInline package private(set) var changedKeys: [String] = []
    /// No entry's `due` is earlier (invariant 3).
    @usableFromInline package private(set) var earliestDue: Date?
    /// No entry's `watermarkDue` is earlier (invariant 3).
    @usableFromInline package private(set) var earliestWatermarkDue: Date?
    /// Record changed keys per epoch (recovery needs it).
    @usableFromInline let tracksChanges: Bool

    /// An empty table.
    /// - Parameter tracksChanges: Record changed keys for snapshots.
    @inlinable
    package init(tracksChanges: Bool) { self.tracksChanges = tracksChanges }

    /// How many keys have state.
    package var count: Int { entries.count }

    /// The key's entry for a call into its logic: found, or made with a
    /// fresh logic (`build(nil)`); marked changed either way (invariant 5).
    /// - Returns: The entry's index, valid until `settle`, and its logic.
    @inlinable @inline(__always)
    package mutating func open(
        _ key: String, build: (Logic.State?) throws -> Logic
    ) throws -> (index: Index, logic: Logic) {
        if let index = entries.index(forKey: key) {
            // In place (the modify accessor), not a copy of the entry.
            let (logic, marked) = Self.mark(&entries.values[index], tracksChanges)
            if marked { changedKeys.append(key) }
            return (index, logic)
        }
        let logic = try build(nil)
        entries[key] = Entry(logic: logic, changed: tracksChanges)
        if tracksChanges { changedKeys.append(key) }
        return (entries.index(forKey: key)!, logic)
    }

    /// Marks an entry changed (with tracking); returns its logic and whether it was not marked yet.
    @inlinable @inline(__always)
    static func mark(_ entry: inout Entry, _ tracksChanges: Bool) -> (Logic, Bool) {
        guard tracksChanges, !entry.changed else { return (entry.logic, false) }
        entry.changed = true
        return (entry.logic, true)
    }

    /// The logic of the entry at `index`.
    @inlinable
    package func logic(at index: Index) -> Logic { entries.values[index].logic }

    /// Records the outcome of a call into `logic`, the logic at `index`
    /// (invariant 2): `.discard` removes the entry (it was marked changed
    /// when opened); otherwise its due times follow the logic's.
    @inlinable @inline(__always)
    package mutating func settle(at index: Index, _ logic: Logic, _ action: StateAction) {
        if action == .discard {
            entries.remove(at: index)
            return
        }
        let due = logic.notifyAt()
        let watermarkDue = logic.notifyAtWatermark()
        let (dueMoved, watermarkDueMoved) = Self.record(&entries.values[index], due, watermarkDue)
        if dueMoved, let due, earliestDue.map({ due < $0 }) ?? true { earliestDue = due }
        if watermarkDueMoved, let watermarkDue, earliestWatermarkDue.map({ watermarkDue < $0 }) ?? true {
            earliestWatermarkDue = watermarkDue
        }
    }

    /// Writes the due times into an entry in place; returns which ones moved.
    @inlinable @inline(__always)
    static func record(_ entry: inout Entry, _ due: Date?, _ watermarkDue: Date?) -> (Bool, Bool) {
        let dueMoved = due != entry.due
        if dueMoved { entry.due = due }
        let watermarkDueMoved = watermarkDue != entry.watermarkDue
        if watermarkDueMoved { entry.watermarkDue = watermarkDue }
        return (dueMoved, watermarkDueMoved)
    }

    /// Adds a key rebuilt from a resumed snapshot: not changed, with the due
    /// times its logic asks for.
    package mutating func insertRestored(_ key: String, _ logic: Logic) {
        entries[key] = Entry(logic: logic, changed: false)
        settle(at: entries.index(forKey: key)!, logic, .retain)
    }

    /// The keys whose `due` is at most `now`, in key order, with their `due`
    /// cleared (the caller calls and settles each); `earliestDue` becomes
    /// exact for the other keys.
    package mutating func takeDue(now: Date) -> [String] {
        var keys: [String] = []
        var earliest: Date?
        // A plain index walk: `entries.indices` would hold the storage and
        // make the first write below copy the whole table.
        var index = entries.startIndex
        while index != entries.endIndex {
            defer { entries.formIndex(after: &index) }
            guard let due = entries.values[index].due else { continue }
            if due <= now {
                keys.append(entries.keys[index])
                entries.values[index].due = nil
            } else if earliest.map({ due < $0 }) ?? true {
                earliest = due
            }
        }
        earliestDue = earliest
        keys.sort()
        return keys
    }

    /// The keys whose `watermarkDue` is at most `watermark`, in key order,
    /// with it cleared; `earliestWatermarkDue` becomes exact for the others.
    @inlinable
    package mutating func takeWatermarkDue(_ watermark: Date) -> [String] {
        var keys: [String] = []
        var earliest: Date?
        // A plain index walk: `entries.indices` would hold the storage and
        // make the first write below copy the whole table.
        var index = entries.startIndex
        while index != entries.endIndex {
            defer { entries.formIndex(after: &index) }
            guard let due = entries.values[index].watermarkDue else { continue }
            if due <= watermark {
                keys.append(entries.keys[index])
                entries.values[index].watermarkDue = nil
            } else if earliest.map({ due < $0 }) ?? true {
                earliest = due
            }
        }
        earliestWatermarkDue = earliest
        keys.sort()
        return keys
    }

    /// Every key, in key order (the end-of-input flush order). The keys are
    /// sorted as a concrete `[String]`, so the comparison is specialized.
    package func sortedKeys() -> [String] {
        var keys = Array(entries.keys)
        keys.sort()
        return keys
    }

    /// The keys changed or discarded since the last call, once each in the
    /// order they first changed, with their logic (nil for a discarded key);
    /// clears every `changed` flag.
    package mutating func takeChanged() -> [(key: String, logic: Logic?)] {
        defer { changedKeys.removeAll(keepingCapacity: true) }
        var seen = Set<String>(minimumCapacity: changedKeys.count)
        var changed: [(key: String, logic: Logic?)] = []
        changed.reserveCapacity(changedKeys.count)
        for key in changedKeys where seen.insert(key).inserted {
            guard let index = entries.index(forKey: key) else {
                changed.append((key, nil))
                continue
            }
            entries.values[index].changed = false
            changed.append((key, entries.values[index].logic))
        }
        return changed
    }

    /// The logic of `key`, if it has state.
    package func logic(of key: String) -> Logic? { entries[key]?.logic }

    /// The recorded due times of `key` (for tests).
    package func dueTimes(of key: String) -> (due: Date?, watermarkDue: Date?)? {
        entries[key].map { ($0.due, $0.watermarkDue) }
    }
}
