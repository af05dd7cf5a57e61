/// A block of cells of a periodic BCC lattice, wrapping around its edges: the region that partial
/// evolution and LocalRelax move atoms in.
struct CellBlock: Sendable {
    let origin: [Int]
    let size: [Int]
    let lattice: BCCLattice

    /// Whether `site` lies in a cell of the block (both sublattices of a cell belong to it).
    func contains(_ site: Int) -> Bool {
        let cell = lattice.cell(of: site)
        return covers(cell.i, axis: 0) && covers(cell.j, axis: 1) && covers(cell.k, axis: 2)
    }

    /// Whether cell coordinate `coordinate` along `axis` lies in the block's extent, periodically.
    @inline(__always)
    private func covers(_ coordinate: Int, axis: Int) -> Bool {
        let extent = lattice.shape[axis]
        return ((coordinate - origin[axis]) % extent + extent) % extent < size[axis]
    }

    /// The block's sites, both sublattices, in lattice order of cells.
    var sites: [Int] {
        var result: [Int] = []
        result.reserveCapacity(2 * size.reduce(1, *))
        let shape = lattice.shape
        for sublattice in 0..<2 {
            for a in 0..<size[0] {
                let i = (origin[0] + a) % shape[0]
                for b in 0..<size[1] {
                    let j = (origin[1] + b) % shape[1]
                    for c in 0..<size[2] {
                        let k = (origin[2] + c) % shape[2]
                        result.append(sublattice * lattice.sitesPerSublattice + (i * shape[1] + j) * shape[2] + k)
                    }
                }
            }
        }
        return result
    }
}
