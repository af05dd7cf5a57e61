import Foundation
import Pipeline
import XCTest

/// The shipped `Pipelines/alloy.yaml`: one temperature sweep per profile, each evaluate reading its
/// own temperature's test runs, and the chains that only some profiles run.
final class AlloyPipelineTests: XCTestCase {
    func plan(_ profile: String) throws -> PipelinePlan {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Pipelines/alloy.yaml")
        return try PipelinePlan(try PipelineDefinition(contentsOf: file), profile: profile, root: URL(fileURLWithPath: "/r"))
    }

    func evaluated(_ plan: PipelinePlan) -> [String] {
        plan.steps.filter { $0.name.hasPrefix("evaluate") }.map(\.name)
    }

    func testEveryProfileEvaluatesEachTemperatureAgainstItsOwnTestRuns() throws {
        let quick = try plan("quick")
        XCTAssertEqual(evaluated(quick), ["evaluate-2000", "evaluate-2500", "evaluate-3000", "evaluate-naive", "evaluate-2000-reference", "evaluate-32",
                                         "evaluate-32-scaled",
                                         "evaluate-temperature"])
        XCTAssertEqual(quick.steps.first { $0.name == "evaluate-temperature" }?.upstream,
                       ["sde-temperature", "test-2000", "test-unseen-2250", "test-2500", "test-unseen-2750", "test-3000"])
        let sweep = try plan("sweep")
        XCTAssertEqual(evaluated(sweep), stride(from: 1000, through: 3000, by: 250).map { "evaluate-\($0)" } + ["evaluate-naive", "evaluate-2000-reference"])
        let paper = try plan("paper")
        XCTAssertEqual(evaluated(paper).count, 18 + 5)
        XCTAssertTrue(evaluated(paper).contains("evaluate-300") && evaluated(paper).contains("evaluate-64"))
        for plan in [quick, sweep, paper] {
            for step in plan.steps where step.name.hasPrefix("evaluate-") && Int(step.name.dropFirst("evaluate-".count)).map({ $0 >= 300 }) == true {
                let temperature = step.name.dropFirst("evaluate-".count)
                XCTAssertEqual(step.upstream, ["sde-\(temperature)", "test-\(temperature)"], "\(plan.profile) \(step.name)")
            }
            let encode = try XCTUnwrap(plan.steps.first { $0.name == "encode-2000" })
            XCTAssertEqual(encode.upstream, ["evolve-2000", "validation-2000"], plan.profile)
            let upsample = try XCTUnwrap(plan.steps.first { $0.name == "upsample-2000" })
            XCTAssertTrue(upsample.arguments.contains("--relax-records=5") && upsample.arguments.contains("--append-relax-records=10"), plan.profile)
        }
        // The larger lattices' SDEs learn from the 8,192-atom pairs with λ = n / n_s.
        for (plan, name, lambda) in [(quick, "sde-32-scaled", 64), (paper, "sde-32-scaled", 64), (paper, "sde-64", 512)] {
            let step = try XCTUnwrap(plan.steps.first { $0.name == name }, "\(plan.profile) \(name)")
            XCTAssertEqual(step.upstream.first, "encode-2000", "\(plan.profile) \(name)")
            XCTAssertTrue(step.arguments.contains("--lambda=\(lambda)"), "\(plan.profile) \(name)")
        }
        XCTAssertFalse(paper.steps.contains { $0.name == "upsample-64" }, "no pairs are upsampled to 524,288 atoms")
        XCTAssertFalse(sweep.steps.contains { $0.name.contains("-32") || $0.name.contains("-64") }, "the sweep runs 8,192 atoms only")
    }
}
