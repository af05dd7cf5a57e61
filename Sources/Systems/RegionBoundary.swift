/// How a window or patch that is evolved alone meets the rest of the (frozen) system.
public enum RegionBoundary: String, Sendable, CaseIterable {
    /// The region is simulated as an isolated system: periodic for lattice spins (the reference
    /// LocalRelax and partial evolution), the window's own mean field for Curie–Weiss, reflecting
    /// ends for predator–prey fields.
    case periodicWindow = "periodic-window"
    /// The region sees the rest of the system held fixed: Ising neighbours outside the window are
    /// read from the large lattice, Curie–Weiss uses the global mean field (updated as the region
    /// flips), predator–prey reads one ghost cell on each side (replicate at the domain ends). An
    /// Ising region that is the whole lattice has no outside: it runs the lattice's own periodic
    /// dynamics (K = 1 patches are exact).
    case frozenHalo = "frozen-halo"
    /// The region's movers — the alloy's vacancies that start inside it — move anywhere in the
    /// lattice while every other site holds still: the region says which part of the dynamics
    /// runs, not where its changes may land. Only systems whose dynamics are carried by movers
    /// accept it (`MicroscopicSystem.validateRegion`).
    case roaming = "roaming"
}

/// How long a region evolves when it is evolved alone.
public enum RegionDuration: Sendable, Equatable, CustomStringConvertible {
    /// A fixed number of elementary steps: flip events (the reference) or time steps. For
    /// kinetic Monte Carlo the state after a fixed number of events samples the embedded jump
    /// chain, whose stationary law is tilted toward states with a high total rate.
    case steps(Int)
    /// A fixed physical time: the state is a sample of the continuous-time dynamics at that time.
    case time(Double)

    /// Whether the duration can be run: a non-negative number of steps or a finite non-negative
    /// time (a NaN or infinite time would never end).
    public var isValid: Bool {
        switch self {
        case .steps(let count): return count >= 0
        case .time(let span): return span.isFinite && span >= 0
        }
    }

    /// Throws a `ConfigurationError` unless the duration `isValid`.
    public func checkRunnable() throws {
        guard isValid else {
            throw ConfigurationError("a region duration must be a non-negative number of steps or a finite non-negative time, got \(self)")
        }
    }

    public var description: String {
        switch self {
        case .steps(let count): return "\(count) steps"
        case .time(let duration): return "time \(duration)"
        }
    }
}
