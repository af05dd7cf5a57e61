import Artifacts
import Random

/// Upsampling of the alloy: a large lattice assembled from small configurations as tiles
/// (Docs/SYSTEMS.md, *NbMoTa alloy*; Docs/UPSAMPLING.md).
///
/// The lattice of factor·n cells per axis is cut into factor³ tiles of n³ cells. Every tile is a
/// small configuration of its own, shifted periodically by whole cells (an even number of voxels,
/// so the BCC sublattices map onto themselves and every bond of the periodic small configuration
/// is kept) so that its first vacancy sits in the centre cell of the tile: a vacancy starts as far
/// from the seams as it can, and a patch evolved around it first sees the structure of its own
/// small system. Shifting a periodic configuration changes none of its pair counts, so a tile
/// carries its snapshot's short-range order into the interior; only the bonds across the seams are
/// new, and LocalRelax windows that straddle them heal them.
///
/// Different tiles from independent snapshots make the large lattice's SRO an average of factor³
/// independent ones, with the fluctuations of a large system; copies of one snapshot keep the small
/// system's fluctuations (`upsample(_:factor:)`).
extension AlloyModel {
    /// factor³ tiles drawn from `draw`, each centred on its first vacancy, then brought to the
    /// canonical composition of the large lattice (`exactComposition`) by relabelling random sites.
    public func upsample(factor: Int, random: RandomStream, draw: () -> Grid<Int8>) -> Grid<Int8> {
        var large = assembleTiles(factor: factor, draw: draw)
        let target = resized(to: large.spatialShape)
        Self.relabel(&large.values, toCounts: Self.exactComposition(sites: large.values.count, vacancies: target.vacancies), random: random)
        return large
    }

    /// factor³ copies of `configuration`, each centred on its first vacancy: composition, vacancy
    /// concentration and SRO exactly those of the input.
    public func upsample(_ configuration: Grid<Int8>, factor: Int) -> Grid<Int8> {
        assembleTiles(factor: factor) { configuration }
    }

    /// The lattice of factor³ tiles, in C order of their origins, each a configuration from `draw`
    /// centred on its first vacancy (as drawn where it has none).
    func assembleTiles(factor: Int, draw: () -> Grid<Int8>) -> Grid<Int8> {
        let first = Self.centredOnFirstVacancy(draw())
        var large = Grid(components: 2, spatialShape: first.spatialShape.map { $0 * factor }, repeating: AlloySpecies.vacancy.rawValue)
        for (t, origin) in Grid<Int8>.tilingOrigins(of: large.spatialShape, patchSize: first.spatialShape).enumerated() {
            let tile = t == 0 ? first : Self.centredOnFirstVacancy(draw())
            precondition(tile.spatialShape == first.spatialShape, "alloy tiles must share one shape")
            large.insert(tile, at: origin)
        }
        return large
    }

    /// The configuration shifted periodically by whole cells so that its first vacancy (in site
    /// order) lies in the centre cell ⌊n/2⌋ of every axis, on its own sublattice.
    static func centredOnFirstVacancy(_ configuration: Grid<Int8>) -> Grid<Int8> {
        guard let site = configuration.values.firstIndex(of: AlloySpecies.vacancy.rawValue) else { return configuration }
        let shape = configuration.spatialShape
        let cell = BCCLattice(shape: shape).cell(of: site)
        let shift = zip([cell.i, cell.j, cell.k], shape).map { position, extent in (position - extent / 2 + extent) % extent }
        return configuration.patch(origin: shift, size: shape)
    }

    /// The canonical counts of codes 0…3 on `sites` sites with `vacancies` vacancies: of the
    /// A = sites − vacancies atoms, ⌊A/3⌋ of each element and the A mod 3 left over to Nb, then Mo.
    public static func exactComposition(sites: Int, vacancies: Int) -> [Int] {
        let atoms = sites - vacancies
        return [vacancies] + AlloySpecies.elements.indices.map { atoms / 3 + ($0 < atoms % 3 ? 1 : 0) }
    }

    /// Relabels sites so that code c occurs `counts[c]` times: sites of the codes in surplus, chosen
    /// uniformly, take the codes in deficit (in code order). Leaves `values` as it is when the
    /// counts already agree, drawing nothing.
    static func relabel(_ values: inout [Int8], toCounts counts: [Int], random: RandomStream) {
        precondition(counts.reduce(0, +) == values.count, "relabel: \(counts) does not add up to \(values.count) sites")
        var present = [Int](repeating: 0, count: counts.count)
        for value in values { present[Int(value)] += 1 }
        guard present != counts else { return }
        var surplus: [Int] = []
        for code in counts.indices where present[code] > counts[code] {
            var sites = values.indices.filter { values[$0] == Int8(code) }
            random.shuffle(&sites)
            surplus += sites.prefix(present[code] - counts[code])
        }
        var next = surplus.makeIterator()
        for code in counts.indices where present[code] < counts[code] {
            for _ in 0..<(counts[code] - present[code]) { values[next.next()!] = Int8(code) }
        }
    }
}
