import Foundation
import Random

/// Rejection-free kinetic Monte Carlo of vacancy hops in the NbMoTa lattice (Docs/SYSTEMS.md, *NbMoTa alloy*).
///
/// Every (vacancy, direction) pair is a channel with rate ν₀ exp(−E_b/k_BT), E_b from the barrier
/// model; a hop onto another vacancy, or out of the region when one is set, has rate 0. An event
/// draws the waiting time Exp(Σk) (seconds), picks a channel with probability k/Σk from a sum tree,
/// swaps the vacancy with the atom, and recomputes the channels of every vacancy within the model's
/// reach of the two sites that changed — the moved vacancy's own among them — unless the hop undoes
/// the previous one, which restores the channels it replaced (`HopHistory`).
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
    /// The vacancies whose channels wait for the barriers of a batch, and where theirs begin in it.
    private var stale: [Int] = []
    private var firstStale = 0
    /// The latest hops and the channels they replaced.
    private var history = HopHistory()
    /// The batch of this sampler's own runs.
    private let batch = BarrierBatch()
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
        for v in vacancies.indices { markStale(v, occupation: occupation, in: batch) }
        barriers.evaluate(batch)
        refreshStale(from: batch, occupation: occupation)
    }

    /// The total rate of leaving the current state, Σk (1/s).
    var totalRate: Double { rates.total }

    /// Adds vacancy `v` to `batch`, its channels to be set by `refreshStale`.
    private mutating func markStale(_ v: Int, occupation: [Int8], in batch: BarrierBatch) {
        if stale.isEmpty { firstStale = batch.count }
        stale.append(v)
        barriers.addVacancy(at: vacancies[v], on: lattice, occupation: occupation, to: batch)
    }

    /// Sets the eight channels of every stale vacancy from the evaluated `batch`.
    mutating func refreshStale(from batch: BarrierBatch, occupation: [Int8]) {
        for (i, v) in stale.enumerated() {
            let site = vacancies[v], energies = batch.barriers[firstStale + i]
            var channels = SIMD8<Double>(repeating: 0)
            for direction in 0..<8 {
                let target = lattice.neighbour(of: site, direction: direction)
                if occupation[target] != AlloySpecies.vacancy.rawValue && (region?.contains(target) ?? true) {
                    channels[direction] = Self.attemptFrequency * exp(-beta * energies[direction])
                }
            }
            rates.set(group: v, rates: channels)
        }
        stale.removeAll(keepingCapacity: true)
    }

    /// Draws the next event of a run that ends after `limit`: advances the time by the waiting time
    /// and returns the channel, or returns nil when the run is over — no hop possible (every rate 0),
    /// the hop limit reached, or the next event after the end time, the time then set to the end
    /// (the process being memoryless, the state is a sample of the dynamics at that time).
    mutating func nextChannel(before limit: RunLimit, random: RandomStream) -> Int? {
        let total = rates.total
        guard hops < limit.hops, total > 0 else { return finish(limit) }
        let wait = random.exponential(mean: 1 / total)
        guard time + wait <= limit.end else { return finish(limit) }
        time += wait
        return rates.channel(at: random.uniform() * total)
    }

    /// Ends a run: a run for a time ends at its end time.
    private mutating func finish(_ limit: RunLimit) -> Int? {
        if limit.end.isFinite { time = limit.end }
        return nil
    }

    /// Makes the hop of `channel` (vacancy channel / 8, direction channel % 8) and adds every vacancy
    /// within reach of the two sites that changed — the moved one among them — to `batch`; or, when
    /// the hop undoes the previous one, restores the channels that one replaced and adds nothing.
    mutating func hop(_ channel: Int, occupation: inout [Int8], batch: BarrierBatch) {
        let v = channel / 8, direction = channel % 8
        let from = vacancies[v], to = lattice.neighbour(of: from, direction: direction)
        occupation[from] = occupation[to]
        occupation[to] = AlloySpecies.vacancy.rawValue
        let left = vacancyVoxels[v], arrived = lattice.voxel(of: to)
        vacancies[v] = to
        vacancyVoxels[v] = arrived
        hops += 1
        if history.undoesLatest(vacancy: v, direction: direction) {
            history.undoLatest { rates.set(group: $0, rates: $1) }
            return
        }
        history.remember(vacancy: v, direction: direction)
        let reach = barriers.reachSquared
        for w in vacancies.indices {
            let voxel = vacancyVoxels[w]
            if w == v || lattice.squaredVoxelDistance(voxel, left) <= reach || lattice.squaredVoxelDistance(voxel, arrived) <= reach {
                history.replace(vacancy: w, rates: rates.rates(ofGroup: w))
                markStale(w, occupation: occupation, in: batch)
            }
        }
    }

    /// Runs for `duration`: a number of hops or a time in seconds.
    mutating func run(_ duration: RegionDuration, occupation: inout [Int8], random: RandomStream) {
        let limit = RunLimit(duration, from: self)
        while let channel = nextChannel(before: limit, random: random) {
            batch.removeAll()
            hop(channel, occupation: &occupation, batch: batch)
            barriers.evaluate(batch)
            refreshStale(from: batch, occupation: occupation)
        }
    }

    /// Makes `count` hops, or fewer if no hop is possible (every rate 0); time advances by the
    /// waiting times.
    mutating func run(hops count: Int, occupation: inout [Int8], random: RandomStream) {
        run(.steps(count), occupation: &occupation, random: random)
    }

    /// Where a run of a sampler stops: after a number of hops in all, or at a time.
    struct RunLimit {
        /// The sampler's hop count at which the run stops (`Int.max` for a run for a time).
        let hops: Int
        /// The time at which the run stops (+∞ for a run of a number of hops).
        let end: Double

        /// The limit of a run for `duration` starting from `sampler`'s current state.
        init(_ duration: RegionDuration, from sampler: VacancyKineticMonteCarlo) {
            switch duration {
            case .steps(let count): (hops, end) = (sampler.hops + count, .infinity)
            case .time(let span): (hops, end) = (.max, sampler.time + span)
            }
        }
    }
}
