import Artifacts
import Foundation
import Stages
import TestSupport
import XCTest

/// `--lambda`: a number or K, the number of patches recorded with the pairs.
final class CovarianceScaleTests: XCTestCase {
    func testParsesNumbersAndK() {
        XCTAssertEqual(CovarianceScale("K"), .patchCount)
        XCTAssertEqual(CovarianceScale("2.5"), .value(2.5))
        XCTAssertNil(CovarianceScale("k2"))
        XCTAssertEqual(CovarianceScale.patchCount.description, "K")
    }

    /// λ = K trains with the pairs' recorded patch count; pairs that record none are refused by name.
    func testKIsReadFromThePairsOrRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let start = try NumPyArray((0..<64).map { Double($0) / 64 }, shape: [64, 1])
        let next = try NumPyArray((0..<64).map { Double($0) / 64 + 0.01 }, shape: [64, 1])
        let dt = NumPyArray([Double](repeating: 0.1, count: 64))
        try NPZArchive([("start", start), ("next", next), ("dt", dt), ("patches", try NumPyArray([Int64(16)], shape: []))])
            .write(to: dir.file("estimated.npz"))
        try NPZArchive([("start", start), ("next", next), ("dt", dt)]).write(to: dir.file("plain.npz"))
        var settings = SDEFitting()
        settings.lambda = .patchCount
        settings.epochs = 1
        settings.hidden = [4]
        try TrainSDEStage.run(settings, inputs: .init(pairs: [dir.file("estimated.npz")]), seed: 1, directory: dir.file("fit"))
        guard case .object(let config) = try StageManifest.read(from: dir.file("fit")).config else { return XCTFail("no config") }
        XCTAssertEqual(config["lambda"], .number(16))
        XCTAssertThrowsError(try TrainSDEStage.run(settings, inputs: .init(pairs: [dir.file("plain.npz")]), seed: 1,
                                                   directory: dir.file("refused"))) { error in
            XCTAssertTrue("\(error)".contains("plain.npz") && "\(error)".contains("do not record"), "\(error)")
        }
    }
}
