/// How the latent (z*, ẑ) is normalised before SDE learning (Docs/METHOD.md §3), with the
/// statistics fitted for it: φ = (z − offset) / scale per component.
public enum LatentNormalization: Equatable, Sendable {
    /// The schemes, as each closure system names its reference.
    public enum Scheme: Sendable {
        /// (z − mean)/std over the training latents (predator–prey).
        case meanStd
        /// (z − min)/(max − min) over the validation latents, magnetization kept as is (Ising).
        case minMaxKeepingMagnetization
    }

    /// (z − mean)/std.
    case meanStd(mean: [Float], std: [Float])
    /// (z − minimum)/range; a component kept as it is has minimum 0 and range 1.
    case minMax(minimum: [Float], range: [Float])

    /// The identity map of `dimension` components in `scheme`'s form (before fitting).
    init(identityIn scheme: Scheme, dimension: Int) {
        let zeros = [Float](repeating: 0, count: dimension), ones = [Float](repeating: 1, count: dimension)
        switch scheme {
        case .meanStd: self = .meanStd(mean: zeros, std: ones)
        case .minMaxKeepingMagnetization: self = .minMax(minimum: zeros, range: ones)
        }
    }

    /// Fits `scheme` to the columns of the raw latents; `kept(k)` says whether component k stays as is.
    init(fitting scheme: Scheme, columns: [[Double]], kept: (Int) -> Bool) {
        /// A scale too small to divide by becomes 1.
        func usable(_ scale: Double) -> Float { Float(scale > 1e-12 ? scale : 1) }
        switch scheme {
        case .meanStd:
            let means = columns.map { $0.reduce(0, +) / Double($0.count) }
            let deviations = zip(columns, means).map { column, mean in
                (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)).squareRoot()
            }
            self = .meanStd(mean: means.map(Float.init), std: deviations.map(usable))
        case .minMaxKeepingMagnetization:
            let bounds = columns.enumerated().map { k, column -> (Double, Double) in
                kept(k) ? (0, 1) : (column.min() ?? 0, (column.max() ?? 0) - (column.min() ?? 0))
            }
            self = .minMax(minimum: bounds.map { Float($0.0) }, range: bounds.map { usable($0.1) })
        }
    }

    /// What is subtracted from each component.
    public var offset: [Float] {
        switch self {
        case .meanStd(let mean, _): return mean
        case .minMax(let minimum, _): return minimum
        }
    }

    /// What each component is divided by.
    public var scale: [Float] {
        switch self {
        case .meanStd(_, let std): return std
        case .minMax(_, let range): return range
        }
    }

    /// The names the offset and scale are saved under in a closure checkpoint.
    var tensorNames: (offset: String, scale: String) {
        switch self {
        case .meanStd: return ("latent_mean", "latent_std")
        case .minMax: return ("latent_min", "latent_range")
        }
    }

    /// The same scheme with `offset` and `scale` as loaded from a checkpoint.
    func with(offset: [Float], scale: [Float]) -> LatentNormalization {
        switch self {
        case .meanStd: return .meanStd(mean: offset, std: scale)
        case .minMax: return .minMax(minimum: offset, range: scale)
        }
    }
}
