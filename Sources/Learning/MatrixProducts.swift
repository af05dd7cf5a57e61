import Linalg
import Synchronization

/// The matrix products layers use: OpenBLAS `sgemm`, counting floating-point operations so that
/// benchmarks can report achieved GFLOP/s.
public enum MatrixProducts {
    private static let flopCounter = Atomic<Int>(0)

    /// Floating-point operations (2·m·n·k per product) since the last `resetFlops()`.
    public static var flops: Int { flopCounter.load(ordering: .relaxed) }

    public static func resetFlops() { flopCounter.store(0, ordering: .relaxed) }

    /// Row-major `C ← α·op(A)·op(B) + β·C` with op(A) m × k and op(B) k × n.
    static func gemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, transposeA: Bool = false, transposeB: Bool = false,
                     into c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                     alpha: Float = 1, beta: Float = 0) {
        guard m > 0, n > 0 else { return }
        flopCounter.add(2 * m * n * k, ordering: .relaxed)
        matrixMultiply(UnsafeBufferPointer(start: a, count: m * k), transposed: transposeA,
                       UnsafeBufferPointer(start: b, count: k * n), transposed: transposeB,
                       into: UnsafeMutableBufferPointer(start: c, count: m * n), m: m, n: n, k: k, alpha: alpha, beta: beta)
    }
}
