import Artifacts

extension IsingModel: ObservableGenerator {
    /// Glauber dynamics has a generator; checkerboard heat-bath sweeps advance in discrete steps
    /// and have none.
    public func validateGenerator() throws {
        guard dynamics == .glauber else {
            throw ConfigurationError("the generator is that of continuous-time Glauber dynamics; \(dynamics.rawValue) sweeps are discrete in time")
        }
    }

    /// (m, ρ) jump when spin s_i, whose four neighbours sum to Σ_i, flips — at the Glauber rate
    /// 1/(1 + e^{βΔH}), ΔH = 2s_i(Σ_i + h), per unit Glauber time — by Δm = −2s_i/N and, its four
    /// bonds changing sign, Δρ = s_iΣ_i/(2N). Summed over the N spins in Double.
    public func observableMoments(at configuration: Grid<Int8>) -> ObservableMoments {
        let rows = configuration.spatialShape[0], columns = configuration.spatialShape[1]
        let s = configuration.values
        let n = Double(rows * columns)
        // The ten rates a spin and its neighbours can have, by the n-fold sampler's classes.
        let rates = NFoldGlauber.classRates(of: self)
        var drift = (m: 0.0, rho: 0.0), second = (mm: 0.0, mrho: 0.0, rhorho: 0.0)
        for y in 0..<rows {
            let up = (y + rows - 1) % rows, down = (y + 1) % rows
            for x in 0..<columns {
                let spin = Int(s[y * columns + x])
                let sum = Int(s[up * columns + x]) + Int(s[down * columns + x])
                    + Int(s[y * columns + (x + columns - 1) % columns]) + Int(s[y * columns + (x + 1) % columns])
                let rate = rates[NFoldGlauber.classIndex(spin: Int8(spin), neighbourSum: sum)]
                let dm = -2 * Double(spin) / n, drho = Double(spin * sum) / (2 * n)
                drift.m += rate * dm
                drift.rho += rate * drho
                second.mm += rate * dm * dm
                second.mrho += rate * dm * drho
                second.rhorho += rate * drho * drho
            }
        }
        return ObservableMoments(drift: [drift.m, drift.rho], covariance: [second.mm, second.mrho, second.mrho, second.rhorho])
    }
}
