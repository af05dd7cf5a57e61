import Foundation

/// The index r of the relaxation time t_r of an ensemble mean z̄ [times, d]: the first time after
/// which z̄ stays within 10 % of its largest excursion from its final value,
/// ‖z̄(t) − z̄(T)‖ ≤ 0.1 · max_s ‖z̄(s) − z̄(T)‖ for every t ≥ t_r. 0 for a mean that never moves.
public func relaxationIndex(ofMean mean: [Double], times: Int, dimension d: Int) -> Int {
    let final = Array(mean[((times - 1) * d)..<(times * d)])
    let excursion = (0..<times).map { t in (0..<d).reduce(0.0) { $0 + pow(mean[t * d + $1] - final[$1], 2) }.squareRoot() }
    let tolerance = 0.1 * (excursion.max() ?? 0)
    return excursion.lastIndex { $0 > tolerance }.map { $0 + 1 } ?? 0
}

/// The transient error for one test condition, over the relaxation window t_0 … t_r:
/// Σ_{t≤t_r, d} (z̄_pred − z̄_true)² / Σ_{t≤t_r, d} (z̄_true(t) − z̄_true(T))², z̄ the means over
/// trajectories of [trajectories, times, d] values. Measured against the transient's own size, so
/// that a model resting at the final value scores 1 whatever the absolute level of the latents;
/// nil when the true mean does not move in the window.
public func transientError(predicted: [Double], true truth: [Double], times: Int, dimension d: Int, through r: Int) -> Double? {
    let predictedMean = ensembleMean(predicted, times: times, dimension: d), trueMean = ensembleMean(truth, times: times, dimension: d)
    var error = 0.0, excursion = 0.0
    for t in 0...r {
        for k in 0..<d {
            error += pow(predictedMean[t * d + k] - trueMean[t * d + k], 2)
            excursion += pow(trueMean[t * d + k] - trueMean[(times - 1) * d + k], 2)
        }
    }
    return excursion > 0 ? error / excursion : nil
}
