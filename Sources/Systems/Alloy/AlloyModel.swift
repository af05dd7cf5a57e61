import Artifacts
import Foundation
import Random

/// BCC NbMoTa with vacancies, equimolar or as a LAMMPS dump gives it, evolved by rejection-free
/// vacancy kinetic Monte Carlo (Docs/METHOD.md §4.4, Docs/SYSTEMS.md, *NbMoTa alloy*).
///
/// A configuration holds species codes (vacancy 0, Nb 1, Mo 2, Ta 3) on the sites of n × n × n cubic
/// cells, periodic, as a `Grid` of two components — the corner and the body-centre sublattice — on
/// the spatial shape [n, n, n] (`BCCLattice` gives the map to the reference voxel grid). Only sites
/// are stored: a snapshot takes one byte per site, a fourth of the voxel grid; every stored value is
/// a site code, so `isValidSite` checks a whole array read from disk; and patches, tiles and
/// upsampling are blocks of whole cells, on which `Grid`'s periodic patches work unchanged.
///
/// One elementary step is N hops, N = 2n³ the number of sites (as one step of a spin system is N
/// flips); time is in seconds.
public struct AlloyModel: MicroscopicSystem {
    public typealias Site = Int8

    public static let identifier = "alloy"
    public static let observableNames = ShortRangeOrder.names
    /// The three unlike-pair parameters δ_NbMo, δ_NbTa, δ_MoTa: the like pairs follow from them,
    /// δ_ii = −Σ_{j≠i} δ_ij up to the vacancies' share of the neighbours (at most 8V/N_i), so the six
    /// together span three dimensions and an SDE over all six would have a singular diffusion.
    public static let macroscopicObservables = ["sroNbMo", "sroNbTa", "sroMoTa"]
    public static let initialParameterNames: [String] = []
    public static let isPeriodic = true
    /// Kinetic Monte Carlo time, in seconds (rates ν₀ e^{−E_b/k_BT}, ν₀ = 10¹³ s⁻¹).
    public static let timeUnit = "s"
    /// A third of a tile's bonds cross its boundary: the SRO of the tile read as a periodic
    /// lattice of its own misses their ordering, so a patch's change is measured in place.
    public static let measuresPatchesInPlace = true
    /// A patch evolves as a periodic lattice of its own, like the small system the data came from.
    public static let referencePatchBoundary = RegionBoundary.periodicWindow
    /// Cells per axis the lattice may have: at least 2, so that the eight neighbours of a site are
    /// distinct sites and the NNK cube wraps at most once.
    public static let cellRange = 2...1000
    /// The largest |E_b|/k_BT allowed: exp(−700) ≈ 10⁻³⁰⁴ is still a normal `Double`.
    static let largestRateExponent = 700.0

    /// Cells per axis, n (2n³ sites).
    public var cells: Int
    /// Temperature T in kelvin.
    public var temperature: Double
    /// Vacancies of each run's initial configuration.
    public var vacancies: Int
    /// The barrier model.
    public var barriers: AlloyBarriers
    /// N-hop steps per recorded step.
    public var stepsPerRecord = 1
    /// The configuration every run starts from, read from a dump file; nil: random equimolar occupation.
    public var initialDump: InitialDump?

    public init(cells: Int, temperature: Double, vacancies: Int = 1, barriers: AlloyBarriers = .pair(.illustrative)) {
        self.cells = cells
        self.temperature = temperature
        self.vacancies = vacancies
        self.barriers = barriers
    }

    /// Reads `cells` (default 8), `temperature` (default 2000 K), `vacancies` (default 1), the
    /// barrier model (`AlloyBarriers`, default the pair model), `stepsPerRecord` (default 1) and
    /// the initial dump (`InitialDump`, default none). With a dump, `cells` and `vacancies` are
    /// the file's: given as well, they must agree with it.
    public init(configuration: SystemConfiguration) throws {
        let initialDump = try InitialDump(configuration: configuration)
        let cells = try configuration.integer("cells", default: initialDump?.cells ?? 8)
        let vacancies = try configuration.integer("vacancies", default: initialDump?.vacancies ?? 1)
        if let initialDump, (cells, vacancies) != (initialDump.cells, initialDump.vacancies) {
            throw ConfigurationError("the initial dump \(initialDump.path) holds \(initialDump.cells)³ cells with \(initialDump.vacancies) vacancies, not the \(cells)³ cells with \(vacancies) vacancies asked for")
        }
        self.init(cells: cells, temperature: try configuration.number("temperature", default: 2000), vacancies: vacancies,
                  barriers: try AlloyBarriers(configuration: configuration))
        stepsPerRecord = try configuration.integer("stepsPerRecord", default: 1)
        self.initialDump = initialDump
    }

    public var configuration: [String: JSONValue] {
        var values: [String: JSONValue] = [
            "system": .string(Self.identifier), "cells": .number(Double(cells)), "temperature": .number(temperature),
            "vacancies": .number(Double(vacancies)), "stepsPerRecord": .number(Double(stepsPerRecord)),
        ]
        values.merge(barriers.configuration) { _, new in new }
        values.merge(initialDump?.entries ?? [:]) { _, new in new }
        return values
    }

    /// The lowest temperature at which the highest barrier's rate does not underflow.
    public var lowestTemperature: Double {
        barriers.model.highestBarrier / (Self.largestRateExponent * VacancyKineticMonteCarlo.boltzmann)
    }

    public func validateParameters() throws {
        guard Self.cellRange.contains(cells) else {
            throw ConfigurationError("cells must be between \(Self.cellRange.lowerBound) and \(Self.cellRange.upperBound), got \(cells)")
        }
        guard temperature.isFinite, temperature > 0 else {
            throw ConfigurationError("temperature must be a finite positive number of kelvin, got \(temperature)")
        }
        guard temperature >= lowestTemperature else {
            throw ConfigurationError("temperature \(temperature) K is too low: the rate of the highest barrier (\(barriers.model.highestBarrier) eV) underflows; it must be at least \(lowestTemperature) K")
        }
        guard (1...(cells * cells * cells)).contains(vacancies) else {
            let source = initialDump.map { " (the empty sites of the initial dump \($0.path))" } ?? ""
            throw ConfigurationError("vacancies must be between 1 and \(cells * cells * cells) (one per cell), got \(vacancies)\(source)")
        }
        let sites = 2 * cells * cells * cells
        guard stepsPerRecord >= 1, !sites.multipliedReportingOverflow(by: stepsPerRecord).overflow else {
            throw ConfigurationError("stepsPerRecord must be at least 1 with \(sites) × stepsPerRecord hops fitting an integer, got \(stepsPerRecord)")
        }
    }

    public static func isValidSite(_ value: Int8) -> Bool { (0...3).contains(value) }
    public static var siteDomain: String { "species codes must be 0 (vacancy), 1 (Nb), 2 (Mo) or 3 (Ta)" }

    public var components: Int { 2 }
    public var spatialShape: [Int] { [cells, cells, cells] }

    /// The lattice of `shape` cells, at the same temperature, with the same barriers and vacancy
    /// concentration (the vacancy count scaled by the volume, at least 1, at most one per cell);
    /// its runs start from random equimolar occupation, not from an initial dump.
    public func resized(to spatialShape: [Int]) -> AlloyModel {
        precondition(spatialShape.count == 3 && Set(spatialShape).count == 1, "alloy lattices are n × n × n cells")
        var copy = self
        copy.cells = spatialShape[0]
        copy.initialDump = nil
        let volume = copy.cells * copy.cells * copy.cells
        let scaled = (Double(vacancies) * Double(volume) / Double(cells * cells * cells)).rounded()
        copy.vacancies = min(max(Int(scaled), 1), volume)
        return copy
    }

    /// The initial dump's configuration if there is one. Otherwise equimolar occupation at random,
    /// the atoms in their `exactComposition`; the V vacancies on
    /// corner sites of a regular grid — the first V points, in C order, of the m × m × m grid of
    /// cells ⌊(2a + 1)n/2m⌋, m = ⌈V^{1/3}⌉: centred in the blocks of n/m cells, so that when V = m³
    /// and the lattice is tiled by the m³ blocks, every tile holds one vacancy in its centre cell
    /// (a patch evolved alone starts with its vacancy far from its boundary). No parameters.
    public func initialConfiguration(run: Int, random: RandomStream) -> (configuration: Grid<Int8>, parameters: [Double]) {
        if let initialDump { return (initialDump.configuration, []) }
        let lattice = BCCLattice(shape: spatialShape)
        let vacancySites = Self.regularVacancySites(count: vacancies, cells: cells)
        let counts = Self.exactComposition(sites: lattice.siteCount, vacancies: vacancySites.count)
        var codes: [Int8] = []
        for element in AlloySpecies.elements { codes += [Int8](repeating: element.rawValue, count: counts[Int(element.rawValue)]) }
        random.shuffle(&codes)
        var values = [Int8](repeating: AlloySpecies.vacancy.rawValue, count: lattice.siteCount)
        let vacant = Set(vacancySites)
        var next = 0
        for site in 0..<lattice.siteCount where !vacant.contains(site) {
            values[site] = codes[next]
            next += 1
        }
        return (Grid(components: 2, spatialShape: spatialShape, values: values), [])
    }

    /// The corner sites of the first `count` points of the regular m³ grid of cells, m = ⌈count^{1/3}⌉,
    /// each in the centre cell of its block.
    static func regularVacancySites(count: Int, cells: Int) -> [Int] {
        var m = 1
        while m * m * m < count { m += 1 }
        var sites: [Int] = []
        for a in 0..<m {
            for b in 0..<m {
                for c in 0..<m where sites.count < count {
                    let (i, j, k) = ((2 * a + 1) * cells / (2 * m), (2 * b + 1) * cells / (2 * m), (2 * c + 1) * cells / (2 * m))
                    sites.append((i * cells + j) * cells + k)
                }
            }
        }
        return sites
    }

    /// The six SRO parameters δ_ij (`ShortRangeOrder`), the lattice periodic: a whole configuration or a patch.
    public func observables(of configuration: Grid<Int8>) -> [Double] {
        ShortRangeOrder.parameters(of: configuration.values, on: BCCLattice(shape: configuration.spatialShape))
    }

    public func simulate(_ configuration: inout Grid<Int8>, steps: Int, random: RandomStream,
                         record: (Int, Grid<Int8>, Double) -> Void) {
        let lattice = BCCLattice(shape: configuration.spatialShape)
        var sampler = VacancyKineticMonteCarlo(lattice: lattice, barriers: barriers.model, temperature: temperature,
                                               occupation: configuration.values, vacancies: Self.vacancySites(in: configuration.values))
        for step in 0..<steps {
            sampler.run(hops: lattice.siteCount * stepsPerRecord, occupation: &configuration.values, random: random)
            record(step + 1, configuration, sampler.time)
        }
    }

    /// The sites holding a vacancy.
    static func vacancySites(in occupation: [Int8]) -> [Int] {
        occupation.indices.filter { occupation[$0] == AlloySpecies.vacancy.rawValue }
    }

    /// Refuses blocks narrower than 2 cells, whose sites would be their own neighbours; every boundary roams.
    public func validateRegion(_ size: [Int], boundary: RegionBoundary) throws {
        guard size.count == 3, size.allSatisfy({ $0 >= Self.cellRange.lowerBound }) else {
            throw ConfigurationError("alloy regions (LocalRelax windows, patches) must be at least \(Self.cellRange.lowerBound) cells along each axis, got \(size)")
        }
    }

    /// One hop per site of the region.
    public func defaultRegionDuration(sites: Int) -> RegionDuration { .steps(2 * sites) }

    /// Vacancy hops of the block of cells for `duration` (hops or seconds). With `periodicWindow`
    /// the block is a periodic lattice of its own; with `frozenHalo` its vacancies hop only onto its
    /// sites, barriers read the frozen lattice around it, and vacancies outside stay where they are;
    /// with `roaming` the vacancies that start in the block hop anywhere in the lattice, the others
    /// staying where they are (Docs/SYSTEMS.md, *Partial evolution and its measurement*). Blocks
    /// must be at least 2 cells along each axis. (`evolveRegions` of this one configuration.)
    public func evolveRegion(_ configuration: inout Grid<Int8>, origin: [Int], size region: [Int], for duration: RegionDuration,
                             boundary: RegionBoundary, random: RandomStream) -> Double {
        // The lattice moves into the one-element batch and back, so that hopping in it copies nothing.
        var batch = [configuration]
        configuration.values = []
        defer { configuration = batch[0] }
        return evolveRegions(&batch, origins: [origin], size: region, for: [duration], boundary: boundary, randoms: [random])[0]
    }
}
