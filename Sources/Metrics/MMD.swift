import Foundation
import Linalg

/// Maximum mean discrepancy between two samples with a sum of Gaussian kernels (Docs/METHOD.md §5).
///
///     MMD² = (1/|S|) Σ_{σ∈S} [ mean k_σ(X, X) + mean k_σ(Y, Y) − 2 mean k_σ(X, Y) ],  k_σ(a, b) = exp(−‖a − b‖² / 2σ²)
///
/// The V-statistic (the reference's number) keeps the diagonal terms k(x_i, x_i) = 1 in the
/// within-sample means; it is biased (positive even for equal distributions, and exactly 0 for a
/// sample against itself). The U-statistic leaves them out, averaging over i ≠ j; it is unbiased
/// (its expectation is 0 for equal distributions) and can be negative.
public struct MMD: Sendable {
    /// The kernel bandwidths σ.
    public var bandwidths: [Double]

    /// The reference bandwidths {0.25, 0.5, 1, 2, 4, 8}.
    public static let referenceBandwidths = [0.25, 0.5, 1, 2, 4, 8]

    public init(bandwidths: [Double] = MMD.referenceBandwidths) {
        precondition(!bandwidths.isEmpty && bandwidths.allSatisfy { $0 > 0 }, "MMD bandwidths must be positive")
        self.bandwidths = bandwidths
    }

    /// Throws `MMDError` unless both samples hold at least two points (the U-statistic averages
    /// over pairs within each) of at least one component; callers check before `statistics`.
    public static func checkSamples(_ m: Int, _ n: Int, dimension d: Int) throws {
        guard d >= 1 else { throw MMDError("MMD needs points with at least one component, got \(d)") }
        guard m >= 2 && n >= 2 else { throw MMDError("MMD needs at least two samples on each side, got \(m) and \(n)") }
    }

    /// Both statistics for samples X [m, d] and Y [n, d] (row-major, Double); both must pass `checkSamples`.
    public func statistics(_ x: [Double], _ y: [Double], dimension d: Int) -> (v: Double, u: Double) {
        let m = x.count / d, n = y.count / d
        precondition(m >= 2 && n >= 2, "MMD needs at least two samples on each side (MMD.checkSamples)")
        let xx = kernelSums(x, x, rows: m, columns: m, dimension: d)
        let yy = kernelSums(y, y, rows: n, columns: n, dimension: d)
        let xy = kernelSums(x, y, rows: m, columns: n, dimension: d)
        let count = Double(bandwidths.count)
        // The diagonals contribute exactly 1 per bandwidth and sample.
        let v = (xx / Double(m * m) + yy / Double(n * n) - 2 * xy / Double(m * n)) / count
        let u = ((xx - Double(m) * count) / Double(m * (m - 1)) + (yy - Double(n) * count) / Double(n * (n - 1))
                 - 2 * xy / Double(m * n)) / count
        return (v, u)
    }

    /// Σ_σ Σ_ij k_σ(a_i, b_j), with the squared distances from one matrix product: ‖a‖² + ‖b‖² − 2 a·b.
    func kernelSums(_ a: [Double], _ b: [Double], rows: Int, columns: Int, dimension d: Int) -> Double {
        var products = [Double](repeating: 0, count: rows * columns)
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in products.withUnsafeMutableBufferPointer { pc in
            matrixMultiply(pa, transposed: false, pb, transposed: true, into: pc, m: rows, n: columns, k: d)
        } } }
        let normsA = (0..<rows).map { i in (0..<d).reduce(0.0) { $0 + a[i * d + $1] * a[i * d + $1] } }
        let normsB = (0..<columns).map { j in (0..<d).reduce(0.0) { $0 + b[j * d + $1] * b[j * d + $1] } }
        let scales = bandwidths.map { -1 / (2 * $0 * $0) }
        var total = 0.0
        for i in 0..<rows {
            for j in 0..<columns {
                let distance = max(normsA[i] + normsB[j] - 2 * products[i * columns + j], 0)
                for scale in scales { total += exp(scale * distance) }
            }
        }
        return total
    }

    /// Per-time statistics of two ensembles [trajectories, times, d] on the same time grid.
    public func overTime(_ x: [Double], _ y: [Double], times: Int, dimension d: Int) -> (v: [Double], u: [Double]) {
        let m = x.count / (times * d), n = y.count / (times * d)
        var v: [Double] = [], u: [Double] = []
        func slice(_ values: [Double], _ count: Int, _ t: Int) -> [Double] {
            var out: [Double] = []
            out.reserveCapacity(count * d)
            for i in 0..<count {
                let start = (i * times + t) * d
                out.append(contentsOf: values[start..<(start + d)])
            }
            return out
        }
        for t in 0..<times {
            let (vt, ut) = statistics(slice(x, m, t), slice(y, n, t), dimension: d)
            v.append(vt)
            u.append(ut)
        }
        return (v, u)
    }
}

/// The relative error of ensemble means (Docs/METHOD.md §5) for one test condition:
/// Σ_{t,d} (z̄_pred − z̄_true)² / Σ_{t,d} z̄_true², z̄ the mean over trajectories, both [trajectories, times, d].
public func relativeErrorOfMeans(predicted: [Double], true truth: [Double], times: Int, dimension d: Int) -> Double {
    let predictedMean = ensembleMean(predicted, times: times, dimension: d)
    let trueMean = ensembleMean(truth, times: times, dimension: d)
    let numerator = zip(predictedMean, trueMean).reduce(0.0) { $0 + pow($1.0 - $1.1, 2) }
    let denominator = trueMean.reduce(0.0) { $0 + $1 * $1 }
    return numerator / denominator
}

/// The mean over trajectories of [trajectories, times, d] values: [times, d], skipping non-finite trajectories.
public func ensembleMean(_ values: [Double], times: Int, dimension d: Int) -> [Double] {
    ensembleMoments(values, times: times, dimension: d).mean
}

/// Mean and standard deviation over trajectories, [times, d] each, skipping trajectories with any non-finite value.
public func ensembleMoments(_ values: [Double], times: Int, dimension d: Int) -> (mean: [Double], std: [Double]) {
    let size = times * d, count = values.count / size
    let finite = (0..<count).filter { j in values[(j * size)..<((j + 1) * size)].allSatisfy(\.isFinite) }
    var mean = [Double](repeating: 0, count: size), square = [Double](repeating: 0, count: size)
    for j in finite {
        for k in 0..<size {
            mean[k] += values[j * size + k]
            square[k] += values[j * size + k] * values[j * size + k]
        }
    }
    let n = Double(max(finite.count, 1))
    let std = (0..<size).map { max(square[$0] / n - pow(mean[$0] / n, 2), 0).squareRoot() }
    return (mean.map { $0 / n }, std)
}
