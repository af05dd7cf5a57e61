/// Interpolation of a field on a cell-centred grid of n points over [0, 1] onto the finer
/// cell-centred grid of factor · n points.
public enum CellCentredInterpolation: String, Sendable, CaseIterable {
    /// Piecewise linear, extended linearly beyond the outermost coarse points (so linear fields are
    /// reproduced exactly, ends included).
    case linear
    /// Natural cubic spline (zero second derivative at the outermost points), extended by its end
    /// pieces; reproduces linear fields exactly.
    case cubicSpline = "cubic-spline"

    /// The field at the fine cell centres x = (j + ½)/(factor · n).
    public func refine(_ values: [Double], factor: Int) -> [Double] {
        let n = values.count
        precondition(n >= 2 && factor >= 1, "interpolation needs at least 2 points and a factor ≥ 1")
        let curvature = self == .cubicSpline ? CellCentredInterpolation.naturalSplineCurvatures(values) : nil
        return (0..<(n * factor)).map { j in
            // Position in units of coarse cells, 0 at the first coarse centre.
            let s = (Double(j) + 0.5) / Double(factor) - 0.5
            let i = min(max(Int(s.rounded(.down)), 0), n - 2)
            let t = s - Double(i)
            var value = (1 - t) * values[i] + t * values[i + 1]
            if let curvature {
                // Cubic correction of the spline piece on [i, i + 1] (unit spacing).
                value += ((1 - t) * ((1 - t) * (1 - t) - 1) * curvature[i] + t * (t * t - 1) * curvature[i + 1]) / 6
            }
            return value
        }
    }

    /// Second derivatives of the natural cubic spline through `values` at unit spacing
    /// (tridiagonal system M_{i−1} + 4 M_i + M_{i+1} = 6 (y_{i+1} − 2 y_i + y_{i−1}), M_0 = M_{n−1} = 0).
    static func naturalSplineCurvatures(_ values: [Double]) -> [Double] {
        let n = values.count
        var curvature = [Double](repeating: 0, count: n)
        guard n > 2 else { return curvature }
        // Thomas algorithm on the interior unknowns 1…n−2.
        var diagonal = [Double](repeating: 4, count: n)
        var rhs = (0..<n).map { i in i == 0 || i == n - 1 ? 0 : 6 * (values[i + 1] - 2 * values[i] + values[i - 1]) }
        for i in 2..<(n - 1) {
            let factor = 1 / diagonal[i - 1]
            diagonal[i] -= factor
            rhs[i] -= factor * rhs[i - 1]
        }
        curvature[n - 2] = rhs[n - 2] / diagonal[n - 2]
        if n > 3 {
            for i in stride(from: n - 3, through: 1, by: -1) {
                curvature[i] = (rhs[i] - curvature[i + 1]) / diagonal[i]
            }
        }
        return curvature
    }
}
