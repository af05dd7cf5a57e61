/// The built-in barrier model: first-neighbour pair energies and a kinetically resolved activation
/// energy, E_b = E₀ + (E_after − E_before)/2 (Docs/SYSTEMS.md, *NbMoTa alloy*).
///
/// The configurational energy is E = Σ over first-neighbour bonds of ε(σ_i, σ_j), with ε = 0 for any
/// bond to a vacancy. A hop of the atom s from site y onto the vacancy at x changes it by
/// ΔE = Σ_{z ∈ nn(x), z ≠ y} ε(s, σ_z) − Σ_{z ∈ nn(y), z ≠ x} ε(s, σ_z); the reverse hop has −ΔE, so
/// forward and backward rates are in the ratio exp(−ΔE/k_BT) (detailed balance with respect to E).
///
/// `illustrative` holds the default parameters. They are a choice, not a fit: E₀ = 0.8 eV is of the
/// order of vacancy-migration barriers in refractory BCC metals, and the unlike-pair energies favour
/// Mo–Ta most (the Mo–Ta B2-type order that first-principles studies of NbMoTa-based alloys find
/// strongest), Nb–Mo less and Nb–Ta hardly, like pairs being the zero of energy. With |ε| ≤ 0.06 eV
/// every barrier lies in [0.59, 1.01] eV.
public struct PairBarrierModel: HopBarrierModel, Equatable {
    /// The activation energy of a hop that leaves the energy unchanged, E₀ (eV).
    public let baseBarrier: Double
    /// ε(a, b) in eV for species codes a, b (4 × 4, row-major, symmetric, zero in row and column 0).
    public let pairEnergies: [Double]

    /// A model with activation energy `baseBarrier` and the pair energies of the three elements,
    /// given for (Nb, Mo, Ta) × (Nb, Mo, Ta) as a symmetric 3 × 3 row-major table.
    public init(baseBarrier: Double, elementPairEnergies: [Double]) {
        precondition(elementPairEnergies.count == 9, "pair energies form a 3 × 3 table over Nb, Mo, Ta")
        self.baseBarrier = baseBarrier
        var table = [Double](repeating: 0, count: 16)
        for a in 0..<3 {
            for b in 0..<3 {
                precondition(elementPairEnergies[3 * a + b] == elementPairEnergies[3 * b + a], "pair energies must be symmetric")
                table[4 * (a + 1) + (b + 1)] = elementPairEnergies[3 * a + b]
            }
        }
        pairEnergies = table
    }

    /// The default: E₀ = 0.8 eV; ε(Nb,Mo) = −0.03, ε(Nb,Ta) = −0.01, ε(Mo,Ta) = −0.06 eV, like pairs 0 (illustrative).
    public static let illustrative = PairBarrierModel(baseBarrier: 0.8, elementPairEnergies: [
        // Nb     Mo     Ta
        0.00, -0.03, -0.01, // Nb
        -0.03, 0.00, -0.06, // Mo
        -0.01, -0.06, 0.00, // Ta
    ])

    /// ε(a, b) for species codes a and b.
    @inlinable
    public func pairEnergy(_ a: Int8, _ b: Int8) -> Double { pairEnergies[4 * Int(a) + Int(b)] }

    /// The target's neighbours are at most (2, 2, 2) voxels from the vacancy: 12.
    public var reachSquared: Int { 12 }

    /// E₀ plus half the largest |ΔE|: seven bonds made and seven broken, each spanning the range of ε.
    public var highestBarrier: Double {
        let span = (pairEnergies.max() ?? 0) - (pairEnergies.min() ?? 0)
        return baseBarrier + 7 * span / 2
    }

    /// A barrier costs a few dozen table look-ups: lockstep gains nothing.
    public var lockstepChains: Int { 1 }

    /// Computes the vacancy's barriers at once: there is nothing to batch.
    public func addVacancy(at vacancy: Int, on lattice: BCCLattice, occupation: [Int8], to batch: BarrierBatch) {
        batch.barriers.append(hopBarriers(ofVacancyAt: vacancy, on: lattice, occupation: occupation))
    }

    /// Nothing left to do: `addVacancy` computed the barriers.
    public func evaluate(_ batch: BarrierBatch) {}

    /// The eight barriers of the vacancy at `vacancy`, `+∞` for a hop onto another vacancy.
    private func hopBarriers(ofVacancyAt vacancy: Int, on lattice: BCCLattice, occupation: [Int8]) -> SIMD8<Double> {
        let origin = lattice.voxel(of: vacancy)
        // Codes on the 3 × 3 × 3 cube of offsets {−2, 0, 2}³ (the neighbours of the neighbours) and on
        // the eight first neighbours.
        var shell = SIMD32<Int8>(repeating: 0)
        for a in 0..<3 {
            for b in 0..<3 {
                for c in 0..<3 {
                    shell[9 * a + 3 * b + c] = occupation[lattice.site(from: origin, offset: 2 * a - 2, 2 * b - 2, 2 * c - 2)]
                }
            }
        }
        var first = SIMD8<Int8>(repeating: 0)
        for direction in 0..<8 {
            let d = BCCLattice.offset(ofDirection: direction)
            first[direction] = occupation[lattice.site(from: origin, offset: d.x, d.y, d.z)]
        }
        var result = SIMD8<Double>(repeating: .infinity)
        for direction in 0..<8 where first[direction] != AlloySpecies.vacancy.rawValue {
            let atom = first[direction]
            let d = BCCLattice.offset(ofDirection: direction)
            var change = 0.0
            for other in 0..<8 {
                // Bonds made at the vacancy's site, to its neighbours other than the target.
                if other != direction { change += pairEnergy(atom, first[other]) }
                // Bonds broken at the target's site, to its neighbours other than the vacancy.
                if other != BCCLattice.reverse(ofDirection: direction) {
                    let e = BCCLattice.offset(ofDirection: other)
                    let index = 9 * ((d.x + e.x) / 2 + 1) + 3 * ((d.y + e.y) / 2 + 1) + (d.z + e.z) / 2 + 1
                    change -= pairEnergy(atom, shell[index])
                }
            }
            result[direction] = baseBarrier + change / 2
        }
        return result
    }
}
