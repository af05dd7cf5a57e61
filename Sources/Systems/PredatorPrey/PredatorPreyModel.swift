import Artifacts
import Foundation
import Random

/// The stochastic predator–prey reaction–diffusion system on a 1D cell-centred grid over [0, 1]
/// with reflecting (Neumann) boundaries:
///
///     ∂t u = u(1 − u − v) + D_u Δu + η ξ_u,    ∂t v = a v (u − b) + D_v Δv + η ξ_v,
///
/// with independent space-time white noise per grid point and species. Fields are stored as two
/// `Float` components (u, then v); integration runs in `Double`.
public struct PredatorPreyModel: MicroscopicSystem {
    /// Time-stepping scheme.
    public enum Scheme: String, Sendable, CaseIterable {
        /// Explicit Euler–Maruyama with the finite-difference Laplacian (the reference).
        case reference
        /// Euler–Maruyama for reaction and noise, then diffusion solved exactly in the cosine basis (FFTW).
        case spectral
    }

    /// Units of the Laplacian.
    public enum Spacing: String, Sendable, CaseIterable {
        /// The lattice second difference [1, −2, 1] without 1/dx² (the reference).
        case lattice
        /// The true Laplacian on [0, 1]: the second difference divided by dx² = 1/n².
        case physical
    }

    /// How each run's initial fields u₀ = m + k cos(10πx), v₀ = (1 − m) − k cos(10πx) are chosen.
    public enum InitialCondition: Sendable, Equatable {
        /// k ~ U(0.05, 0.15), m ~ U(0.45, 0.55) per run.
        case training
        /// The 3 × 3 test grid k ∈ {0.05, 0.1, 0.15} × m ∈ {0.45, 0.5, 0.55}; run r takes grid point r mod 9.
        case testGrid
        /// The same (k, m) for every run.
        case fixed(k: Double, m: Double)
    }

    public static let identifier = "predator-prey"
    public static let observableNames = ["meanPrey", "meanPredator"]
    public static let initialParameterNames = ["k", "m"]

    /// Grid points n.
    public var points: Int
    public var a = 3.0
    public var b = 0.4
    /// Diffusion coefficient of the prey u (D in the spec; 0 in the reference).
    public var preyDiffusion = 0.0
    /// Diffusion coefficient of the predator v (1 in the reference).
    public var predatorDiffusion = 1.0
    /// Noise amplitude η.
    public var noise = 0.02
    /// Time step.
    public var dt = 0.01
    /// Time steps per recorded step.
    public var stepsPerRecord = 1
    public var scheme = Scheme.reference
    public var spacing = Spacing.lattice
    public var initialCondition = InitialCondition.training

    public init(points: Int) {
        self.points = points
    }

    public var components: Int { 2 }
    public var spatialShape: [Int] { [points] }

    /// Factor multiplying the lattice second difference: 1, or n² for the physical Laplacian.
    public var laplacianScale: Double { spacing == .lattice ? 1 : Double(points * points) }

    /// Cell centres x_i = (i + ½)/n.
    public var cellCentres: [Double] { (0..<points).map { (Double($0) + 0.5) / Double(points) } }

    /// The reaction terms (u(1 − u − v), a v (u − b)) at one point.
    @inlinable
    public func reaction(u: Double, v: Double) -> (Double, Double) {
        (u * (1 - u - v), a * v * (u - b))
    }

    public func initialConfiguration(run: Int, random: RandomStream) -> (configuration: Grid<Float>, parameters: [Double]) {
        let k: Double, m: Double
        switch initialCondition {
        case .training:
            k = random.uniform(0.05, 0.15)
            m = random.uniform(0.45, 0.55)
        case .testGrid:
            let point = run % 9
            k = [0.05, 0.1, 0.15][point / 3]
            m = [0.45, 0.5, 0.55][point % 3]
        case .fixed(let fixedK, let fixedM):
            (k, m) = (fixedK, fixedM)
        }
        let wave = cellCentres.map { cos(10 * Double.pi * $0) }
        let u = wave.map { Float(m + k * $0) }
        let v = wave.map { Float((1 - m) - k * $0) }
        return (Grid(components: 2, spatialShape: [points], values: u + v), [k, m])
    }

    /// Spatial means (ū, v̄).
    public func observables(of configuration: Grid<Float>) -> [Double] {
        let n = configuration.siteCount
        var sums = [0.0, 0.0]
        for c in 0..<2 {
            for i in 0..<n { sums[c] += Double(configuration.values[c * n + i]) }
        }
        return sums.map { $0 / Double(n) }
    }

    public func simulate(_ configuration: inout Grid<Float>, steps: Int, random: RandomStream,
                         record: (Int, Grid<Float>, Double) -> Void) {
        var integrator = PredatorPreyIntegrator(model: self)
        var u = configuration.values[0..<points].map(Double.init)
        var v = configuration.values[points...].map(Double.init)
        for step in 0..<steps {
            for _ in 0..<stepsPerRecord { integrator.step(u: &u, v: &v, random: random) }
            configuration.values = u.map(Float.init) + v.map(Float.init)
            record(step + 1, configuration, Double((step + 1) * stepsPerRecord) * dt)
        }
    }
}
