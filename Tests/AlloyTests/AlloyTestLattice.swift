import Random
@testable import Systems

/// The BCC geometry the tests check the sources against, written out independently: sites by
/// (sublattice, cell) in the documented index order, neighbours by voxel arithmetic modulo 2n.
struct TestLattice {
    let shape: [Int]

    var sitesPerSublattice: Int { shape.reduce(1, *) }
    var siteCount: Int { 2 * sitesPerSublattice }

    func voxel(_ site: Int) -> [Int] {
        let c = site / sitesPerSublattice, cell = site % sitesPerSublattice
        let i = cell / (shape[1] * shape[2]), j = (cell / shape[2]) % shape[1], k = cell % shape[2]
        return [2 * i + c, 2 * j + c, 2 * k + c]
    }

    func site(_ voxel: [Int]) -> Int {
        let v = (0..<3).map { ((voxel[$0] % (2 * shape[$0])) + 2 * shape[$0]) % (2 * shape[$0]) }
        let c = v[0] % 2
        return c * sitesPerSublattice + ((v[0] / 2) * shape[1] + v[1] / 2) * shape[2] + v[2] / 2
    }

    /// Direction d: bit 2 for +x, bit 1 for +y, bit 0 for +z.
    func neighbour(_ site: Int, _ direction: Int) -> Int {
        let d = [direction & 4 != 0 ? 1 : -1, direction & 2 != 0 ? 1 : -1, direction & 1 != 0 ? 1 : -1]
        return self.site(zip(voxel(site), d).map { $0 + $1 })
    }

    /// Every first-neighbour bond once: from each corner site to its eight body-centre neighbours.
    var bonds: [(Int, Int)] {
        (0..<sitesPerSublattice).flatMap { corner in (0..<8).map { (corner, neighbour(corner, $0)) } }
    }

    /// The total pair energy Σ_bonds ε(σ_i, σ_j) of the pair model.
    func energy(_ occupation: [Int8], _ model: PairBarrierModel) -> Double {
        bonds.reduce(0) { $0 + model.pairEnergy(occupation[$1.0], occupation[$1.1]) }
    }

    /// A random occupation with `vacancies` vacancies and the atoms split as `fractions` (Nb, Mo, Ta) allow.
    func randomOccupation(vacancies: Int, niobium: Int, molybdenum: Int, seed: UInt64) -> [Int8] {
        precondition(vacancies + niobium + molybdenum <= siteCount)
        var codes = [Int8](repeating: 0, count: vacancies) + [Int8](repeating: 1, count: niobium)
            + [Int8](repeating: 2, count: molybdenum) + [Int8](repeating: 3, count: siteCount - vacancies - niobium - molybdenum)
        RandomStream(seed: seed, stage: "alloy-test").shuffle(&codes)
        return codes
    }
}

/// Counts of codes 0…3.
func composition(_ occupation: [Int8]) -> [Int] {
    (0..<4).map { code in occupation.filter { $0 == code }.count }
}
