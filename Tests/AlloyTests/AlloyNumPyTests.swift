import Artifacts
import Foundation
@testable import Systems
import TestSupport
import XCTest

/// The SRO parameters and the NNK barriers against independent NumPy transcriptions of the
/// specification, working on the reference voxel grid built in NumPy from the saved sites.
final class AlloyNumPyTests: XCTestCase {
    /// Builds the (2n)³ voxel grid V from sites saved as [2, n, n, n] (V[c::2, c::2, c::2] = sites[c]).
    static let voxelGrid = """
        import numpy as np, sys
        sites = np.load(sys.argv[1]); n = sites.shape[1]; E = 2 * n
        V = np.zeros((E, E, E), dtype=np.int64)
        for c in range(2): V[c::2, c::2, c::2] = sites[c]
        """

    /// δ_ij = Z_ij − 8/3 from np.roll over the eight neighbour offsets, on a configuration with
    /// vacancies and unequal amounts of the elements (so Z_NbMo ≠ Z_MoNb).
    func testShortRangeOrderAgreesWithNumPy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let geometry = TestLattice(shape: [4, 4, 4])
        let occupation = geometry.randomOccupation(vacancies: 5, niobium: 50, molybdenum: 35, seed: 21)
        let file = directory.file("sites.npy")
        try NPYFile.write(try NumPyArray(occupation, shape: [2, 4, 4, 4]), to: file)
        let output = try Python.run(Self.voxelGrid + """

            site = np.zeros_like(V, dtype=bool)
            for c in range(2): site[c::2, c::2, c::2] = True
            counts = {i: ((V == i) & site).sum() for i in (1, 2, 3)}
            pairs = np.zeros((4, 4))
            for d in [(x, y, z) for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)]:
                N = np.roll(V, shift=(-d[0], -d[1], -d[2]), axis=(0, 1, 2))
                for i in (1, 2, 3):
                    for j in (1, 2, 3):
                        pairs[i, j] += ((V == i) & site & (N == j)).sum()
            for i, j in [(1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3)]:
                print('%.17g' % (pairs[i, j] / counts[i] - 8 / 3))
            """, [file.path])
        let expected = output.split(separator: "\n").compactMap { Double($0) }
        let model = AlloyModel(cells: 4, temperature: 1000)
        let values = model.observables(of: Grid(components: 2, spatialShape: [4, 4, 4], values: occupation))
        XCTAssertEqual(expected.count, 6)
        XCTAssertEqual(AlloyModel.observableNames, ["sroNbNb", "sroNbMo", "sroNbTa", "sroMoMo", "sroMoTa", "sroTaTa"])
        for (value, reference) in zip(values, expected) { XCTAssertEqual(value, reference, accuracy: 1e-12) }
    }

    /// Random weights written by NumPy in the reference layout: barriers of every hop of three
    /// vacancies (one next to another vacancy) on a 4³-cell lattice, whose 8-voxel axes make the
    /// 9-voxel cube wrap onto itself, and on a 5³-cell lattice.
    func testNNKBarriersAgreeWithNumPyForEveryDirection() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let weights = directory.file("weights.npz")
        try Self.writeRandomWeights(to: weights)
        try checkNNKBarriers(weightsAt: weights, in: directory, tolerance: 2e-5)
    }

    /// An alloy with NNK barriers records the weights' path and SHA-256; rebuilt from its
    /// configuration it refuses a file whose digest is not the recorded one.
    func testNNKWeightsAreRecordedByDigest() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let weights = directory.file("weights.npz")
        try Self.writeRandomWeights(to: weights)
        let configuration: [String: JSONValue] = ["system": "alloy", "barriers": "nnk", "nnkWeights": .string(weights.path)]
        let model = try SystemRegistry.system(from: SystemConfiguration(configuration))
        XCTAssertEqual(model.configuration["nnkWeightsSHA256"], .string(try SHA256.hex(fileAt: weights)))
        XCTAssertEqual(try SystemRegistry.system(from: SystemConfiguration(model.configuration)).configuration, model.configuration)
        var altered = model.configuration
        altered["nnkWeightsSHA256"] = .string(String(repeating: "0", count: 64))
        XCTAssertThrowsError(try SystemRegistry.system(from: SystemConfiguration(altered))) { error in
            XCTAssertTrue(String(describing: error).contains("not the recorded"), "\(error)")
        }
    }

    /// Random float32 weights in the reference layout, drawn by NumPy.
    static func writeRandomWeights(to weights: URL) throws {
        try Python.run("""
            import numpy as np, sys
            rng = np.random.default_rng(4)
            arrays, inputs = {}, 729
            for l in range(4):
                arrays[f'hidden{l}.weight'] = rng.normal(0, 1 / np.sqrt(113 if l == 0 else 128), (inputs, 128))
                arrays[f'hidden{l}.bias'] = rng.normal(0, 0.1, 128)
                arrays[f'hidden{l}.bn_gamma'] = rng.uniform(0.5, 1.5, 128)
                arrays[f'hidden{l}.bn_beta'] = rng.normal(0, 0.1, 128)
                arrays[f'hidden{l}.bn_running_mean'] = rng.normal(0, 0.3, 128)
                arrays[f'hidden{l}.bn_running_var'] = rng.uniform(0.5, 2, 128)
                inputs = 128
            arrays['output.weight'] = rng.normal(0, 0.2, (128, 1))
            arrays['output.bias'] = np.array([0.9])
            np.savez(sys.argv[1], **{k: v.astype(np.float32) for k, v in arrays.items()})
            """, [weights.path])
    }

    /// The published NNK weights, when this machine has them: the loader's all-zero check
    /// (0.38723 eV) and the barriers of a fixed structure against NumPy.
    func testPublishedNNKWeights() throws {
        let path = "/work/shared/data/nbmota/nnk_barrier_mlp.npz"
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("the published NNK weights are not at \(path): they are data for tests only and are not part of the project")
        }
        let url = URL(fileURLWithPath: path)
        let network = try NNKBarrierModel(contentsOf: url)
        XCTAssertEqual(network.barrier(forInputs: [Float](repeating: 0, count: 729)), 0.38723, accuracy: 5e-5)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try checkNNKBarriers(weightsAt: url, in: directory, tolerance: 1e-4)
    }

    /// Compares `NNKBarrierModel.barriers` with a NumPy transcription of the specification
    /// (cube, 7.5 Å mask, the eight S_d frames as the spec's table writes them, C-order flatten,
    /// eval-mode BatchNorm) for every direction of three vacancies, on 4³ and 5³ cells.
    func checkNNKBarriers(weightsAt weights: URL, in directory: TemporaryDirectory, tolerance: Double) throws {
        let network = try NNKBarrierModel(contentsOf: weights)
        for cells in [4, 5] {
            let geometry = TestLattice(shape: [cells, cells, cells])
            var occupation = geometry.randomOccupation(vacancies: 0, niobium: geometry.siteCount / 3,
                                                       molybdenum: geometry.siteCount / 3, seed: UInt64(30 + cells))
            let vacancies = [0, geometry.neighbour(0, 5), geometry.site([cells, cells, cells])]
            for vacancy in vacancies { occupation[vacancy] = 0 }
            let file = directory.file("nnk-\(cells).npy")
            try NPYFile.write(try NumPyArray(occupation, shape: [2, cells, cells, cells]), to: file)
            let output = try Python.run(Self.voxelGrid + """

                W = np.load(sys.argv[2])
                frames = {(-1, -1, -1): lambda x, y, z: (-x, -y, -z), (-1, -1, 1): lambda x, y, z: (-x, -y, z),
                          (-1, 1, -1): lambda x, y, z: (-y, x, -z), (-1, 1, 1): lambda x, y, z: (-y, x, z),
                          (1, -1, -1): lambda x, y, z: (y, -x, -z), (1, -1, 1): lambda x, y, z: (y, -x, z),
                          (1, 1, -1): lambda x, y, z: (x, y, -z), (1, 1, 1): lambda x, y, z: (x, y, z)}
                p = np.arange(-4, 5)
                X, Y, Z = np.meshgrid(p, p, p, indexing='ij')
                far = (X**2 + Y**2 + Z**2) * 1.62**2 > 7.5**2
                def barrier(x):
                    for l in range(4):
                        x = x @ W[f'hidden{l}.weight'] + W[f'hidden{l}.bias']
                        x = (x - W[f'hidden{l}.bn_running_mean']) / np.sqrt(W[f'hidden{l}.bn_running_var'] + 1e-5)
                        x = np.maximum(x * W[f'hidden{l}.bn_gamma'] + W[f'hidden{l}.bn_beta'], 0)
                    return (x @ W['output.weight'] + W['output.bias'])[0]
                for s in map(int, sys.argv[3:]):
                    c, cell = divmod(s, n**3)
                    centre = (2 * (cell // n**2) + c, 2 * (cell // n % n) + c, 2 * (cell % n) + c)
                    C = V[np.ix_(*[(centre[a] + p) % E for a in range(3)])].astype(np.float64)
                    C[far] = 0
                    for k in range(8):
                        d = (1 if k & 4 else -1, 1 if k & 2 else -1, 1 if k & 1 else -1)
                        sx, sy, sz = frames[d](X, Y, Z)
                        T = C[sx + 4, sy + 4, sz + 4]
                        print('%.17g' % barrier(T.reshape(-1).astype(np.float64)))
                """, [file.path, weights.path] + vacancies.map(String.init))
            let expected = output.split(separator: "\n").compactMap { Double($0) }
            XCTAssertEqual(expected.count, 8 * vacancies.count)
            let spread = (expected.max() ?? 0) - (expected.min() ?? 0)
            XCTAssertGreaterThan(spread, 0.05, "barriers that hardly depend on the environment would not test the featurisation")
            let lattice = BCCLattice(shape: geometry.shape)
            var compared = 0
            for (v, vacancy) in vacancies.enumerated() {
                let barriers = network.barriers(ofVacancyAt: vacancy, on: lattice, occupation: occupation)
                for direction in 0..<8 {
                    if occupation[geometry.neighbour(vacancy, direction)] == 0 {
                        XCTAssertEqual(barriers[direction], .infinity, "a hop onto a vacancy")
                    } else {
                        XCTAssertEqual(barriers[direction], expected[8 * v + direction], accuracy: tolerance,
                                       "cells \(cells), vacancy \(vacancy), direction \(direction)")
                        compared += 1
                    }
                }
            }
            XCTAssertEqual(compared, 8 * vacancies.count - 2)
        }
    }
}
