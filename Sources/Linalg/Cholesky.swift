import Foundation

/// The Cholesky factorisation A = L Lᵀ of a small symmetric positive-definite matrix, in Double,
/// with the solves and the log-determinant that a Gaussian likelihood needs.
public struct Cholesky {
    /// Matrix size n.
    public let size: Int
    /// The lower-triangular factor L, row-major n × n (upper part zero).
    public private(set) var lower: [Double]

    /// Factors the row-major n × n matrix `a`; nil if it is not (numerically) positive definite.
    public init?(_ a: [Double], size n: Int) {
        precondition(a.count == n * n, "Cholesky: \(a.count) entries for a \(n) × \(n) matrix")
        size = n
        lower = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= lower[i * n + k] * lower[j * n + k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    lower[i * n + i] = sum.squareRoot()
                } else {
                    lower[i * n + j] = sum / lower[j * n + j]
                }
            }
        }
    }

    /// log det A = 2 Σ log L_ii.
    public var logDeterminant: Double {
        (0..<size).reduce(0) { $0 + 2 * log(lower[$1 * size + $1]) }
    }

    /// x with A x = b, by forward substitution with L and back substitution with Lᵀ.
    public func solve(_ b: [Double]) -> [Double] {
        let n = size
        var y = b
        for i in 0..<n {
            for k in 0..<i { y[i] -= lower[i * n + k] * y[k] }
            y[i] /= lower[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n where k < n { y[i] -= lower[k * n + i] * y[k] }
            y[i] /= lower[i * n + i]
        }
        return y
    }

    /// A⁻¹, column by column from solves with the unit vectors (row-major; symmetric).
    public var inverse: [Double] {
        let n = size
        var result = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var unit = [Double](repeating: 0, count: n)
            unit[j] = 1
            let column = solve(unit)
            for i in 0..<n { result[i * n + j] = column[i] }
        }
        return result
    }
}
