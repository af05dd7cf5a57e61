import Random

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
