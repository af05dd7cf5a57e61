import Artifacts
import Foundation
import Random
@testable import Systems
import TestSupport
import XCTest

/// LAMMPS dump files: written and read back, written by hand, malformed, and as an alloy's initial configuration.
final class LAMMPSDumpTests: XCTestCase {
    /// A 3³-cell configuration with 4 vacancies and unequal amounts of the elements.
    static let occupation = TestLattice(shape: [3, 3, 3]).randomOccupation(vacancies: 4, niobium: 30, molybdenum: 12, seed: 7)
    static let grid = Grid(components: 2, spatialShape: [3, 3, 3], values: occupation)

    func testWrittenDumpReadsBackToTheSameConfiguration() throws {
        let text = LAMMPSDump.text(of: Self.grid, timestep: 12)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(Array(lines[0...4]), ["ITEM: TIMESTEP", "12", "ITEM: NUMBER OF ATOMS", "50", "ITEM: BOX BOUNDS pp pp pp"])
        XCTAssertEqual(lines[5], "0.000000 9.720000")
        XCTAssertEqual(lines[8], "ITEM: ATOMS id type x y z")
        XCTAssertEqual(lines.count, 9 + 50)
        let read = try LAMMPSDump.configuration(from: Data(text.utf8), source: "round-trip")
        XCTAssertEqual(read, Self.grid)
    }

    /// The first atom (site 0 if occupied) is at the origin; a body-centre site at (i + ½, j + ½, k + ½)·a.
    func testWrittenPositionsAreTheSites() throws {
        var values = [Int8](repeating: 0, count: 16)
        values[8 + 5] = 3   // body centre of cell (1, 0, 1) on 2³ cells
        values[2] = 2       // corner of cell (0, 1, 0)
        let text = LAMMPSDump.text(of: Grid(components: 2, spatialShape: [2, 2, 2], values: values))
        let atoms = text.split(separator: "\n").suffix(2)
        XCTAssertEqual(Array(atoms), ["1 2 0.000000 3.240000 0.000000", "2 3 4.860000 1.620000 4.860000"])
    }

    /// Shuffled ids, noisy coordinates, a shifted box, an atom just below the box's lower bound,
    /// and the columns in another order with an extra one.
    func testHandWrittenDumpReadsToTheExpectedSites() throws {
        let text = """
            ITEM: TIMESTEP
            500
            ITEM: NUMBER OF ATOMS
            4
            ITEM: BOX BOUNDS pp pp pp
            -1.0 5.48
            10.0 16.48
            0.0 6.48
            ITEM: ATOMS type z id q y x
            3 0.1 7 0.5 10.05 -1.1
            1 4.82 2 0.0 14.9 0.62
            2 3.3 9 -1 13.16 2.18
            1 3.2 4 2.0 16.43 5.45

            """
        let read = try LAMMPSDump.configuration(from: Data(text.utf8), source: "by hand")
        let lattice = TestLattice(shape: [2, 2, 2])
        var expected = [Int8](repeating: 0, count: 16)
        expected[lattice.site([0, 0, 0])] = 3   // x = −1.1 is 0.1 Å below the box: wraps to voxel 0
        expected[lattice.site([1, 3, 3])] = 1   // (1.62, 4.86, 4.86) Å from the box corner
        expected[lattice.site([2, 2, 2])] = 2   // (3.18, 3.16, 3.3)
        expected[lattice.site([0, 0, 2])] = 1   // (6.45, 6.43, 3.2): x and y wrap
        XCTAssertEqual(read, Grid(components: 2, spatialShape: [2, 2, 2], values: expected))
    }

    func testScaledCoordinatesAndAnotherLatticeConstant() throws {
        let text = """
            ITEM: TIMESTEP
            0
            ITEM: NUMBER OF ATOMS
            2
            ITEM: BOX BOUNDS pp pp pp
            0 6.6
            0 6.6
            0 6.6
            ITEM: ATOMS id type xs ys zs
            1 2 0.25 0.251 0.75
            2 3 0.999 0.0 0.5
            """
        let read = try LAMMPSDump.configuration(from: Data(text.utf8), source: "scaled", latticeConstant: 3.3)
        let lattice = TestLattice(shape: [2, 2, 2])
        var expected = [Int8](repeating: 0, count: 16)
        expected[lattice.site([1, 1, 3])] = 2
        expected[lattice.site([0, 0, 2])] = 3
        XCTAssertEqual(read.values, expected)
        XCTAssertThrowsError(try LAMMPSDump.configuration(from: Data(text.utf8), source: "scaled")) { error in
            XCTAssertTrue("\(error)".contains("not a whole number of cells"), "\(error)")
        }
    }

    /// A valid two-atom dump on 2³ cells, with `header`, `box` and `atoms` replaceable.
    static func dump(timestep: String = "0", count: String = "2", boxItem: String = "ITEM: BOX BOUNDS pp pp pp",
                     box: [String] = ["0 6.48", "0 6.48", "0 6.48"], columns: String = "ITEM: ATOMS id type x y z",
                     atoms: [String] = ["1 1 0 0 0", "2 2 1.62 1.62 1.62"], tail: [String] = []) -> Data {
        Data((["ITEM: TIMESTEP", timestep, "ITEM: NUMBER OF ATOMS", count, boxItem] + box + [columns] + atoms + tail)
            .joined(separator: "\n").utf8)
    }

    func testMalformedDumpsAreRefusedByName() throws {
        XCTAssertNoThrow(try LAMMPSDump.configuration(from: Self.dump(), source: "valid"))
        let cases: [(String, Data, String)] = [
            ("empty", Data(), "ends where ITEM: TIMESTEP was expected"),
            ("binary", Data([0, 255, 10, 7, 200]), "line 1: expected 'ITEM: TIMESTEP'"),
            ("timestep", Self.dump(timestep: "zero"), "line 2: expected the timestep"),
            ("count", Self.dump(count: "-3"), "line 4: the number of atoms is negative"),
            ("count text", Self.dump(count: "2 atoms"), "line 4: expected the number of atoms"),
            ("too many for the box", Self.dump(count: "17"), "17 atoms do not fit on the 16 sites"),
            ("not periodic", Self.dump(boxItem: "ITEM: BOX BOUNDS pp pp ff"), "line 5: the box must be periodic"),
            ("no flags", Self.dump(boxItem: "ITEM: BOX BOUNDS"), "line 5: expected the boundary flags"),
            ("triclinic", Self.dump(boxItem: "ITEM: BOX BOUNDS xy xz yz pp pp pp"), "triclinic"),
            ("not cubic", Self.dump(box: ["0 6.48", "0 6.48", "0 9.72"]), "not cubic"),
            ("not whole", Self.dump(box: ["0 6.48", "0 6.6", "0 6.48"]), "line 7: the y length"),
            ("huge", Self.dump(box: ["0 1e12", "0 1e12", "0 1e12"]), "not a whole number of cells from 1 to 1000"),
            ("inverted", Self.dump(box: ["6.48 0", "0 6.48", "0 6.48"]), "line 6: expected the x bounds"),
            ("nan bound", Self.dump(box: ["0 nan", "0 6.48", "0 6.48"]), "line 6: expected the x bounds"),
            ("truncated box", Data("ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 6.48\n".utf8), "ends where the y bounds"),
            ("no type column", Self.dump(columns: "ITEM: ATOMS id x y z"), "line 9: the ATOMS columns 'id x y z' need id, type"),
            ("no positions", Self.dump(columns: "ITEM: ATOMS id type x y"), "need id, type and positions"),
            ("repeated column", Self.dump(columns: "ITEM: ATOMS id type x y z x"), "the ATOMS column 'x' appears twice"),
            ("short line", Self.dump(atoms: ["1 1 0 0", "2 2 1.62 1.62 1.62"]), "line 10: 4 values where the ATOMS header has 5"),
            ("type 4", Self.dump(atoms: ["1 1 0 0 0", "2 4 1.62 1.62 1.62"]), "line 11: atom id 2 has type '4'"),
            ("type 0", Self.dump(atoms: ["1 0 0 0 0", "2 2 1.62 1.62 1.62"]), "line 10: atom id 1 has type '0'"),
            ("id", Self.dump(atoms: ["0 1 0 0 0", "2 2 1.62 1.62 1.62"]), "line 10: the atom id '0' is not a positive integer"),
            ("repeated id", Self.dump(atoms: ["2 1 0 0 0", "2 2 1.62 1.62 1.62"]), "line 11: atom id 2 again (first at line 10)"),
            ("nan", Self.dump(atoms: ["1 1 nan 0 0", "2 2 1.62 1.62 1.62"]), "line 10: atom id 1 has coordinate 'nan'"),
            ("inf", Self.dump(atoms: ["1 1 0 0 0", "2 2 1.62 -inf 1.62"]), "line 11: atom id 2 has coordinate '-inf'"),
            ("word", Self.dump(atoms: ["1 1 0 0 zero", "2 2 1.62 1.62 1.62"]), "has coordinate 'zero'"),
            ("off site", Self.dump(atoms: ["1 1 0 0 0.3", "2 2 1.62 1.62 1.62"]), "line 10: the atom at (0.0 0.0 0.3) is farther than 0.25 Å"),
            ("interstitial", Self.dump(atoms: ["1 1 0 0 1.62", "2 2 1.62 1.62 1.62"]), "line 10: the atom at (0.0 0.0 1.62) is farther"),
            ("same site", Self.dump(atoms: ["1 1 0 0 0", "2 2 6.4 0.1 6.45"]), "line 11: atom id 2 is on the site of the atom at line 10"),
            ("truncated atoms", Self.dump(atoms: ["1 1 0 0 0"]), "ends after 1 of the 2 atoms announced at line 4"),
            ("item among atoms", Self.dump(atoms: ["1 1 0 0 0", "ITEM: TIMESTEP"]), "line 11: an ITEM where atom 2 of the 2"),
            ("extra atom", Self.dump(tail: ["3 3 3.24 0 0"]), "line 12: more atom lines than the 2 announced at line 4"),
            ("second snapshot", Self.dump(tail: ["ITEM: TIMESTEP", "100"]), "line 12: a second snapshot"),
        ]
        for (name, data, expected) in cases {
            XCTAssertThrowsError(try LAMMPSDump.configuration(from: data, source: "bad.dump"), name) { error in
                XCTAssertTrue("\(error)".hasPrefix("bad.dump: ") && "\(error)".contains(expected), "\(name): \(error)")
            }
        }
    }

    /// The configuration records the file by path and digest; cells and vacancies come from it;
    /// every run starts from it; a changed file and disagreeing cells are refused; a resized lattice drops it.
    func testInitialDumpIsTheInitialConfigurationRecordedByDigest() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("start.dump")
        try LAMMPSDump.write(Self.grid, to: file)
        let model = try SystemRegistry.system(from: SystemConfiguration(["system": "alloy", "initialDump": .string(file.path)]))
        guard let alloy = model as? AlloyModel else { return XCTFail("not an alloy: \(model)") }
        XCTAssertEqual(alloy.cells, 3)
        XCTAssertEqual(alloy.vacancies, 4)
        XCTAssertNoThrow(try alloy.validateParameters())
        XCTAssertEqual(alloy.configuration["initialDumpSHA256"], .string(try SHA256.hex(fileAt: file)))
        for run in 0..<2 {
            XCTAssertEqual(alloy.initialConfiguration(run: run, random: RandomStream(seed: 3, stage: "simulate", index: UInt64(run))).configuration, Self.grid)
        }
        XCTAssertEqual(try SystemRegistry.system(from: SystemConfiguration(alloy.configuration)).configuration, alloy.configuration)
        XCTAssertNil(alloy.resized(to: [6, 6, 6]).initialDump)

        var disagreeing = alloy.configuration
        disagreeing["cells"] = 4
        XCTAssertThrowsError(try SystemRegistry.system(from: SystemConfiguration(disagreeing))) { error in
            XCTAssertTrue("\(error)".contains("holds 3³ cells with 4 vacancies, not the 4³ cells"), "\(error)")
        }
        var moved = Self.occupation
        moved.swapAt(moved.firstIndex(of: 0)!, moved.firstIndex(of: 3)!)
        try LAMMPSDump.write(Grid(components: 2, spatialShape: [3, 3, 3], values: moved), to: file)
        XCTAssertThrowsError(try SystemRegistry.system(from: SystemConfiguration(alloy.configuration))) { error in
            XCTAssertTrue("\(error)".contains("not the recorded"), "\(error)")
        }
    }
}
