/// A model of the migration barriers of vacancy hops in the NbMoTa lattice (Docs/SYSTEMS.md, *NbMoTa alloy*).
///
/// The kinetic Monte Carlo asks for the eight barriers of vacancies and recomputes them after a hop
/// only for the vacancies whose environment, the sites within `reachSquared`, changed. It asks in
/// batches (`BarrierBatch`): the vacancies are added one by one, each reading its occupation when
/// added, then the model evaluates them all at once — for a network, one matrix product per layer
/// for the vacancies of one hop, or of one hop of each of several independent lattices run in lockstep.
public protocol HopBarrierModel: Sendable {
    /// The squared voxel distance from a vacancy within which lie all the sites its barriers read.
    var reachSquared: Int { get }

    /// The highest barrier the model can give, in eV: it bounds the temperatures at which the
    /// slowest rate ν₀ exp(−E_b/k_BT) is still a normal `Double`.
    var highestBarrier: Double { get }

    /// Independent chains worth running in lockstep (`VacancyKineticMonteCarlo.runInLockstep`) at
    /// most: 1 where a batch costs what its vacancies cost one by one.
    var lockstepChains: Int { get }

    /// Adds the vacancy at `vacancy` to `batch`, reading its environment from `occupation` now; its
    /// barriers are `batch.barriers[i]` (i the batch's count before the call) once `evaluate` has run.
    func addVacancy(at vacancy: Int, on lattice: BCCLattice, occupation: [Int8], to batch: BarrierBatch)

    /// Completes the barriers of every vacancy added to `batch`.
    func evaluate(_ batch: BarrierBatch)
}

extension HopBarrierModel {
    /// The barriers E_b (eV) of the eight hops of the vacancy at `vacancy`, indexed by hop direction
    /// (`BCCLattice`); `+∞` for a hop onto another vacancy. A batch of one, for single questions.
    public func barriers(ofVacancyAt vacancy: Int, on lattice: BCCLattice, occupation: [Int8]) -> SIMD8<Double> {
        let batch = BarrierBatch()
        addVacancy(at: vacancy, on: lattice, occupation: occupation, to: batch)
        evaluate(batch)
        return batch.barriers[0]
    }
}
