import Artifacts
import Foundation
import Linalg

/// A weighted least-squares polynomial y ≈ Σ_k c_k (x − x₀)^k, each point weighted by 1/σ², with
/// the coefficients' covariance (XᵀWX)⁻¹, χ², and the weighted R².
public struct PolynomialFit: Sendable {
    /// The point x₀ the powers are taken about.
    public let center: Double
    /// c_0 … c_degree.
    public let coefficients: [Double]
    /// Covariance of the coefficients from the points' errors.
    public let covariance: [[Double]]
    /// Σ ((y − fit) / σ)².
    public let chiSquared: Double
    /// Points minus coefficients.
    public let degreesOfFreedom: Int
    /// 1 − Σ w (y − fit)² / Σ w (y − ȳ_w)², w = 1/σ² (1 when the points do not vary).
    public let rSquared: Double

    /// Fits a polynomial of `degree` to the points (x, y ± error); `source` names the data in errors.
    public init(x: [Double], y: [Double], errors: [Double], degree: Int, center: Double = 0, source: String) throws {
        precondition(x.count == y.count && y.count == errors.count && degree >= 0, "PolynomialFit: mismatched points")
        guard x.count > degree else {
            throw ArtifactError(source, "a polynomial of degree \(degree) needs at least \(degree + 1) points; got \(x.count)")
        }
        guard zip(y, errors).allSatisfy({ $0.isFinite && $1.isFinite && $1 > 0 }), x.allSatisfy(\.isFinite) else {
            throw ArtifactError(source, "a weighted fit needs finite values with positive finite errors; got y = \(y), errors = \(errors)")
        }
        let terms = degree + 1
        let weights = errors.map { 1 / ($0 * $0) }
        // Powers of u = (x − x₀)/h, |u| ≤ 1, keep the normal equations well scaled.
        let h = x.map { abs($0 - center) }.max().flatMap { $0 > 0 ? $0 : nil } ?? 1
        let rows = x.map { value in (0..<terms).map { pow((value - center) / h, Double($0)) } }
        var normal = [[Double]](repeating: [Double](repeating: 0, count: terms), count: terms)
        var projected = [Double](repeating: 0, count: terms)
        for (index, row) in rows.enumerated() {
            for a in 0..<terms {
                projected[a] += weights[index] * row[a] * y[index]
                for b in 0..<terms { normal[a][b] += weights[index] * row[a] * row[b] }
            }
        }
        // XᵀWX is symmetric positive definite for distinct points; a vanishing pivot of its Cholesky
        // factor (relative to the largest entry) means the points do not determine the polynomial.
        let largest = normal.flatMap { $0 }.map(abs).max() ?? 0
        guard let factor = Cholesky(normal.flatMap { $0 }, size: terms),
              (0..<terms).allSatisfy({ pow(factor.lower[$0 * terms + $0], 2) > 1e-13 * largest }) else {
            throw ArtifactError(source, "the points do not determine a polynomial of degree \(degree) (repeated x values?): x = \(x)")
        }
        let flatInverse = factor.inverse
        let inverse = (0..<terms).map { a in Array(flatInverse[(a * terms)..<((a + 1) * terms)]) }
        let scaled = (0..<terms).map { a in (0..<terms).reduce(0) { $0 + inverse[a][$1] * projected[$1] } }
        let fitted = rows.map { row in zip(row, scaled).reduce(0) { $0 + $1.0 * $1.1 } }
        let weightSum = weights.reduce(0, +)
        let weightedMean = zip(weights, y).reduce(0) { $0 + $1.0 * $1.1 } / weightSum
        func weightedSquares(_ reference: (Int) -> Double) -> Double {
            y.indices.reduce(0.0) { sum, i in
                let difference = y[i] - reference(i)
                return sum + weights[i] * difference * difference
            }
        }
        let residual = weightedSquares { fitted[$0] }
        let spread = weightedSquares { _ in weightedMean }
        self.center = center
        coefficients = scaled.indices.map { scaled[$0] / pow(h, Double($0)) }
        covariance = (0..<terms).map { a in (0..<terms).map { inverse[a][$0] / pow(h, Double(a + $0)) } }
        chiSquared = residual
        degreesOfFreedom = x.count - terms
        rSquared = spread > 0 ? 1 - residual / spread : 1
    }

    /// The fitted polynomial at `x`.
    public func value(at x: Double) -> Double {
        powers(at: x).enumerated().reduce(0) { $0 + coefficients[$1.offset] * $1.element }
    }

    /// The variance of `value(at:)` from the coefficients' covariance.
    public func variance(at x: Double) -> Double {
        quadraticForm(powers(at: x))
    }

    /// The fitted polynomial's derivative at `x`.
    public func slope(at x: Double) -> Double {
        derivativePowers(at: x).enumerated().reduce(0) { $0 + coefficients[$1.offset] * $1.element }
    }

    /// The variance of `slope(at:)` from the coefficients' covariance.
    public func slopeVariance(at x: Double) -> Double {
        quadraticForm(derivativePowers(at: x))
    }

    /// χ² per degree of freedom (nil without degrees of freedom).
    public var chiSquaredPerDegreeOfFreedom: Double? {
        degreesOfFreedom > 0 ? chiSquared / Double(degreesOfFreedom) : nil
    }

    private func powers(at x: Double) -> [Double] {
        coefficients.indices.map { pow(x - center, Double($0)) }
    }

    private func derivativePowers(at x: Double) -> [Double] {
        coefficients.indices.map { $0 == 0 ? 0 : Double($0) * pow(x - center, Double($0 - 1)) }
    }

    private func quadraticForm(_ v: [Double]) -> Double {
        v.indices.reduce(0) { sum, a in sum + v.indices.reduce(0) { $0 + v[a] * covariance[a][$1] * v[$1] } }
    }
}
