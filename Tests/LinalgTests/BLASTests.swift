import Foundation
import Linalg
import Random
import XCTest

final class BLASTests: XCTestCase {
    /// GSL's libgsl pulls in its slow reference CBLAS (libgslcblas); OpenBLAS must still win.
    func testSgemmResolvesToOpenBLASEvenWithGSLLoaded() throws {
        _ = RandomStream(seed: 1, stage: "load-gsl").uniform()
        let maps = String(decoding: try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/maps")).readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(maps.contains("libgsl.so"), "GSL should be loaded in this test binary")
        let provider = try XCTUnwrap(BLASLibrary.sgemmProvider)
        XCTAssertTrue(provider.contains("openblas"), "cblas_sgemm comes from \(provider)")
        XCTAssertFalse(provider.contains("gslcblas"))
        XCTAssertTrue(BLASLibrary.configuration.hasPrefix("OpenBLAS"), BLASLibrary.configuration)
    }

    func naiveProduct(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                for p in 0..<k {
                    let aip = transposeA ? a[p * m + i] : a[i * k + p]
                    let bpj = transposeB ? b[j * k + p] : b[p * n + j]
                    c[i * n + j] += aip * bpj
                }
            }
        }
        return c
    }

    func testMatrixMultiplyMatchesNaiveProductForAllTranspositions() {
        let (m, n, k) = (5, 7, 3)
        let stream = RandomStream(seed: 5, stage: "gemm")
        let a = (0..<(m * k)).map { _ in stream.gaussian() }
        let b = (0..<(k * n)).map { _ in stream.gaussian() }
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let expected = naiveProduct(a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
                var double = [Double](repeating: 1, count: m * n)
                a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in double.withUnsafeMutableBufferPointer { pc in
                    matrixMultiply(pa, transposed: transposeA, pb, transposed: transposeB, into: pc, m: m, n: n, k: k, alpha: 2, beta: 0.5)
                } } }
                var single = [Float](repeating: 0, count: m * n)
                let af = a.map(Float.init), bf = b.map(Float.init)
                af.withUnsafeBufferPointer { pa in bf.withUnsafeBufferPointer { pb in single.withUnsafeMutableBufferPointer { pc in
                    matrixMultiply(pa, transposed: transposeA, pb, transposed: transposeB, into: pc, m: m, n: n, k: k)
                } } }
                for i in 0..<(m * n) {
                    XCTAssertEqual(double[i], 2 * expected[i] + 0.5, accuracy: 1e-12)
                    XCTAssertEqual(Double(single[i]), expected[i], accuracy: 1e-5)
                }
            }
        }
    }
}
