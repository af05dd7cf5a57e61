import Foundation

/// How far a predicted ensemble is from the true one: MMD² per time (V and U, both ensembles
/// standardised by one `SpreadScale`), the relative error of ensemble means over the whole
/// horizon, and the transient error over the relaxation window.
public struct EnsembleDiscrepancy: Sendable {
    public var mmdV: [Double]
    public var mmdU: [Double]
    public var relativeError: Double
    public var transientError: Double?

    /// The discrepancy of `predicted` from `truth`, both [trajectories, times, d]; the window ends at time index `r`.
    public init(predicted: [Double], true truth: [Double], times: Int, dimension d: Int, mmd: MMD, scale: SpreadScale, relaxationIndex r: Int) {
        (mmdV, mmdU) = mmd.overTime(scale.standardised(predicted), scale.standardised(truth), times: times, dimension: d)
        relativeError = relativeErrorOfMeans(predicted: predicted, true: truth, times: times, dimension: d)
        transientError = Metrics.transientError(predicted: predicted, true: truth, times: times, dimension: d, through: r)
    }

    /// The noise floor: the same discrepancy between two halves of the truth, the even-indexed
    /// trajectories as "predicted" and the odd-indexed as "true" — what sampling alone gives.
    /// Nil for fewer than 4 trajectories (the MMD needs 2 on each side).
    public static func noiseFloor(of truth: [Double], times: Int, dimension d: Int, mmd: MMD, scale: SpreadScale,
                                  relaxationIndex r: Int) -> EnsembleDiscrepancy? {
        let size = times * d, count = truth.count / size
        guard count >= 4 else { return nil }
        func half(_ first: Int) -> [Double] { Swift.stride(from: first, to: count, by: 2).flatMap { truth[($0 * size)..<(($0 + 1) * size)] } }
        return EnsembleDiscrepancy(predicted: half(0), true: half(1), times: times, dimension: d, mmd: mmd, scale: scale, relaxationIndex: r)
    }

    /// MMD² V averaged over time.
    public var temporalMMDV: Double { mmdV.reduce(0, +) / Double(mmdV.count) }
    /// MMD² U averaged over time.
    public var temporalMMDU: Double { mmdU.reduce(0, +) / Double(mmdU.count) }
}
