import Artifacts
import Execution
import Foundation
import Random
import Stages
import Systems
import TestSupport
import XCTest

/// The partial estimator's premise on a small case: patch increments (patch observables, i.e. K × the
/// patch's share) have about K times the variance of whole-system increments over the same time, and
/// the same mean. Ising L = 16, patches of 8 (K = 4), T = 3.5 (short correlation length, so patches
/// are nearly independent), frozen halo, fixed Glauber time.
final class EstimatorCheckTests: XCTestCase {
    func testPatchIncrementVarianceIsAboutKTimesTheWholeSystemVariance() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let model = IsingModel(size: 16, temperature: 3.5, field: 0.1, dynamics: .heatBath)
        // Equilibrium snapshots from heat-bath chains.
        let snapshots: [Grid<Int8>] = parallelMap(40) { run in
            let random = RandomStream(seed: 1, stage: "snapshots", index: UInt64(run))
            var configuration = model.initialConfiguration(run: run, random: random).configuration
            var taken: [Grid<Int8>] = []
            model.simulate(&configuration, steps: 60 + 3 * 25, random: random) { step, state, _ in
                if step > 60 && step % 3 == 0 { taken.append(state) }
            }
            return taken
        }.flatMap { $0 }
        var glauber = model
        glauber.dynamics = .glauber
        var settings = PartialEvolution(patchShape: [8, 8])
        settings.boundary = .frozenHalo
        settings.duration = .time(1)
        try EvolveStage.partialEvolve(glauber, snapshots: snapshots, settings: settings, seed: 2, inputs: [], directory: dir.file("evolve"))
        let patches = try EvolvedPatches.read(dir.file("evolve/evolved.npz"), of: glauber)
        let summary = try EstimatorCheck.check(glauber, snapshots: snapshots, patches: patches, samples: snapshots.count,
                                             seed: 3, inputs: [], directory: dir.file("check"))
        XCTAssertEqual(summary.samples, 1000)
        XCTAssertEqual(summary.meanDt, 1, accuracy: 1e-12)
        let varianceRatio = summary.partial.covariance[0][0] / summary.full.covariance[0][0]
        // Exactly K for independent patches; neighbouring patches' changes are positively correlated
        // through the bonds between them, which lowers the ratio (measured 3.44 here, 14–15.5 of 16 at
        // L = 64, T = 2.5). The statistical error of the ratio is about 6 %.
        XCTAssertGreaterThan(varianceRatio, 0.7 * 4, "magnetization increment variance ratio")
        XCTAssertLessThan(varianceRatio, 1.1 * 4, "magnetization increment variance ratio")
        // Means agree within 4 standard errors of the partial mean.
        let standardError = (summary.partial.covariance[0][0] / 1000).squareRoot()
        XCTAssertEqual(summary.partial.mean[0], summary.full.mean[0], accuracy: 4 * standardError)
        XCTAssertNoThrow(try StageManifest.read(from: dir.file("check")))
    }
}
