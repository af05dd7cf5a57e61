import Random

extension MicroscopicSystem {
    /// The whole configuration evolved from `start` by the system's own dynamics (every site free,
    /// periodic where the lattice is), recorded at each of the increasing physical `times`: the
    /// truth that patch increments (`check-estimator`) and learned drifts (`check-dynamics`) are
    /// compared with.
    public func wholeSystemStates(from start: Grid<Site>, at times: [Double], random: RandomStream) -> [Grid<Site>] {
        let origin = [Int](repeating: 0, count: spatialShape.count)
        var configuration = start, elapsed = 0.0
        return times.map { time in
            _ = evolveRegion(&configuration, origin: origin, size: spatialShape, for: .time(time - elapsed), boundary: .periodicWindow, random: random)
            elapsed = time
            return configuration
        }
    }
}
