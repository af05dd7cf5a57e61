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
    public enum InitialCondition: Sendable, Equatable, CustomStringConvertible {
        /// k ~ U(0.05, 0.15), m ~ U(0.45, 0.55) per run.
        case training
        /// The 3 × 3 test grid k ∈ {0.05, 0.1, 0.15} × m ∈ {0.45, 0.5, 0.55}; run r takes grid point r mod 9.
        case testGrid
        /// The same (k, m) for every run.
        case fixed(k: Double, m: Double)

        /// Parses what `description` writes: `training`, `test`, or `fixed k=K m=M`.
        public init(_ text: String) throws {
            let words = text.split(separator: " ").map(String.init)
            if words == ["training"] {
                self = .training
            } else if words == ["test"] {
                self = .testGrid
            } else if words.count == 3, words[0] == "fixed", words[1].hasPrefix("k="), words[2].hasPrefix("m="),
                      let k = Double(words[1].dropFirst(2)), let m = Double(words[2].dropFirst(2)), k.isFinite, m.isFinite {
                self = .fixed(k: k, m: m)
            } else {
                throw ConfigurationError("'initial' must be 'training', 'test' or 'fixed k=K m=M' with finite K and M, got '\(text)'")
            }
        }

        /// `training`, `test`, or `fixed k=K m=M`, as manifests record it.
        public var description: String {
            switch self {
            case .training: return "training"
            case .testGrid: return "test"
            case .fixed(let k, let m): return "fixed k=\(k) m=\(m)"
            }
        }
    }

    public static let identifier = "predator-prey"
    public static let observableNames = ["meanPrey", "meanPredator"]
    public static let macroscopicObservables = ["meanPrey", "meanPredator"]
    public static let referencePatchBoundary = RegionBoundary.frozenHalo
    public static let initialParameterNames = ["k", "m"]
    public static let isPeriodic = false
    /// Lattice time: the Laplacian carries no 1/dx² (Docs/METHOD.md §4.1).
    public static let timeUnit = "lattice time"

    /// Grid points n.
    public var points: Int
    public var a = 3.0
    public var b = 0.4
    /// Diffusion coefficient of the prey u (D in Docs/METHOD.md §4.1; 0 in the reference).
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
    /// How `upsample` refines the fields.
    public var interpolation = CellCentredInterpolation.linear

    public init(points: Int) {
        self.points = points
    }

    public init(configuration: SystemConfiguration) throws {
        self.init(points: try configuration.integer("points"))
        a = try configuration.number("a", default: a)
        b = try configuration.number("b", default: b)
        preyDiffusion = try configuration.number("preyDiffusion", default: preyDiffusion)
        predatorDiffusion = try configuration.number("predatorDiffusion", default: predatorDiffusion)
        noise = try configuration.number("noise", default: noise)
        dt = try configuration.number("dt", default: dt)
        stepsPerRecord = try configuration.integer("stepsPerRecord", default: 1)
        scheme = try configuration.choice("scheme", default: scheme)
        spacing = try configuration.choice("spacing", default: spacing)
        interpolation = try configuration.choice("interpolation", default: interpolation)
        initialCondition = try InitialCondition(configuration.string("initial", default: "training"))
    }

    /// The largest density a state may hold: the model's densities are of order 1, and the
    /// explicit reaction step diverges to infinity from far smaller values than 10⁶.
    public static let largestDensity: Float = 1e6

    public static func isValidSite(_ value: Float) -> Bool { value.isFinite && value >= 0 && value <= largestDensity }
    public static var siteDomain: String { "densities must be finite and non-negative, and at most \(Int(largestDensity))" }

    /// Finite rates, non-negative diffusion and noise, a positive finite time step, at least one
    /// grid point and one step per record, and a fixed initial condition whose densities are
    /// valid states.
    public func validateParameters() throws {
        guard points >= 1 else { throw ConfigurationError("points must be at least 1, got \(points)") }
        for (name, value) in [("a", a), ("b", b)] where !value.isFinite {
            throw ConfigurationError("\(name) must be a finite number, got \(value)")
        }
        for (name, value) in [("preyDiffusion", preyDiffusion), ("predatorDiffusion", predatorDiffusion), ("noise", noise)]
        where !(value.isFinite && value >= 0) {
            throw ConfigurationError("\(name) must be a finite non-negative number, got \(value)")
        }
        guard dt.isFinite, dt > 0 else { throw ConfigurationError("dt must be a finite positive number, got \(dt)") }
        guard stepsPerRecord >= 1 else { throw ConfigurationError("stepsPerRecord must be at least 1, got \(stepsPerRecord)") }
        if case .fixed(let k, let m) = initialCondition {
            // u₀ = m + k cos(10πx) and v₀ = 1 − m − k cos(10πx) span these ranges.
            for (lowest, highest) in [(m - abs(k), m + abs(k)), (1 - m - abs(k), 1 - m + abs(k))]
            where !(lowest >= 0 && highest <= Double(Self.largestDensity)) {
                throw ConfigurationError("initial '\(initialCondition)' gives densities from \(lowest) to \(highest); \(Self.siteDomain)")
            }
        }
    }

    public var configuration: [String: JSONValue] {
        ["system": .string(Self.identifier), "points": .number(Double(points)), "a": .number(a), "b": .number(b),
         "preyDiffusion": .number(preyDiffusion), "predatorDiffusion": .number(predatorDiffusion),
         "noise": .number(noise), "dt": .number(dt), "stepsPerRecord": .number(Double(stepsPerRecord)),
         "scheme": .string(scheme.rawValue), "spacing": .string(spacing.rawValue),
         "interpolation": .string(interpolation.rawValue), "initial": .string(initialCondition.description)]
    }

    public var components: Int { 2 }
    public var spatialShape: [Int] { [points] }

    public func resized(to spatialShape: [Int]) -> PredatorPreyModel {
        var copy = self
        copy.points = spatialShape[0]
        return copy
    }

    /// Points of the whole system when this model integrates a window of it (the grid spacing is
    /// the whole system's, 1/n).
    var enclosingPoints: Int?

    /// Factor multiplying the lattice second difference: 1, or n² (n of the whole system) for the
    /// physical Laplacian.
    public var laplacianScale: Double {
        let n = Double(enclosingPoints ?? points)
        return spacing == .lattice ? 1 : n * n
    }

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

    /// Each species interpolated onto the grid `factor` times finer (`interpolation`).
    public func upsample(_ configuration: Grid<Float>, factor: Int) -> Grid<Float> {
        let n = configuration.siteCount
        let refined = (0..<2).flatMap { species in
            interpolation.refine(configuration.values[(species * n)..<((species + 1) * n)].map(Double.init), factor: factor)
        }
        return Grid(components: 2, spatialShape: [n * factor], values: refined.map(Float.init))
    }

    /// One time step.
    public func defaultRegionDuration(sites: Int) -> RegionDuration { .steps(1) }

    /// A valid duration whose time, in steps of dt, fits an `Int32`.
    public func validate(_ duration: RegionDuration) throws {
        try duration.checkRunnable()
        if case .time(let time) = duration, time / dt >= Double(Int32.max) {
            throw ConfigurationError("time \(time) is \(time / dt) steps of dt = \(dt), more than \(Int32.max)")
        }
    }

    /// Time steps of the points in [origin, origin + size) (a duration in time is rounded to whole steps). With `frozenHalo` the window's
    /// Laplacian reads one ghost cell on each side from the frozen neighbours (replicate at the
    /// domain ends) and diffusion is explicit whatever the scheme (the cosine basis diagonalises
    /// only reflecting ends); with `periodicWindow` the window is an isolated system with
    /// reflecting ends, integrated by the model's scheme. Returns the elapsed time.
    public func evolveRegion(_ configuration: inout Grid<Float>, origin: [Int], size: [Int], for duration: RegionDuration,
                             boundary: RegionBoundary, random: RandomStream) -> Double {
        precondition(duration.isValid, "region durations are validated where they are given: \(duration)")
        let steps: Int
        switch duration {
        case .steps(let count): steps = count
        case .time(let time): steps = Int((time / dt).rounded())
        }
        let n = configuration.siteCount, start = origin[0], width = size[0]
        precondition(start >= 0 && start + width <= n, "predator–prey windows must lie inside [0, n)")
        var window = resized(to: size)
        window.enclosingPoints = enclosingPoints ?? n
        if boundary == .frozenHalo { window.scheme = .reference }
        var integrator = PredatorPreyIntegrator(model: window)
        func field(_ species: Int) -> [Double] {
            configuration.values[(species * n + start)..<(species * n + start + width)].map(Double.init)
        }
        func ghosts(_ species: Int) -> (Double, Double) {
            let values = configuration.values
            return (Double(values[species * n + max(start - 1, 0)]), Double(values[species * n + min(start + width, n - 1)]))
        }
        var u = field(0), v = field(1)
        let halo = boundary == .frozenHalo ? PredatorPreyIntegrator.Ghosts(u: ghosts(0), v: ghosts(1)) : nil
        for _ in 0..<steps { integrator.step(u: &u, v: &v, ghosts: halo, random: random) }
        for i in 0..<width {
            configuration.values[start + i] = Float(u[i])
            configuration.values[n + start + i] = Float(v[i])
        }
        return Double(steps) * dt
    }
}
