/// The six short-range-order parameters of NbMoTa, δ_ij = Z_ij − 8/3 (Docs/SYSTEMS.md, *NbMoTa alloy*).
///
/// Z_ij is the mean number of j-type first neighbours of an i-type atom: the number of ordered
/// (i-atom, j-neighbour) pairs over the number of i atoms. The six are the pairs i ≤ j in the order
/// Nb, Mo, Ta — NbNb, NbMo, NbTa, MoMo, MoTa, TaTa — with i the first of the pair: Z_NbMo counts the Mo
/// neighbours of Nb atoms (Z_MoNb = Z_NbMo N_Nb/N_Mo, equal to it at equal composition). Vacancies
/// are nobody's neighbour, so Σ_j Z_ij = 8 minus the mean number of vacancies next to an i atom; in
/// a random alloy without vacancies every δ is 0. A species absent from the configuration gets
/// δ = 0 for its pairs. Computed in one pass over the corner sublattice (every bond joins a corner
/// to a body centre), the lattice periodic — a whole configuration or a block of cells alike.
public enum ShortRangeOrder {
    /// The six pairs (i, j), as species codes.
    public static let pairs: [(AlloySpecies, AlloySpecies)] = [
        (.niobium, .niobium), (.niobium, .molybdenum), (.niobium, .tantalum),
        (.molybdenum, .molybdenum), (.molybdenum, .tantalum), (.tantalum, .tantalum),
    ]

    /// `sroNbNb`, `sroNbMo`, `sroNbTa`, `sroMoMo`, `sroMoTa`, `sroTaTa`.
    public static let names = pairs.map { "sro\($0.0.symbol)\($0.1.symbol)" }

    /// The random-alloy coordination per species, 8/3.
    public static let randomCoordination = 8.0 / 3.0

    /// δ_ij for the six pairs of `occupation` (species codes in the order of `lattice`).
    public static func parameters(of occupation: [Int8], on lattice: BCCLattice) -> [Double] {
        // counts[a]: atoms of code a; bonds[4a + b]: ordered pairs (a-site, b-neighbour).
        var counts = [Int](repeating: 0, count: 4)
        var bonds = [Int](repeating: 0, count: 16)
        for site in 0..<lattice.siteCount { counts[Int(occupation[site])] += 1 }
        for corner in 0..<lattice.sitesPerSublattice {
            let a = Int(occupation[corner])
            guard a != 0 else { continue }
            let origin = lattice.voxel(of: corner)
            for direction in 0..<8 {
                let d = BCCLattice.offset(ofDirection: direction)
                let b = Int(occupation[lattice.site(from: origin, offset: d.x, d.y, d.z)])
                bonds[4 * a + b] += 1
                bonds[4 * b + a] += 1
            }
        }
        return pairs.map { i, j in
            let atoms = counts[Int(i.rawValue)]
            guard atoms > 0 else { return 0 }
            return Double(bonds[4 * Int(i.rawValue) + Int(j.rawValue)]) / Double(atoms) - randomCoordination
        }
    }
}
