/// The periodic BCC lattice of n_x × n_y × n_z cubic cells, stored as its two simple-cubic sublattices.
///
/// Site (c, i, j, k) — sublattice c (0: cube corners, 1: body centres) in cell (i, j, k) — sits at
/// voxel (2i + c, 2j + c, 2k + c) of the reference voxel grid (spacing a/2, 2n voxels per axis, the
/// sites being the voxels whose three indices have equal parity). Its index is
/// c·n_x n_y n_z + (i·n_y + j)·n_z + k: the layout of a `Grid` with 2 components on the spatial
/// shape [n_x, n_y, n_z], so a block of cells is a `Grid` patch and holds only sites.
///
/// The eight first-neighbour hops are the voxel offsets d ∈ {±1}³, numbered
/// 4·[d_x > 0] + 2·[d_y > 0] + [d_z > 0]: (−1,−1,−1) is 0, (−1,−1,1) is 1, …, (1,1,1) is 7, the
/// order of the reference's table of hop frames. A corner site's neighbours are body centres and
/// vice versa. Neighbours are computed, not tabulated, so a lattice of any size costs no memory.
public struct BCCLattice: Sendable, Equatable {
    /// Cells along each axis, slowest first.
    public let shape: [Int]
    /// Sites per sublattice, n_x n_y n_z.
    public let sitesPerSublattice: Int
    private let nx: Int, ny: Int, nz: Int

    /// The lattice of `shape` cells (three extents, each at least 1).
    public init(shape: [Int]) {
        precondition(shape.count == 3 && shape.allSatisfy { $0 >= 1 }, "a BCC lattice needs three positive extents, got \(shape)")
        self.shape = shape
        (nx, ny, nz) = (shape[0], shape[1], shape[2])
        sitesPerSublattice = nx * ny * nz
    }

    /// Lattice sites, 2 n_x n_y n_z.
    public var siteCount: Int { 2 * sitesPerSublattice }

    /// The voxel offset of hop direction `direction` (0…7), each component ±1.
    @inlinable
    public static func offset(ofDirection direction: Int) -> (x: Int, y: Int, z: Int) {
        ((direction >> 2) & 1 == 1 ? 1 : -1, (direction >> 1) & 1 == 1 ? 1 : -1, direction & 1 == 1 ? 1 : -1)
    }

    /// The direction of the reverse hop: d ↦ −d.
    @inlinable
    public static func reverse(ofDirection direction: Int) -> Int { 7 - direction }

    /// The sublattice and cell (i, j, k) of `site`.
    public func cell(of site: Int) -> (sublattice: Int, i: Int, j: Int, k: Int) {
        let sublattice = site >= sitesPerSublattice ? 1 : 0
        let cell = site - sublattice * sitesPerSublattice
        let k = cell % nz, ij = cell / nz
        return (sublattice, ij / ny, ij % ny, k)
    }

    /// The voxel coordinates of `site`.
    public func voxel(of site: Int) -> (x: Int, y: Int, z: Int) {
        let (c, i, j, k) = cell(of: site)
        return (2 * i + c, 2 * j + c, 2 * k + c)
    }

    /// The site at voxel `origin` + (dx, dy, dz), wrapped periodically. The result's voxel must have
    /// three indices of equal parity; offsets may be at most 2n voxels along each axis.
    public func site(from origin: (x: Int, y: Int, z: Int), offset dx: Int, _ dy: Int, _ dz: Int) -> Int {
        @inline(__always) func wrap(_ value: Int, _ extent: Int) -> Int {
            value < 0 ? value + extent : (value >= extent ? value - extent : value)
        }
        let x = wrap(origin.x + dx, 2 * nx), y = wrap(origin.y + dy, 2 * ny), z = wrap(origin.z + dz, 2 * nz)
        return (x & 1) * sitesPerSublattice + ((x >> 1) * ny + (y >> 1)) * nz + (z >> 1)
    }

    /// The first neighbour of `site` in hop direction `direction` (0…7), wrapped periodically.
    public func neighbour(of site: Int, direction: Int) -> Int {
        let d = BCCLattice.offset(ofDirection: direction)
        return self.site(from: voxel(of: site), offset: d.x, d.y, d.z)
    }

    /// The squared distance between two voxels of the lattice, each axis taken as its shortest periodic image.
    @inline(__always)
    public func squaredVoxelDistance(_ a: (x: Int, y: Int, z: Int), _ b: (x: Int, y: Int, z: Int)) -> Int {
        @inline(__always) func axis(_ delta: Int, _ extent: Int) -> Int {
            let wrapped = delta < 0 ? delta + extent : delta
            let shortest = min(wrapped, extent - wrapped)
            return shortest * shortest
        }
        return axis(a.x - b.x, 2 * nx) + axis(a.y - b.y, 2 * ny) + axis(a.z - b.z, 2 * nz)
    }
}
