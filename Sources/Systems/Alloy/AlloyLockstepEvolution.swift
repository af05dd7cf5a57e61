import Artifacts
import Random

/// Many periodic windows of the alloy evolved together (Docs/SYSTEMS.md, *NbMoTa alloy*, *Performance*).
extension AlloyModel {
    /// Evolves every window as a periodic lattice of its own (`RegionBoundary.periodicWindow`) for
    /// `duration`, window i with `randoms[i]`, in lockstep (`VacancyKineticMonteCarlo.runInLockstep`):
    /// one batch of barriers per round for all windows. Each window ends as `evolveRegion` of it
    /// alone leaves it — exactly with the pair model, up to float rounding of the barriers with
    /// NNK. Returns the seconds each window evolved.
    public func evolveWindows(_ windows: inout [Grid<Int8>], for duration: RegionDuration, randoms: [RandomStream]) -> [Double] {
        precondition(windows.count == randoms.count, "one random stream per window")
        precondition(windows.allSatisfy { $0.spatialShape.count == 3 && $0.spatialShape.allSatisfy { $0 >= Self.cellRange.lowerBound } },
                     "alloy windows are at least 2 cells along each axis")
        var occupations = windows.map(\.values)
        var samplers = zip(windows, occupations).map { window, occupation in
            VacancyKineticMonteCarlo(lattice: BCCLattice(shape: window.spatialShape), barriers: barriers.model, temperature: temperature,
                                     occupation: occupation, vacancies: Self.vacancySites(in: occupation))
        }
        VacancyKineticMonteCarlo.runInLockstep(&samplers, occupations: &occupations, randoms: randoms, for: duration)
        for i in windows.indices { windows[i].values = occupations[i] }
        return samplers.map(\.time)
    }
}
