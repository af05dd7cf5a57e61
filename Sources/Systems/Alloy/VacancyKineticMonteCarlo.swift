import Foundation
import Random

/// Rejection-free kinetic Monte Carlo of vacancy hops in the NbMoTa lattice (Docs/SYSTEMS.md, *NbMoTa alloy*).
///
/// Every (vacancy, direction) pair is a channel with rate ν₀ exp(−E_b/k_BT), E_b from the barrier
/// model; a hop onto another vacancy, or out of the region when one is set, has rate 0. An event
/// draws the waiting time Exp(Σk) (seconds), picks a channel with probability k/Σk from a sum tree,
/// swaps the vacancy with the atom, and recomputes the channels of every vacancy within the model's
/// reach of the two sites that changed — the moved vacancy's own among them.
///
/// The occupation (species codes in `BCCLattice` order) is passed in to each call rather than
/// held, so that a tile of a large lattice is evolved in place without a copy of the lattice.
struct VacancyKineticMonteCarlo {
    /// The attempt frequency ν₀ = 10¹³ s⁻¹.
    static var attemptFrequency: Double { 1e13 }
    /// Boltzmann's constant, 8.617333 × 10⁻⁵ eV/K.
    static var boltzmann: Double { 8.617333e-5 }

    let lattice: BCCLattice
    let barriers: any HopBarrierModel
    /// 1/(k_B T) in 1/eV.
    let beta: Double
    /// Where hops may land; nil for the whole lattice.
    let region: CellBlock?
    /// The sites of the mobile vacancies; channel 8v + d is the hop of vacancy v in direction d.
    private(set) var vacancies: [Int]
    /// The voxels of the vacancies, for the distance checks after each hop.
    private var vacancyVoxels: [(x: Int, y: Int, z: Int)]
    private var rates: RateSumTree
    /// Seconds elapsed.
    private(set) var time = 0.0
    /// Hops made.
    private(set) var hops = 0

    /// A sampler for the vacancies at `vacancies` (each must hold code 0 in `occupation`) at
    /// `temperature` kelvin, hopping only into `region` when one is given.
    init(lattice: BCCLattice, barriers: any HopBarrierModel, temperature: Double, occupation: [Int8], vacancies: [Int], region: CellBlock? = nil) {
        precondition(vacancies.allSatisfy { occupation[$0] == AlloySpecies.vacancy.rawValue }, "every mobile vacancy must sit on a site of code 0")
        self.lattice = lattice
        self.barriers = barriers
        self.beta = 1 / (Self.boltzmann * temperature)
        self.region = region
        self.vacancies = vacancies
        vacancyVoxels = vacancies.map(lattice.voxel(of:))
        rates = RateSumTree(count: 8 * vacancies.count)
        for v in vacancies.indices { refresh(v, occupation: occupation) }
    }

    /// The total rate of leaving the current state, Σk (1/s).
    var totalRate: Double { rates.total }

    /// Recomputes the eight channels of vacancy `v`.
    private mutating func refresh(_ v: Int, occupation: [Int8]) {
        let site = vacancies[v]
        let energies = barriers.barriers(ofVacancyAt: site, on: lattice, occupation: occupation)
        var channels = SIMD8<Double>(repeating: 0)
        for direction in 0..<8 {
            let target = lattice.neighbour(of: site, direction: direction)
            if occupation[target] != AlloySpecies.vacancy.rawValue && (region?.contains(target) ?? true) {
                channels[direction] = Self.attemptFrequency * exp(-beta * energies[direction])
            }
        }
        rates.set(group: v, rates: channels)
    }

    /// Moves vacancy `v` in `direction` and recomputes the channels within reach of both sites.
    private mutating func hop(_ v: Int, direction: Int, occupation: inout [Int8]) {
        let from = vacancies[v], to = lattice.neighbour(of: from, direction: direction)
        occupation[from] = occupation[to]
        occupation[to] = AlloySpecies.vacancy.rawValue
        let left = vacancyVoxels[v], arrived = lattice.voxel(of: to)
        vacancies[v] = to
        vacancyVoxels[v] = arrived
        hops += 1
        let reach = barriers.reachSquared
        for w in vacancies.indices {
            let voxel = vacancyVoxels[w]
            if w == v || lattice.squaredVoxelDistance(voxel, left) <= reach || lattice.squaredVoxelDistance(voxel, arrived) <= reach {
                refresh(w, occupation: occupation)
            }
        }
    }

    /// Makes `count` hops, or fewer if no hop is possible (every rate 0); time advances by the
    /// waiting times.
    mutating func run(hops count: Int, occupation: inout [Int8], random: RandomStream) {
        for _ in 0..<count {
            let total = rates.total
            guard total > 0 else { return }
            time += random.exponential(mean: 1 / total)
            let channel = rates.channel(at: random.uniform() * total)
            hop(channel / 8, direction: channel % 8, occupation: &occupation)
        }
    }

    /// Runs until `span` seconds have passed: the state at the end is a sample of the dynamics at
    /// that time (the last waiting time is cut at the end, the process being memoryless).
    mutating func run(for span: Double, occupation: inout [Int8], random: RandomStream) {
        let end = time + span
        while true {
            let total = rates.total
            guard total > 0 else { break }
            let wait = random.exponential(mean: 1 / total)
            guard time + wait <= end else { break }
            time += wait
            let channel = rates.channel(at: random.uniform() * total)
            hop(channel / 8, direction: channel % 8, occupation: &occupation)
        }
        time = end
    }

    /// Runs for `duration`: a number of hops or a time in seconds.
    mutating func run(_ duration: RegionDuration, occupation: inout [Int8], random: RandomStream) {
        switch duration {
        case .steps(let count): run(hops: count, occupation: &occupation, random: random)
        case .time(let span): run(for: span, occupation: &occupation, random: random)
        }
    }
}
