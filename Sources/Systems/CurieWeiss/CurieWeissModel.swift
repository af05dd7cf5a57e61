import Artifacts
import Foundation
import Random

/// The Curie–Weiss (mean-field) Ising model: N = L² spins ±1 on an L × L array, every pair coupled
/// equally, energy per spin −m²/2 − h m. The array only defines patches; the energy ignores it.
public struct CurieWeissModel: SpinSystem {
    public static let identifier = "curie-weiss"
    public static let observableNames = ["magnetization"]
    public static let macroscopicObservables = ["magnetization"]
    public static let referencePatchBoundary = RegionBoundary.frozenHalo

    /// Linear size L of the array (N = L²).
    public var size: Int
    /// Temperature T (T_c = 1).
    public var temperature: Double
    /// T = 1.1 (Docs/METHOD.md §4.2).
    public static let referenceTemperature = 1.1
    /// External field h.
    public var field: Double
    public var initialCondition: SpinInitialCondition
    /// N-event steps per recorded step.
    public var stepsPerRecord = 1

    public init(size: Int, temperature: Double, field: Double, initialCondition: SpinInitialCondition = .randomMagnetization) {
        self.size = size
        self.temperature = temperature
        self.field = field
        self.initialCondition = initialCondition
    }

    public init(configuration: SystemConfiguration) throws {
        self.init(size: try configuration.integer("size"), temperature: try configuration.number("temperature"),
                  field: try configuration.number("field"),
                  initialCondition: try SpinInitialCondition(configuration.string("m0", default: "random")))
        stepsPerRecord = try configuration.integer("stepsPerRecord", default: 1)
    }

    public var configuration: [String: JSONValue] { spinConfiguration }

    /// The mean field of the others lies in [−1, 1]: |ΔH| ≤ 2(1 + |h|).
    public var largestFlipEnergyChange: Double { 2 * (1 + abs(field)) }

    public func validateParameters() throws { try validateSpinParameters() }

    /// Energy change of flipping a spin `s` when the total magnetization is `M` of `N` spins:
    /// ΔH = 2s(R + h) with the mean field of the others R = (M − s)/N.
    @inlinable
    public func flipEnergyChange(spin: Int, totalMagnetization: Int, spins: Int) -> Double {
        2 * Double(spin) * (Double(totalMagnetization - spin) / Double(spins) + field)
    }

    /// The mean-field fixed point m* = tanh(β(m* + h)) reached from `start` by fixed-point iteration.
    public func meanFieldFixedPoint(from start: Double = 0) -> Double {
        var m = start
        for _ in 0..<10_000 {
            let next = tanh(beta * (m + field))
            if abs(next - m) < 1e-15 { return next }
            m = next
        }
        return m
    }

    public func observables(of configuration: Grid<Int8>) -> [Double] {
        [Double(configuration.values.reduce(0) { $0 + Int($1) }) / Double(configuration.values.count)]
    }

    public func simulate(_ configuration: inout Grid<Int8>, steps: Int, random: RandomStream,
                         record: (Int, Grid<Int8>, Double) -> Void) {
        let sampler = CurieWeissGlauber(model: self, spins: configuration.values, background: (0, 0))
        for step in 0..<steps {
            sampler.run(events: size * size * stepsPerRecord, random: random)
            configuration.values = sampler.spins
            record(step + 1, configuration, sampler.time)
        }
    }

    /// Glauber dynamics inside the block for `duration` (events or Glauber time): with `periodicWindow` the block is a Curie–Weiss system of
    /// its own (its own mean field); with `frozenHalo` its spins feel the global mean field, the
    /// rest of the array frozen but counted, updated as the block flips.
    public func evolveRegion(_ configuration: inout Grid<Int8>, origin: [Int], size region: [Int], for duration: RegionDuration,
                             boundary: RegionBoundary, random: RandomStream) -> Double {
        let window = configuration.patch(origin: origin, size: region)
        var background = (sites: 0, magnetization: 0)
        if boundary == .frozenHalo {
            let total = configuration.values.reduce(0) { $0 + Int($1) }
            let inside = window.values.reduce(0) { $0 + Int($1) }
            background = (configuration.siteCount - window.siteCount, total - inside)
        }
        let sampler = CurieWeissGlauber(model: self, spins: window.values, background: background)
        sampler.run(for: duration, random: random)
        configuration.insert(Grid(spatialShape: region, values: sampler.spins), at: origin)
        return sampler.time
    }
}
