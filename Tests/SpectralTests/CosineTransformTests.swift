import Foundation
import Spectral
import XCTest

final class CosineTransformTests: XCTestCase {
    /// DCT-II by its defining sum.
    func directDCT2(_ x: [Double]) -> [Double] {
        let n = x.count
        return (0..<n).map { k in
            2 * (0..<n).reduce(0.0) { $0 + x[$1] * cos(Double.pi * Double(k) * Double(2 * $1 + 1) / Double(2 * n)) }
        }
    }

    func testForwardMatchesDefinitionAndInverseUndoesIt() {
        let n = 12, batch = 3
        let signals = (0..<(n * batch)).map { sin(Double($0) * 0.7) + 0.1 * Double($0 % 5) }
        let transform = CosineTransform<Double>(length: n, batch: batch)
        let spectrum = transform.forward(signals)
        for b in 0..<batch {
            let expected = directDCT2(Array(signals[(b * n)..<((b + 1) * n)]))
            for k in 0..<n { XCTAssertEqual(spectrum[b * n + k], expected[k], accuracy: 1e-12) }
        }
        let back = transform.inverse(spectrum).map { $0 * transform.normalization }
        for i in signals.indices { XCTAssertEqual(back[i], signals[i], accuracy: 1e-13) }
    }

    func testSinglePrecisionAgreesWithDouble() {
        let n = 100
        let signal: [Double] = (0..<n).map { i in
            let x = (Double(i) + 0.5) / Double(n)
            return 0.5 + 0.1 * cos(10 * Double.pi * x)
        }
        let double = CosineTransform<Double>(length: n).forward(signal)
        let single = CosineTransform<Float>(length: n).forward(signal.map(Float.init))
        for k in 0..<n { XCTAssertEqual(Double(single[k]), double[k], accuracy: 1e-4) }
    }

    /// The cosine modes diagonalise the reflecting-boundary lattice Laplacian [1, −2, 1]:
    /// mode k has eigenvalue −4 sin²(πk / 2N). This is what the SPDE solvers rely on.
    func testCosineModesAreEigenvectorsOfTheNeumannLaplacian() {
        let n = 16
        let transform = CosineTransform<Double>(length: n)
        for k in [0, 1, 5, 15] {
            var spectrum = [Double](repeating: 0, count: n)
            spectrum[k] = 1
            let mode = transform.inverse(spectrum)
            let laplacian: [Double] = (0..<n).map { i in
                let left = mode[max(i - 1, 0)], right = mode[min(i + 1, n - 1)]
                return left + right - 2 * mode[i]
            }
            let eigenvalue = -4 * pow(sin(Double.pi * Double(k) / Double(2 * n)), 2)
            for i in 0..<n { XCTAssertEqual(laplacian[i], eigenvalue * mode[i], accuracy: 1e-12) }
        }
    }

    func testFFTWVersionIsReported() {
        XCTAssertTrue(fftwVersion.hasPrefix("fftw-3"), fftwVersion)
    }
}
