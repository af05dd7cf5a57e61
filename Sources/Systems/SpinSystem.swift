import Artifacts
import Random

/// A system of ±1 spins (stored as `Int8`) on an L × L array, at a temperature and in a field:
/// what the Ising and Curie–Weiss models share.
public protocol SpinSystem: MicroscopicSystem where Site == Int8 {
    /// Linear size L (N = L² spins).
    var size: Int { get set }
    /// Temperature T (k_B = 1).
    var temperature: Double { get }
    /// External field h.
    var field: Double { get }
    /// How each run's initial spins are drawn.
    var initialCondition: SpinInitialCondition { get }
    /// The temperature of the reference experiments (Docs/METHOD.md §4), the default of `simulate`.
    static var referenceTemperature: Double { get }
    /// The largest |ΔH| a single flip can cause: with |β ΔH| beyond about 700 the Glauber rate
    /// exp(−β ΔH) underflows to zero and the event clock cannot advance.
    var largestFlipEnergyChange: Double { get }
}

extension SpinSystem {
    public static var initialParameterNames: [String] { ["m0"] }
    public static var isPeriodic: Bool { true }
    /// Glauber time: one attempted flip per spin per unit.
    public static var timeUnit: String { "Glauber time" }
    public var components: Int { 1 }
    public var spatialShape: [Int] { [size, size] }
    /// Inverse temperature β = 1/T.
    public var beta: Double { 1 / temperature }

    public static func isValidSite(_ value: Int8) -> Bool { value == 1 || value == -1 }
    public static var siteDomain: String { "spins must be -1 or +1" }

    /// The parameter checks every spin system shares: a lattice the samplers can index (L² sites
    /// fit their 32-bit tables), a finite positive temperature at which no flip rate underflows,
    /// a finite field, and steps per record whose event count fits an `Int`.
    public func validateSpinParameters() throws {
        guard (1...SpinSystemLimits.largestSize).contains(size) else {
            throw ConfigurationError("size must be between 1 and \(SpinSystemLimits.largestSize) (L² sites in 32-bit tables), got \(size)")
        }
        guard field.isFinite else { throw ConfigurationError("field must be a finite number, got \(field)") }
        guard temperature.isFinite, temperature > 0 else {
            throw ConfigurationError("temperature must be a finite positive number, got \(temperature)")
        }
        let lowest = largestFlipEnergyChange / SpinSystemLimits.largestRateExponent
        guard temperature >= lowest else {
            throw ConfigurationError("temperature \(temperature) is too low for field \(field): the slowest flip rate exp(-\(largestFlipEnergyChange)/T) underflows; it must be at least \(lowest)")
        }
        guard stepsPerRecord >= 1, !(size * size).multipliedReportingOverflow(by: stepsPerRecord).overflow else {
            throw ConfigurationError("stepsPerRecord must be at least 1 with \(size * size) × stepsPerRecord events fitting an integer, got \(stepsPerRecord)")
        }
    }

    public func initialConfiguration(run: Int, random: RandomStream) -> (configuration: Grid<Int8>, parameters: [Double]) {
        let (spins, m0) = initialCondition.draw(sites: size * size, random: random)
        return (Grid(spatialShape: spatialShape, values: spins), [m0])
    }

    /// The parameters every spin system records: identifier, size, temperature, field, m₀, steps per record.
    var spinConfiguration: [String: JSONValue] {
        ["system": .string(Self.identifier), "size": .number(Double(size)), "temperature": .number(temperature),
         "field": .number(field), "m0": .string(initialCondition.description), "stepsPerRecord": .number(Double(stepsPerRecord))]
    }

    public func resized(to spatialShape: [Int]) -> Self {
        precondition(spatialShape.count == 2 && spatialShape[0] == spatialShape[1], "spin systems live on L × L arrays")
        var copy = self
        copy.size = spatialShape[0]
        return copy
    }

    /// Every spin becomes a `factor` × `factor` block of equal spins: magnetization is preserved
    /// exactly and the domain-wall density divided by `factor`.
    public func upsample(_ configuration: Grid<Int8>, factor: Int) -> Grid<Int8> {
        let rows = configuration.spatialShape[0], columns = configuration.spatialShape[1]
        var values = [Int8](repeating: 0, count: rows * columns * factor * factor)
        let wide = columns * factor
        for y in 0..<(rows * factor) {
            for x in 0..<wide { values[y * wide + x] = configuration.values[(y / factor) * columns + x / factor] }
        }
        return Grid(spatialShape: [rows * factor, wide], values: values)
    }

    /// One flip event per site.
    public func defaultRegionDuration(sites: Int) -> RegionDuration { .steps(sites) }

    /// A valid duration that asks for at most `SpinSystemLimits.largestRegionEvents` flip events:
    /// that many steps, or a Glauber time whose expected events in a region of this system stay
    /// below it (every flip rate is at most 1, so time × L² bounds them).
    public func validate(_ duration: RegionDuration) throws {
        try duration.checkRunnable()
        let limit = SpinSystemLimits.largestRegionEvents, sites = Double(size) * Double(size)
        let most = "more than 10¹⁵, the most a region may run (three years at 10⁷ flips per second)"
        switch duration {
        case .steps(let events) where Double(events) > limit:
            throw ConfigurationError("\(events) steps are \(events) flip events, \(most)")
        case .time(let span) where span * sites > limit:
            throw ConfigurationError("time \(span) on \(size)×\(size) sites asks for up to \(span * sites) flip events, \(most)")
        default:
            break
        }
    }
}

/// Bounds on spin-system parameters that the samplers' arithmetic imposes.
enum SpinSystemLimits {
    /// L with L² < 2³¹: the n-fold sampler indexes sites with `Int32`.
    static let largestSize = 46_340
    /// The largest β |ΔH| allowed: exp(−700) ≈ 10⁻³⁰⁴ is still a normal `Double`.
    static let largestRateExponent = 700.0
    /// The most flip events one region evolution may ask for: a bound on the work of a duration,
    /// far beyond any useful one (`--time 1e300` ran for as long as it said).
    static let largestRegionEvents = 1e15
}

/// How the initial spin configuration of each run is drawn.
public enum SpinInitialCondition: Sendable, Equatable, CustomStringConvertible {
    /// m₀ ~ U[−1, 1] independently per run.
    case randomMagnetization
    /// The same m₀ for every run.
    case magnetization(Double)

    /// Parses `random` or a number in [−1, 1].
    public init(_ text: String) throws {
        if text == "random" {
            self = .randomMagnetization
        } else if let value = Double(text), (-1...1).contains(value) {
            self = .magnetization(value)
        } else {
            throw ConfigurationError("m0 must be 'random' or a number in [-1, 1], got '\(text)'")
        }
    }

    /// `random`, or the value of m₀.
    public var description: String {
        switch self {
        case .randomMagnetization: return "random"
        case .magnetization(let value): return String(value)
        }
    }

    /// ±1 spins with exactly round(N(1 + m₀)/2) up spins at uniformly random positions; returns m₀.
    func draw(sites: Int, random: RandomStream) -> (spins: [Int8], m0: Double) {
        let m0: Double
        switch self {
        case .randomMagnetization: m0 = random.uniform(-1, 1)
        case .magnetization(let value): m0 = value
        }
        let up = Int((Double(sites) * (1 + m0) / 2).rounded())
        var spins = [Int8](repeating: -1, count: sites)
        for i in 0..<min(max(up, 0), sites) { spins[i] = 1 }
        random.shuffle(&spins)
        return (spins, m0)
    }
}
