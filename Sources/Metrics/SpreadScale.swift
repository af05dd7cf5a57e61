import Foundation

/// The per-component centre and scale two ensembles are standardised by before the MMD: the
/// truth's pooled mean, and its typical within-ensemble spread.
///
/// The spread of component k is the root mean square over time of the truth's standard deviation
/// across trajectories at each time (times where it is 0 left out; 1 where it is 0 at every time).
/// Not the pooled standard deviation over all times and trajectories: where the ensemble mean
/// moves far compared with the ensemble's width (Curie–Weiss: m from −0.5 to 0.35, width ~0.03),
/// the pooled value measures the transient, every kernel bandwidth would be wider than the
/// ensemble, and the MMD would not see a difference of several widths.
public struct SpreadScale: Codable, Equatable, Sendable {
    /// The truth's mean over all times and trajectories, per component.
    public var centre: [Double]
    /// The typical within-ensemble standard deviation, per component.
    public var spread: [Double]

    /// The scale of `truth` [trajectories, times, d] (a single time: [samples, d]).
    public init(of truth: [Double], times: Int, dimension d: Int) {
        let moments = ensembleMoments(truth, times: times, dimension: d)
        centre = (0..<d).map { k in Swift.stride(from: k, to: moments.mean.count, by: d).reduce(0.0) { $0 + moments.mean[$1] } / Double(times) }
        spread = (0..<d).map { k in
            let variances = Swift.stride(from: k, to: moments.std.count, by: d).map { moments.std[$0] * moments.std[$0] }.filter { $0 > 0 }
            return variances.isEmpty ? 1 : (variances.reduce(0, +) / Double(variances.count)).squareRoot()
        }
    }

    /// [samples…, d] values with the centre subtracted and divided by the spread, per component.
    public func standardised(_ values: [Double]) -> [Double] {
        let d = centre.count
        return values.enumerated().map { ($0.element - centre[$0.offset % d]) / spread[$0.offset % d] }
    }
}
