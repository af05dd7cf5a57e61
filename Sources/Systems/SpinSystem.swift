import Artifacts
import Random

/// A system of ±1 spins (stored as `Int8`) on an L × L array, at a temperature and in a field:
/// what the Ising and Curie–Weiss models share.
public protocol SpinSystem: MicroscopicSystem where Site == Int8 {
    /// Linear size L (N = L² spins).
    var size: Int { get }
    /// Temperature T (k_B = 1).
    var temperature: Double { get }
    /// External field h.
    var field: Double { get }
    /// How each run's initial spins are drawn.
    var initialCondition: SpinInitialCondition { get }
}

extension SpinSystem {
    public static var initialParameterNames: [String] { ["m0"] }
    public var components: Int { 1 }
    public var spatialShape: [Int] { [size, size] }
    /// Inverse temperature β = 1/T.
    public var beta: Double { 1 / temperature }

    public func initialConfiguration(run: Int, random: RandomStream) -> (configuration: Grid<Int8>, parameters: [Double]) {
        let (spins, m0) = initialCondition.draw(sites: size * size, random: random)
        return (Grid(spatialShape: spatialShape, values: spins), [m0])
    }
}

/// How the initial spin configuration of each run is drawn.
public enum SpinInitialCondition: Sendable, Equatable {
    /// m₀ ~ U[−1, 1] independently per run.
    case randomMagnetization
    /// The same m₀ for every run.
    case magnetization(Double)

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
