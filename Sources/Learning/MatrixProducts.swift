import Dispatch
import Linalg
import Synchronization

/// The matrix products layers use: OpenBLAS `sgemm`, counting floating-point operations and the
/// time spent in them so that benchmarks can report achieved GFLOP/s.
public enum MatrixProducts {
    private static let flopCounter = Atomic<Int>(0)
    private static let nanosecondCounter = Atomic<Int>(0)

    /// Floating-point operations (2·m·n·k per product) since the last `resetCounters()`.
    public static var flops: Int { flopCounter.load(ordering: .relaxed) }

    /// Seconds spent inside the products since the last `resetCounters()`.
    public static var seconds: Double { Double(nanosecondCounter.load(ordering: .relaxed)) / 1e9 }

    public static func resetCounters() {
        flopCounter.store(0, ordering: .relaxed)
        nanosecondCounter.store(0, ordering: .relaxed)
    }

    /// Row-major `C ← α·op(A)·op(B) + β·C` with op(A) m × k and op(B) k × n.
    static func gemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, transposeA: Bool = false, transposeB: Bool = false,
                     into c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                     alpha: Float = 1, beta: Float = 0) {
        guard m > 0, n > 0 else { return }
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            flopCounter.add(2 * m * n * k, ordering: .relaxed)
            nanosecondCounter.add(Int(DispatchTime.now().uptimeNanoseconds - start), ordering: .relaxed)
        }
        matrixMultiply(UnsafeBufferPointer(start: a, count: m * k), transposed: transposeA,
                       UnsafeBufferPointer(start: b, count: k * n), transposed: transposeB,
                       into: UnsafeMutableBufferPointer(start: c, count: m * n), m: m, n: n, k: k, alpha: alpha, beta: beta)
    }
}
