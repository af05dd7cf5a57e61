import Dispatch
import Foundation
import Synchronization

/// How many worker threads Macroscale uses: `--threads`, else `MACROSCALE_THREADS`, else every core.
public enum ThreadCount {
    private static let configured = Atomic<Int>(0)

    /// The number of worker threads for parallel loops (at least 1).
    public static var current: Int {
        let chosen = configured.load(ordering: .relaxed)
        if chosen > 0 { return chosen }
        if let text = ProcessInfo.processInfo.environment["MACROSCALE_THREADS"], let value = Int(text), value > 0 {
            return value
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Fixes the thread count for the rest of the process (0 returns to the default).
    public static func set(_ threads: Int) {
        configured.store(max(0, threads), ordering: .relaxed)
    }
}

/// Runs `body(index)` for every index in `0..<count` on up to `threads` threads.
///
/// Indices are handed out dynamically, so the order of execution varies between runs; results are
/// reproducible whenever `body` writes only to its own index's slot and draws randomness from a
/// stream derived from that index (see `RandomStream(seed:stage:index:)`), never from shared state.
/// `body` must not itself call `parallelFor`.
public func parallelFor(_ count: Int, threads: Int = ThreadCount.current, _ body: @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    let workers = max(1, min(threads, count))
    if workers == 1 {
        for index in 0..<count { body(index) }
        return
    }
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
            let index = next.add(1, ordering: .relaxed).oldValue
            guard index < count else { return }
            body(index)
        }
    }
}

/// Like `parallelFor`, but stops handing out indices after the first error and rethrows it.
/// Which error is rethrown when several indices fail is the one with the smallest index seen.
public func parallelForThrowing(_ count: Int, threads: Int = ThreadCount.current, _ body: @Sendable (Int) throws -> Void) throws {
    let failure = Mutex<(index: Int, error: Error)?>(nil)
    let stop = Atomic<Bool>(false)
    parallelFor(count, threads: threads) { index in
        guard !stop.load(ordering: .relaxed) else { return }
        do {
            try body(index)
        } catch {
            stop.store(true, ordering: .relaxed)
            failure.withLock { current in
                if current == nil || index < current!.index { current = (index, error) }
            }
        }
    }
    if let (_, error) = failure.withLock({ $0 }) { throw error }
}

/// `(0..<count).map(body)`, computed by `parallelFor`: element `i` is `body(i)` whatever the
/// thread count or scheduling.
public func parallelMap<T>(_ count: Int, threads: Int = ThreadCount.current, _ body: @Sendable (Int) -> T) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        // Each index initialises only its own element.
        nonisolated(unsafe) let elements = buffer
        parallelFor(count, threads: threads) { index in
            (elements.baseAddress! + index).initialize(to: body(index))
        }
        initialized = count
    }
}
