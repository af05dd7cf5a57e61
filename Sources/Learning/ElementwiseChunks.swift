import Execution

/// Elements per chunk of parallel element-wise work: large enough that handing out a chunk costs
/// nothing next to the work, small enough to balance two to a few dozen threads.
@usableFromInline let elementwiseChunk = 1 << 15

/// Runs `body` on consecutive ranges that together cover `0..<count` exactly once: the whole range
/// on one thread when the work is small, chunks spread over the worker threads when it is large.
/// `cost` is the number of elements one index stands for (an image plane, say).
///
/// Element-wise loops give the same result either way, since every element is computed from its
/// own inputs by the same code; reductions must combine per-index results in index order.
@inlinable
func forEachChunk(_ count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
    guard count * cost >= 4 * elementwiseChunk, count > 1, ThreadCount.current > 1 else { return body(0..<count) }
    let length = max(1, elementwiseChunk / max(cost, 1))
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        parallelFor((count + length - 1) / length) { chunk in
            body((chunk * length)..<min(count, (chunk + 1) * length))
        }
    }
}
