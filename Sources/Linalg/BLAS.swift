import COpenBLAS
import Foundation

/// A real scalar type with OpenBLAS matrix products: `Float` (sgemm) or `Double` (dgemm).
public protocol BLASScalar: BinaryFloatingPoint, Sendable {
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

private func transposeFlag(_ transpose: Bool) -> CBLAS_TRANSPOSE { transpose ? CblasTrans : CblasNoTrans }

extension Float: BLASScalar {
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeFlag(transposeA), transposeFlag(transposeB), blasint(m), blasint(n), blasint(k),
                    alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}

extension Double: BLASScalar {
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transposeFlag(transposeA), transposeFlag(transposeB), blasint(m), blasint(n), blasint(k),
                    alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}

/// Row-major matrix product `C ← α·op(A)·op(B) + β·C`, with `op(A)` of shape m × k and `op(B)` k × n.
///
/// Buffers are row-major with leading dimensions equal to their row lengths (before transposition).
public func matrixMultiply<Scalar: BLASScalar>(
    _ a: UnsafeBufferPointer<Scalar>, transposed transposeA: Bool = false,
    _ b: UnsafeBufferPointer<Scalar>, transposed transposeB: Bool = false,
    into c: UnsafeMutableBufferPointer<Scalar>, m: Int, n: Int, k: Int,
    alpha: Scalar = 1, beta: Scalar = 0
) {
    precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n,
                 "matrixMultiply: buffers of \(a.count), \(b.count), \(c.count) values are too small for \(m)×\(k) · \(k)×\(n)")
    guard m > 0, n > 0 else { return }
    Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a.baseAddress!, lda: transposeA ? m : k, b: b.baseAddress!, ldb: transposeB ? k : n,
                beta: beta, c: c.baseAddress!, ldc: n)
}

/// The BLAS library this process runs on, and its thread pool.
public enum BLASLibrary {
    /// OpenBLAS's build description (version, target core, threading model).
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// Threads OpenBLAS may use inside one call.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// `body`'s result, `body` run with OpenBLAS held to one thread (the setting restored after):
    /// for work that calls BLAS inside `parallelFor`, whose workers are the threads.
    public static func withSingleThread<Result>(_ body: () throws -> Result) rethrows -> Result {
        try withThreads(1, body)
    }

    /// `body`'s result, `body` run with OpenBLAS held to `count` threads (the setting restored after).
    public static func withThreads<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
        let saved = threads
        threads = count
        defer { threads = saved }
        return try body()
    }

    /// The shared library that the dynamic linker bound `cblas_sgemm` to, or nil if none is loaded.
    ///
    /// Used to prove that GSL's reference CBLAS (`libgslcblas`), which `libgsl` drags in, does not
    /// shadow OpenBLAS.
    public static var sgemmProvider: String? {
        guard let symbol = dlsym(nil, "cblas_sgemm") else { return nil }
        return mappedFile(containing: UInt(bitPattern: symbol))
    }

    /// The file mapped at `address` in this process, from `/proc/self/maps` (Linux).
    private static func mappedFile(containing address: UInt) -> String? {
        // /proc files report size 0, so read to the end rather than by the reported size.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps") else { return nil }
        let maps = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        for line in maps.split(separator: "\n") {
            // start-end perms offset dev inode path
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6 else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16) else { continue }
            if start <= address && address < end { return String(fields[5]).trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }
}
