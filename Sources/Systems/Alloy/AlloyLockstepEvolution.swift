import Artifacts
import Random

/// The regions of many alloy configurations evolved together (Docs/SYSTEMS.md, *NbMoTa alloy*, *Performance*).
extension AlloyModel {
    /// As many chains as the barrier model gains by running in lockstep (`HopBarrierModel.lockstepChains`).
    public var regionBatch: Int { barriers.model.lockstepChains }

    /// Evolves each configuration's block as `evolveRegion` describes, all the chains in lockstep
    /// (`VacancyKineticMonteCarlo.runInLockstep`): one batch of barriers per round for all. Each ends
    /// as `evolveRegion` of it alone leaves it — exactly with the pair model, up to the float
    /// rounding of the batched barriers with NNK. Blocks must be at least 2 cells along each axis.
    public func evolveRegions(_ configurations: inout [Grid<Int8>], origins: [[Int]], size region: [Int], for durations: [RegionDuration],
                              boundary: RegionBoundary, randoms: [RandomStream]) -> [Double] {
        precondition(region.count == 3 && region.allSatisfy { $0 >= Self.cellRange.lowerBound }, "alloy regions are at least 2 cells along each axis, got \(region)")
        precondition(origins.count == configurations.count && durations.count == configurations.count && randoms.count == configurations.count,
                     "one origin, duration and random stream per configuration")
        // Each chain hops in its own occupation: a copy of the block for `periodicWindow`; otherwise
        // the whole lattice's, moved out of its configuration (not copied) and moved back after.
        var occupations: [[Int8]] = [], samplers: [VacancyKineticMonteCarlo] = []
        for i in configurations.indices {
            switch boundary {
            case .periodicWindow:
                occupations.append(configurations[i].patch(origin: origins[i], size: region).values)
                samplers.append(VacancyKineticMonteCarlo(lattice: BCCLattice(shape: region), barriers: barriers.model, temperature: temperature,
                                                         occupation: occupations[i], vacancies: Self.vacancySites(in: occupations[i])))
            case .frozenHalo, .roaming:
                occupations.append([])
                swap(&occupations[i], &configurations[i].values)
                let lattice = BCCLattice(shape: configurations[i].spatialShape)
                let block = CellBlock(origin: origins[i], size: region, lattice: lattice)
                let inside = block.sites.filter { occupations[i][$0] == AlloySpecies.vacancy.rawValue }
                samplers.append(VacancyKineticMonteCarlo(lattice: lattice, barriers: barriers.model, temperature: temperature,
                                                         occupation: occupations[i], vacancies: inside,
                                                         region: boundary == .roaming ? nil : block))
            }
        }
        VacancyKineticMonteCarlo.runInLockstep(&samplers, occupations: &occupations, randoms: randoms, for: durations)
        for i in configurations.indices {
            if boundary == .periodicWindow {
                configurations[i].insert(Grid(components: 2, spatialShape: region, values: occupations[i]), at: origins[i])
            } else {
                swap(&occupations[i], &configurations[i].values)
            }
        }
        return samplers.map(\.time)
    }
}
