/// The featurisation of the NNK barrier network (Xing et al., Nat. Commun. 15, 3879 (2024)), as the
/// reference specifies it (Docs/SYSTEMS.md, *NbMoTa alloy*).
///
/// For a vacancy at voxel c the network reads the 9 × 9 × 9 voxel cube centred on c (periodic),
/// every voxel farther than 7.5 Å from the centre set to 0 — with voxels of a/2 = 1.62 Å, the
/// offsets p with |p|² ≤ 21. For hop direction d the cube is turned into the frame in which the hop
/// points to (+1, +1, +1): T_d[p] = C[S_d p], with S_d fixing z up to the sign d_z and mapping
/// (x, y) to (x, y), (−x, −y), (−y, x) or (y, −x) for (d_x, d_y) = (1, 1), (−1, −1), (−1, 1),
/// (1, −1); T_d is flattened in C order (x slowest) into the 729 inputs.
///
/// Only the voxels of the cube that are lattice sites inside the sphere can be non-zero: 113 of them
/// (57 with even and 56 with odd offsets, the vacancy itself included), and S_d maps them onto
/// themselves. So the environment is read once as 113 codes, and the input of direction d at the
/// m-th sphere offset p_m is the code at offset S_d p_m, another of the 113: a permutation per direction.
public struct NNKEnvironment: Sendable {
    /// Voxels per axis of the cube.
    public static let width = 9
    /// Inputs of the network, 9³.
    public static let inputCount = width * width * width
    /// The lattice constant a of NbMoTa, 3.24 Å.
    public static let latticeConstant = 3.24
    /// The radius of the environment, 7.5 Å.
    public static let cutoff = 7.5

    /// The voxel offsets p_m of the sites inside the cutoff, in C order of the cube.
    public let offsets: [(x: Int, y: Int, z: Int)]
    /// `inputs[m]`: the network input of offset p_m (its C-order index in the cube).
    public let inputs: [Int]
    /// `sources[d * offsets.count + m]`: the index in `offsets` of S_d p_m, whose code is the input
    /// at p_m for hop direction d.
    public let sources: [Int]

    public init() {
        let half = NNKEnvironment.width / 2
        let voxel = NNKEnvironment.latticeConstant / 2
        var offsets: [(x: Int, y: Int, z: Int)] = []
        for x in -half...half {
            for y in -half...half {
                for z in -half...half {
                    let sameParity = (x & 1) == (y & 1) && (y & 1) == (z & 1)
                    let distance = voxel * Double(x * x + y * y + z * z).squareRoot()
                    if sameParity && distance <= NNKEnvironment.cutoff { offsets.append((x, y, z)) }
                }
            }
        }
        var index: [Int: Int] = [:]
        for (m, o) in offsets.enumerated() { index[NNKEnvironment.input(o)] = m }
        var sources = [Int](repeating: 0, count: 8 * offsets.count)
        for direction in 0..<8 {
            for (m, p) in offsets.enumerated() {
                guard let source = index[NNKEnvironment.input(NNKEnvironment.frame(ofDirection: direction, p))] else {
                    preconditionFailure("S_d maps the sphere onto itself")
                }
                sources[direction * offsets.count + m] = source
            }
        }
        self.offsets = offsets
        inputs = offsets.map(NNKEnvironment.input)
        self.sources = sources
    }

    /// The input index of cube offset `p` (each component in −4…4), C order with x slowest.
    static func input(_ p: (x: Int, y: Int, z: Int)) -> Int {
        let half = width / 2
        return ((p.x + half) * width + (p.y + half)) * width + (p.z + half)
    }

    /// S_d p: where input p of the frame of hop direction d reads the cube.
    static func frame(ofDirection direction: Int, _ p: (x: Int, y: Int, z: Int)) -> (x: Int, y: Int, z: Int) {
        let d = BCCLattice.offset(ofDirection: direction)
        let z = d.z * p.z
        switch (d.x, d.y) {
        case (1, 1): return (p.x, p.y, z)
        case (-1, -1): return (-p.x, -p.y, z)
        case (-1, 1): return (-p.y, p.x, z)
        default: return (p.y, -p.x, z)
        }
    }
}
