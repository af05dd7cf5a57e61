import Artifacts
import Foundation
@testable import MacroscaleCLI
import Systems
import TestSupport
import XCTest

/// `simulate alloy --initial-dump` and `export-dump`: LAMMPS dump files in and out of the stages.
final class LAMMPSDumpCommandTests: CommandTestCase {
    /// 3³ cells: 2 vacancies, 31 Nb, 14 Mo, 7 Ta (not equimolar), shuffled by a fixed permutation.
    static let start: Grid<Int8> = {
        let codes = [Int8](repeating: 0, count: 2) + [Int8](repeating: 1, count: 31) + [Int8](repeating: 2, count: 14) + [Int8](repeating: 3, count: 7)
        return Grid(components: 2, spatialShape: [3, 3, 3], values: (0..<54).map { codes[($0 * 23) % 54] })
    }()

    /// Counts of codes 0…3.
    static func composition(_ values: ArraySlice<Int8>) -> [Int] { (0..<4).map { code in values.filter { $0 == code }.count } }

    func testSimulateStartsFromTheDumpAndExportDumpWritesARecordedState() throws {
        let dump = path("start.dump"), simulation = path("sim")
        try LAMMPSDump.write(Self.start, to: URL(fileURLWithPath: dump))
        try runMacroscale(["simulate", "alloy", "--initial-dump", dump, "--runs", "2", "--steps", "3", "--seed", "4", "--out", simulation])

        let manifest = try StageManifest.read(from: URL(fileURLWithPath: simulation))
        guard case .object(let stage) = manifest.config, case .object(let system)? = stage["system"] else { return XCTFail("no system object") }
        XCTAssertEqual(system["cells"], .number(3))
        XCTAssertEqual(system["vacancies"], .number(2))
        XCTAssertEqual(system["initialDumpSHA256"], .string(try SHA256.hex(fileAt: URL(fileURLWithPath: dump))))

        let states = try NPZArchive.read(URL(fileURLWithPath: simulation).appendingPathComponent("trajectories.npz")).array("states", in: "trajectories.npz")
        XCTAssertEqual(states.shape, [2, 4, 2, 3, 3, 3])
        let values = try states.elements(as: Int8.self)
        let expected = Self.composition(Self.start.values[...])
        for run in 0..<2 {
            let record = { (t: Int) in values[((run * 4 + t) * 54)..<((run * 4 + t + 1) * 54)] }
            XCTAssertEqual(Array(record(0)), Self.start.values, "run \(run) starts from the dump")
            XCTAssertNotEqual(Array(record(3)), Self.start.values, "run \(run) evolved")
            for t in 0..<4 { XCTAssertEqual(Self.composition(record(t)), expected, "run \(run), record \(t)") }
        }

        let exported = path("run1-record2.dump")
        try runMacroscale(["export-dump", "--input", simulation, "--run", "1", "--record", "2", "--out", exported])
        let state = Array(values[((1 * 4 + 2) * 54)..<((1 * 4 + 3) * 54)])
        XCTAssertEqual(try LAMMPSDump.configuration(contentsOf: URL(fileURLWithPath: exported)).values, state)
        // An independent reader: NumPy parses the dump and compares it with the voxel grid of states[1, 2].
        let output = try Python.run("""
            import numpy as np, sys
            states = np.load(sys.argv[1])['states'][1, 2]; n = states.shape[1]; a = 3.24
            lines = open(sys.argv[2]).read().split('\\n')
            assert lines[0] == 'ITEM: TIMESTEP' and lines[1] == '2' and lines[4] == 'ITEM: BOX BOUNDS pp pp pp'
            assert all(np.allclose([float(v) for v in lines[5 + i].split()], [0, n * a]) for i in range(3))
            assert lines[8].split() == ['ITEM:', 'ATOMS', 'id', 'type', 'x', 'y', 'z']
            count = int(lines[3]); V = np.zeros((2 * n,) * 3, dtype=np.int64)
            for line in lines[9:9 + count]:
                id, t, *position = line.split()
                voxel = tuple(int(round(float(p) / (a / 2))) for p in position)
                assert V[voxel] == 0; V[voxel] = int(t)
            expected = np.zeros_like(V)
            for c in range(2): expected[c::2, c::2, c::2] = states[c]
            print(int((V == expected).all()), count, int((states > 0).sum()), len([l for l in lines if l]) - 9)
            """, [URL(fileURLWithPath: simulation).appendingPathComponent("trajectories.npz").path, exported])
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "1 52 52 52")

        XCTAssertTrue(refusal(["export-dump", "--input", simulation, "--run", "1", "--record", "4", "--out", path("x.dump")]).contains("holds records 0 to 3"))
        XCTAssertTrue(refusal(["export-dump", "--input", simulation, "--run", "2", "--out", path("x.dump")]).contains("holds runs 0 to 1"))
    }

    func testDumpsThatDisagreeWithTheOptionsAreRefused() throws {
        let dump = path("start.dump")
        try LAMMPSDump.write(Self.start, to: URL(fileURLWithPath: dump))
        let simulate = ["simulate", "alloy", "--initial-dump", dump, "--runs", "1", "--steps", "1", "--out", path("sim")]
        XCTAssertTrue(refusal(simulate + ["--cells", "4"]).contains("holds 3³ cells with 2 vacancies, not the 4³ cells"))
        XCTAssertTrue(refusal(simulate + ["--vacancies", "2"]).contains("--vacancies is not read with --initial-dump"))
        XCTAssertTrue(refusal(simulate + ["--lattice-constant", "3.3"]).contains("not a whole number of cells"))
        try Data("ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\nmany\n".utf8).write(to: URL(fileURLWithPath: dump))
        XCTAssertTrue(refusal(simulate).contains("line 4: expected the number of atoms"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("sim/manifest.json")))
    }
}
