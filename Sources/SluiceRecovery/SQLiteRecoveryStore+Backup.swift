import SluiceEngine

/// What a backup of the store (SluiceBackup) needs from the open store: the
/// committed epoch the store has seen its writers reach, and a cap on
/// garbage collection so every version newer than the last uploaded epoch
/// stays in the files until the next upload has read it.
///
/// ```swift
/// store.holdCollection(through: -1)        // keep everything until the first upload
/// // … upload through epoch 12 …
/// store.holdCollection(through: 12)
/// ```
extension SQLiteRecoveryStore {
    /// Caps the collection threshold at `epoch`: no version is deleted
    /// unless a newer version of its key at or before `epoch` exists (and no
    /// discarded-key marker after `epoch` is dropped). `nil` lifts the cap.
    /// - Parameter epoch: The highest epoch a backup has uploaded (−1: none yet).
    package func holdCollection(through epoch: Int64?) {
        state.withLock { $0.tracker.collectionCap = epoch }
    }

    /// The committed epoch as this store instance followed it from its own
    /// writes (cheap: no file is read); nil before the first commit of a run
    /// on a store that had none.
    package var trackedCommittedEpoch: Int64? {
        state.withLock { $0.tracker.committed }
    }
}
