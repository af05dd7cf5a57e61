import Foundation
import Random
import Spectral

/// One time step of the predator–prey SPDE in either scheme.
///
/// Both start with the Euler–Maruyama update of reaction and noise, `y = x + dt f(x) + η √dt ξ`.
/// - `reference`: adds explicit diffusion, `x' = y + dt D Δ_h x`, with the replicate-boundary
///   second difference Δ_h. Stable only for `dt D scale ≤ ½`.
/// - `spectral`: solves diffusion exactly over the step, `x' = C⁻¹ exp(dt D λ) C y`, where C is the
///   DCT-II (FFTW REDFT10) that diagonalises Δ_h with eigenvalues λ_k = −4 sin²(πk/2n)·scale.
///   Lie splitting: first order in dt for the deterministic part, strong order ½ with noise, like
///   the reference, and unconditionally stable in the diffusion.
struct PredatorPreyIntegrator {
    /// Fixed values just outside each end of the grid, for a window inside a frozen system.
    struct Ghosts {
        var u: (left: Double, right: Double)
        var v: (left: Double, right: Double)
    }

    let model: PredatorPreyModel
    /// Per-species diffusion factors exp(dt D λ_k) (spectral scheme only).
    private let decay: (prey: [Double], predator: [Double])
    private let transform: CosineTransform<Double>?
    private var spectrum: [Double]

    init(model: PredatorPreyModel) {
        self.model = model
        let n = model.points
        let eigenvalues = (0..<n).map { k in -4 * pow(sin(Double.pi * Double(k) / Double(2 * n)), 2) * model.laplacianScale }
        decay = (eigenvalues.map { exp(model.dt * model.preyDiffusion * $0) },
                 eigenvalues.map { exp(model.dt * model.predatorDiffusion * $0) })
        transform = model.scheme == .spectral ? CosineTransform<Double>(length: n) : nil
        spectrum = [Double](repeating: 0, count: n)
    }

    /// Advances (u, v) by one time step `dt`; with `ghosts` the ends read those fixed values
    /// instead of replicating their own (and diffusion is explicit).
    mutating func step(u: inout [Double], v: inout [Double], ghosts: Ghosts? = nil, random: RandomStream) {
        let n = model.points, dt = model.dt
        let noise = model.noise * dt.squareRoot()
        let explicitDiffusion = model.scheme == .reference || ghosts != nil
        let lapU = explicitDiffusion && model.preyDiffusion != 0
            ? laplacian(u, left: ghosts?.u.left ?? u[0], right: ghosts?.u.right ?? u[n - 1]) : nil
        let lapV = explicitDiffusion && model.predatorDiffusion != 0
            ? laplacian(v, left: ghosts?.v.left ?? v[0], right: ghosts?.v.right ?? v[n - 1]) : nil
        for i in 0..<n {
            let (fu, fv) = model.reaction(u: u[i], v: v[i])
            var du = dt * fu, dv = dt * fv
            if let lapU { du += dt * model.preyDiffusion * lapU[i] }
            if let lapV { dv += dt * model.predatorDiffusion * lapV[i] }
            u[i] += du + noise * random.gaussian()
            v[i] += dv + noise * random.gaussian()
        }
        if transform != nil && !explicitDiffusion {
            if model.preyDiffusion != 0 { diffuseExactly(&u, decay: decay.prey) }
            if model.predatorDiffusion != 0 { diffuseExactly(&v, decay: decay.predator) }
        }
    }

    /// The second difference times the Laplacian scale, with `left` and `right` just outside the
    /// ends (the end values themselves for the replicate, reflecting boundary).
    func laplacian(_ field: [Double], left: Double, right: Double) -> [Double] {
        let n = field.count, scale = model.laplacianScale
        return (0..<n).map { i in
            let before = i == 0 ? left : field[i - 1], after = i == n - 1 ? right : field[i + 1]
            return (before + after - 2 * field[i]) * scale
        }
    }

    /// field ← C⁻¹ diag(decay) C field, with C⁻¹ = DCT-III / 2n.
    private mutating func diffuseExactly(_ field: inout [Double], decay: [Double]) {
        let transform = transform!
        field.withUnsafeMutableBufferPointer { values in
            spectrum.withUnsafeMutableBufferPointer { transform.forward(values, into: $0) }
        }
        let normalization = transform.normalization
        for k in spectrum.indices { spectrum[k] *= decay[k] * normalization }
        spectrum.withUnsafeMutableBufferPointer { modes in
            field.withUnsafeMutableBufferPointer { transform.inverse(modes, into: $0) }
        }
    }
}
