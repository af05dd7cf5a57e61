import Artifacts
import Foundation
import MacroSDE
import Stages
import TestSupport
import XCTest

/// Pair files with control parameters as `PairSource` and `train-sde` read them, and the names and
/// values of controls as stages check them.
final class ControlledPairsTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.remove() }

    private func write(_ name: String, pairs: Int = 2, patches: Int64? = nil, controls: NumPyArray? = nil) throws -> URL {
        let values = (0..<pairs).map { Double($0) / 10 }
        try NPZArchive([("start", try NumPyArray(values, shape: [pairs, 1])), ("next", try NumPyArray(values.map { $0 + 0.05 }, shape: [pairs, 1])),
                        ("dt", NumPyArray([Double](repeating: 0.1, count: pairs)))]
                       + (patches.map { [("patches", try NumPyArray([$0], shape: []))] } ?? [])
                       + (controls.map { [("controls", $0)] } ?? []))
            .write(to: dir.file(name))
        return dir.file(name)
    }

    private func assertRefused(_ body: @autoclosure () throws -> Any, mentioning fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(fragment), "'\(error)' should mention '\(fragment)'", file: file, line: line)
        }
    }

    /// Controls need names, which only an encode manifest gives; malformed controls are refused by shape and value.
    func testControlsOutsideAnEncodeStageOrOfTheWrongShapeAreRefused() throws {
        assertRefused(try PairSource(file: try write("unnamed.npz", controls: try NumPyArray([1200, 1200], shape: [2, 1]))),
                      mentioning: "holds controls but no encode manifest beside it names them")
        assertRefused(try PairSource(file: try write("short.npz", controls: try NumPyArray([1200], shape: [1, 1]))),
                      mentioning: "controls must be [P, c] finite numbers with P = 2 pairs; got (1, 1)")
        assertRefused(try PairSource(file: try write("nan.npz", controls: try NumPyArray([1200, .nan], shape: [2, 1]))),
                      mentioning: "controls must be [P, c] finite numbers")
    }

    /// Several training files are concatenated in order; λ = K needs one K among them.
    func testSeveralPairFilesAreConcatenatedAndNeedOneKForLambdaK() throws {
        let inputs = try TrainSDEStage.Inputs(pairs: [try write("a.npz", pairs: 3, patches: 4), try write("b.npz", pairs: 2, patches: 4)])
        var settings = SDEFitting()
        settings.lambda = .patchCount
        settings.epochs = 1
        settings.hidden = [4]
        settings.mode = .constantDiagonal
        try TrainSDEStage.run(settings, inputs: inputs, seed: 1, directory: dir.file("fit"))
        let manifest = try StageManifest.read(from: dir.file("fit"))
        XCTAssertEqual(manifest.inputs.map { ($0.path as NSString).lastPathComponent }, ["a.npz", "b.npz"])
        guard case .object(let config) = manifest.config else { return XCTFail("config") }
        XCTAssertEqual(config["lambda"], .number(4))
        XCTAssertNil(config["controls"], "no controls, no record")

        let mixed = try TrainSDEStage.Inputs(pairs: [try write("k4.npz", patches: 4), try write("k8.npz", patches: 8)])
        assertRefused(try TrainSDEStage.run(settings, inputs: mixed, seed: 1, directory: dir.file("never")),
                      mentioning: "k8.npz: records K = 8 patches")
        settings.lambda = .value(2)
        try TrainSDEStage.run(settings, inputs: mixed, seed: 1, directory: dir.file("numeric"))
        XCTAssertThrowsError(try TrainSDEStage.run(settings, inputs: try TrainSDEStage.Inputs(pairs: []), seed: 1, directory: dir.file("never")))
    }

    func testControlParameterNamesAreCheckedAndDescribed() {
        XCTAssertNoThrow(try ControlParameterNames.validate(["temperature", "field"]))
        for bad in [[""], ["a b"], ["a=b"], ["a,b"], ["temperature", "temperature"]] {
            XCTAssertThrowsError(try ControlParameterNames.validate(bad), "\(bad)")
        }
        XCTAssertEqual(ControlParameterNames.describe(["temperature": 1200, "field": 0.1]), "field=0.1, temperature=1200")
    }
}
