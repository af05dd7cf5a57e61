/// A normalised histogram drawn as a step outline, so that several distributions (true against
/// model, at a few times) share one `LinePlot`.
public enum Histogram {
    /// `bins` equal bins spanning the finite values of every sample in `samples` together (one
    /// bin of width 1 around a single value); the same edges serve every distribution of a plot.
    public static func edges(_ samples: [[Double]], bins: Int) -> [Double] {
        let values = samples.joined().filter(\.isFinite)
        guard var low = values.min(), var high = values.max() else { return [0, 1] }
        if low == high { (low, high) = (low - 0.5, high + 0.5) }
        return (0..<bins).map { low + (high - low) * Double($0) / Double(bins) } + [high]
    }

    /// The probability densities of the finite `values` in the bins between `edges` (each bin
    /// closed on the left, the last also on the right); zero everywhere when none is finite.
    public static func densities(_ values: [Double], edges: [Double]) -> [Double] {
        let bins = edges.count - 1
        var counts = [Double](repeating: 0, count: bins)
        let finite = values.filter { $0.isFinite && $0 >= edges[0] && $0 <= edges[bins] }
        for value in finite {
            let bin = edges.lastIndex { $0 <= value }!
            counts[min(bin, bins - 1)] += 1
        }
        guard !finite.isEmpty else { return counts }
        return counts.indices.map { counts[$0] / (Double(finite.count) * (edges[$0 + 1] - edges[$0])) }
    }

    /// The density of `values` over `edges` as a step outline (from zero at the first edge back
    /// to zero at the last), for `LinePlot`.
    public static func series(name: String, values: [Double], edges: [Double], dashed: Bool = false, colour: Int? = nil) -> LinePlot.Series {
        let density = densities(values, edges: edges)
        var x = [edges[0]], y = [0.0]
        for (bin, value) in density.enumerated() {
            x += [edges[bin], edges[bin + 1]]
            y += [value, value]
        }
        x.append(edges[edges.count - 1])
        y.append(0)
        return LinePlot.Series(name: name, x: x, y: y, dashed: dashed, colour: colour)
    }
}
