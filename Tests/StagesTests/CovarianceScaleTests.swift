import Artifacts
import Foundation
import Stages
import TestSupport
import XCTest

/// `--lambda`: a number, K, the number of patches recorded with the pairs, or a multiple of K.
final class CovarianceScaleTests: XCTestCase {
    func testParsesNumbersAndK() {
        XCTAssertEqual(CovarianceScale("K"), .patchCount)
        XCTAssertEqual(CovarianceScale("2.5"), .value(2.5))
        XCTAssertNil(CovarianceScale("k2"))
        XCTAssertEqual(CovarianceScale.patchCount.description, "K")
        XCTAssertEqual(CovarianceScale("0.5K"), .patchMultiple(0.5))
        XCTAssertEqual(CovarianceScale("0.5K")?.description, "0.5K")
        for refused in ["0K", "-1K", "infK", "nanK", "KK"] { XCTAssertNil(CovarianceScale(refused), refused) }
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
        settings.lambda = .patchMultiple(0.5)
        try TrainSDEStage.run(settings, inputs: .init(pairs: [dir.file("estimated.npz")]), seed: 1, directory: dir.file("half"))
        guard case .object(let half) = try StageManifest.read(from: dir.file("half")).config else { return XCTFail("no config") }
        XCTAssertEqual(half["lambda"], .number(8), "0.5K of 16 patches")
        settings.lambda = .patchCount
        XCTAssertThrowsError(try TrainSDEStage.run(settings, inputs: .init(pairs: [dir.file("plain.npz")]), seed: 1,
                                                   directory: dir.file("refused"))) { error in
            XCTAssertTrue("\(error)".contains("plain.npz") && "\(error)".contains("do not record"), "\(error)")
        }
        settings.lambda = .patchMultiple(0.5)
        XCTAssertThrowsError(try TrainSDEStage.run(settings, inputs: .init(pairs: [dir.file("plain.npz")]), seed: 1,
                                                   directory: dir.file("refused-half"))) { error in
            XCTAssertTrue("\(error)".contains("λ = 0.5K") && "\(error)".contains("do not record"), "\(error)")
        }
    }
}
