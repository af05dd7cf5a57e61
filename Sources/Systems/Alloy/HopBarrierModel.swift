/// A model of the migration barriers of vacancy hops in the NbMoTa lattice (Docs/SYSTEMS.md, *NbMoTa alloy*).
///
/// The kinetic Monte Carlo asks for the eight barriers of one vacancy at a time and recomputes them
/// after a hop only for the vacancies whose environment, the sites within `reachSquared`, changed.
public protocol HopBarrierModel: Sendable {
    /// The squared voxel distance from a vacancy within which lie all the sites its barriers read.
    var reachSquared: Int { get }

    /// The highest barrier the model can give, in eV: it bounds the temperatures at which the
    /// slowest rate ν₀ exp(−E_b/k_BT) is still a normal `Double`.
    var highestBarrier: Double { get }

    /// The barriers E_b (eV) of the eight hops of the vacancy at `vacancy`, indexed by hop direction
    /// (`BCCLattice`); `+∞` for a hop onto another vacancy.
    func barriers(ofVacancyAt vacancy: Int, on lattice: BCCLattice, occupation: [Int8]) -> SIMD8<Double>
}
