import Artifacts
import Foundation
@testable import Systems
import TestSupport
import XCTest

final class PairParametersTests: XCTestCase {
    /// The repository's parameter file is the built-in model, value for value.
    func testShippedFileIsTheBuiltInModel() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Data/alloy/pair-illustrative.json")
        let model = try PairBarrierModel(parameters: Data(contentsOf: file), source: file.path)
        XCTAssertEqual(model, .illustrative)
    }

    /// A configuration naming a parameter file reads it, records its digest, and refuses the file
    /// once changed; the barriers follow the file's numbers.
    func testParameterFileIsRecordedByDigest() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = dir.file("pair.json")
        try Data(#"{"baseBarrier": 0.7, "pairEnergies": {"NbNb": 0, "NbMo": -0.02, "NbTa": 0, "MoMo": 0.01, "MoTa": -0.05, "TaTa": 0}}"#.utf8).write(to: file)
        let model = try AlloyModel(configuration: SystemConfiguration(["system": "alloy", "pairParameters": .string(file.path)]))
        guard case .pairFile(let pair, _, let digest) = model.barriers else { return XCTFail("not read from the file") }
        XCTAssertEqual(pair.baseBarrier, 0.7)
        XCTAssertEqual(pair.pairEnergy(2, 3), -0.05)
        XCTAssertEqual(pair.pairEnergy(3, 2), -0.05)
        XCTAssertEqual(pair.pairEnergy(2, 2), 0.01)
        XCTAssertEqual(model.configuration["pairParametersSHA256"], .string(digest))
        XCTAssertEqual(try SystemRegistry.system(from: SystemConfiguration(model.configuration)).configuration, model.configuration)
        try Data(#"{"baseBarrier": 0.9, "pairEnergies": {"NbNb": 0, "NbMo": -0.02, "NbTa": 0, "MoMo": 0.01, "MoTa": -0.05, "TaTa": 0}}"#.utf8).write(to: file)
        XCTAssertThrowsError(try SystemRegistry.system(from: SystemConfiguration(model.configuration))) { error in
            XCTAssertTrue("\(error)".contains("not the recorded"), "\(error)")
        }
    }

    /// Malformed parameter files are refused by name.
    func testMalformedFilesAreRefused() {
        let cases: [(String, String)] = [
            ("[1, 2]", "JSON object"),
            (#"{"baseBarrier": 0.8}"#, "exactly baseBarrier and pairEnergies"),
            (#"{"baseBarrier": -1, "pairEnergies": {}}"#, "baseBarrier must lie"),
            (#"{"baseBarrier": true, "pairEnergies": {}}"#, "baseBarrier must be a finite number"),
            (#"{"baseBarrier": 0.8, "pairEnergies": {"NbMo": -0.03}}"#, "pairEnergies must give exactly"),
            (#"{"baseBarrier": 0.8, "pairEnergies": {"NbNb": 0, "NbMo": "x", "NbTa": 0, "MoMo": 0, "MoTa": 0, "TaTa": 0}}"#, "pairEnergies.NbMo must be a finite number"),
            (#"{"baseBarrier": 0.8, "pairEnergies": {"NbNb": 0, "NbMo": 2, "NbTa": 0, "MoMo": 0, "MoTa": 0, "TaTa": 0}}"#, "pairEnergies.NbMo must lie"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try PairBarrierModel(parameters: Data(text.utf8), source: "p.json"), text) { error in
                XCTAssertTrue("\(error)".contains(message), "\(text): \(error)")
            }
        }
    }
}
