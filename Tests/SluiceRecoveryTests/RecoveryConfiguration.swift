import Sluice
import SluiceRecovery

/// A run configuration with `workers` workers, 1 ms epochs (so a short run
/// spans many) and `store` as its recovery store.
func recoveryConfiguration(workers: Int, store: SQLiteRecoveryStore) -> RunConfiguration {
    var configuration = RunConfiguration(workers: workers)
    configuration.epochInterval = .milliseconds(1)
    configuration.recoveryStore = store
    return configuration
}
