#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Tunes glibc's allocator for a dataflow's allocation pattern (batches of
/// arrays freed soon after, on worker threads): without it each worker's heap
/// shrinks and grows again around every batch (`mprotect` calls and page
/// faults), which cost about 20% of Kafka throughput in our measurements.
/// It keeps up to 64 MiB of slack per heap instead. Process-wide, done once,
/// and only on glibc; `RunConfiguration.tunesAllocator = false` skips it.
package enum AllocatorTuning {
    private static let applied = Atomic<Bool>(false)

    package static func applyOnce() {
        guard !applied.exchange(true, ordering: .acquiringAndReleasing) else { return }
        #if canImport(Glibc)
        // `malloc.h` is not in Swift's Glibc module: find `mallopt` at run time
        // (absent on other C libraries, where nothing happens).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD in glibc's malloc.h
        let topPad: Int32 = -2  // M_TOP_PAD
        _ = mallopt(topPad, 64 << 20)
        _ = mallopt(trimThreshold, 128 << 20)
        #endif
    }
}
