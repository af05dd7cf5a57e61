import Artifacts
import Foundation
import Random

/// The 2D Ising model on a periodic L × L square lattice with J = 1:
/// `H = −Σ_⟨ij⟩ s_i s_j − h Σ_i s_i`, spins ±1 stored as `Int8`.
public struct IsingModel: SpinSystem {
    /// Which stochastic dynamics drives the spins.
    public enum Dynamics: String, Sendable, CaseIterable {
        /// Continuous-time Glauber dynamics, rejection-free (n-fold way); one step = N flip events.
        case glauber
        /// Discrete checkerboard heat-bath sweeps; one step = one sweep, time counts sweeps.
        case heatBath = "heat-bath"
    }

    public static let identifier = "ising"
    public static let observableNames = ["magnetization", "domainWallDensity", "energyPerSpin"]
    public static let macroscopicObservables = ["magnetization", "domainWallDensity"]
    public static let referencePatchBoundary = RegionBoundary.periodicWindow

    /// Linear size L.
    public var size: Int
    /// Temperature T (k_B = 1).
    public var temperature: Double
    /// T = 2.5 (Docs/METHOD.md §4.3).
    public static let referenceTemperature = 2.5
    /// External field h.
    public var field: Double
    public var dynamics: Dynamics
    public var initialCondition: SpinInitialCondition
    /// N-event steps (Glauber) or sweeps (heat bath) per recorded step.
    public var stepsPerRecord = 1

    public init(size: Int, temperature: Double, field: Double, dynamics: Dynamics = .glauber,
                initialCondition: SpinInitialCondition = .randomMagnetization) {
        self.size = size
        self.temperature = temperature
        self.field = field
        self.dynamics = dynamics
        self.initialCondition = initialCondition
    }

    public init(configuration: SystemConfiguration) throws {
        self.init(size: try configuration.integer("size"), temperature: try configuration.number("temperature"),
                  field: try configuration.number("field"),
                  dynamics: try configuration.choice("dynamics", default: .glauber),
                  initialCondition: try SpinInitialCondition(configuration.string("m0", default: "random")))
        stepsPerRecord = try configuration.integer("stepsPerRecord", default: 1)
    }

    /// Four neighbours and the field: |ΔH| ≤ 2(4 + |h|).
    public var largestFlipEnergyChange: Double { 2 * (4 + abs(field)) }

    /// The spin-system checks, and an even size for checkerboard heat-bath sweeps.
    public func validateParameters() throws {
        try validateSpinParameters()
        guard dynamics != .heatBath || size % 2 == 0 else {
            throw ConfigurationError("heat-bath sweeps are checkerboard-ordered and need an even size, got \(size)")
        }
    }

    public var configuration: [String: JSONValue] {
        var values = spinConfiguration
        values["dynamics"] = .string(dynamics.rawValue)
        return values
    }

    /// Energy change of flipping a spin `s` whose four neighbours sum to `neighbourSum`: 2s(Σ s_nn + h).
    @inlinable
    public func flipEnergyChange(spin: Int, neighbourSum: Int) -> Double {
        2 * Double(spin) * (Double(neighbourSum) + field)
    }

    /// Magnetization m = ⟨s⟩, domain-wall density ρ = (1/2N) Σ_i [½(1 − s_i s_{i+x̂}) + ½(1 − s_i s_{i+ŷ})],
    /// and energy per spin, with bonds wrapping periodically around the grid given (whole lattice or patch).
    public func observables(of configuration: Grid<Int8>) -> [Double] {
        let rows = configuration.spatialShape[0], columns = configuration.spatialShape[1]
        let s = configuration.values
        var magnetization = 0, bondSum = 0
        for y in 0..<rows {
            let down = (y + 1) % rows
            for x in 0..<columns {
                let spin = Int(s[y * columns + x])
                magnetization += spin
                bondSum += spin * (Int(s[y * columns + (x + 1) % columns]) + Int(s[down * columns + x]))
            }
        }
        let n = Double(rows * columns)
        let m = Double(magnetization) / n
        // Two bonds per site: ρ = (1/2N) Σ (1 − s s')/2 over the 2N bonds.
        let wallDensity = (2 * n - Double(bondSum)) / (4 * n)
        let energy = -Double(bondSum) / n - field * m
        return [m, wallDensity, energy]
    }

    public func simulate(_ configuration: inout Grid<Int8>, steps: Int, random: RandomStream,
                         record: (Int, Grid<Int8>, Double) -> Void) {
        switch dynamics {
        case .glauber:
            let sampler = NFoldGlauber(model: self, spins: configuration.values, rows: size, columns: size)
            for step in 0..<steps {
                sampler.run(events: size * size * stepsPerRecord, random: random)
                configuration.values = sampler.spins
                record(step + 1, configuration, sampler.time)
            }
        case .heatBath:
            let sweeper = HeatBath(model: self)
            for step in 0..<steps {
                for _ in 0..<stepsPerRecord { sweeper.sweep(&configuration.values, random: random) }
                record(step + 1, configuration, Double((step + 1) * stepsPerRecord))
            }
        }
    }

    /// Glauber dynamics inside the block for `duration` (events or Glauber time), with the block either its own periodic
    /// lattice or surrounded by a frozen one-site halo read from the configuration. A block that
    /// is the whole lattice has no outside to freeze — its halo would be stale copies of its own
    /// edges — so there both boundaries are the lattice's own periodic dynamics. Heat-bath
    /// dynamics is for equilibrium studies and is not used on regions.
    public func evolveRegion(_ configuration: inout Grid<Int8>, origin: [Int], size region: [Int], for duration: RegionDuration,
                             boundary requested: RegionBoundary, random: RandomStream) -> Double {
        let (rows, columns) = (region[0], region[1])
        let boundary = requested == .frozenHalo && region == configuration.spatialShape ? .periodicWindow : requested
        let sampler: NFoldGlauber
        switch boundary {
        case .periodicWindow:
            let window = configuration.patch(origin: origin, size: region)
            sampler = NFoldGlauber(model: self, spins: window.values, rows: rows, columns: columns)
        case .frozenHalo:
            let withHalo = configuration.patch(origin: [origin[0] - 1, origin[1] - 1], size: [rows + 2, columns + 2])
            let (neighbours, active) = NFoldGlauber.haloNeighbours(rows: rows, columns: columns)
            sampler = NFoldGlauber(model: self, spins: withHalo.values, neighbours: neighbours, active: active)
        case .roaming:
            preconditionFailure("Ising regions do not roam (refused by validateRegion)")
        }
        sampler.run(for: duration, random: random)
        var spins = sampler.spins
        if boundary == .frozenHalo {
            let interior = Grid(spatialShape: [rows + 2, columns + 2], values: spins).patch(origin: [1, 1], size: region)
            spins = interior.values
        }
        configuration.insert(Grid(spatialShape: region, values: spins), at: origin)
        return sampler.time
    }
}
