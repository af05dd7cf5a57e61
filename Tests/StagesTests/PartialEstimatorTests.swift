import Artifacts
import Foundation
import Random
import Stages
import Systems
import XCTest

/// The partial estimator's bookkeeping on a system whose patches do not interact: Ising patches
/// evolved as isolated periodic windows. Evolving every patch I of one snapshot on its own (K runs)
/// and adding the patch increments φ(x_{t+δt,I}) − φ(x_{t,I}), divided by K, must give exactly the
/// change of φ of the snapshot with all K patch evolutions applied, for additive observables (m).
/// The domain-wall density is not additive over patches — bonds across patch boundaries belong to
/// no patch — and differs by exactly those interaction terms.
final class PartialEstimatorTests: XCTestCase {
    func testPatchIncrementsAddUpToTheFullIncrementWithoutInteractions() {
        let model = IsingModel(size: 16, temperature: 2.5, field: 0.1)
        let snapshot = model.initialConfiguration(run: 0, random: RandomStream(seed: 1, stage: "snapshot")).configuration
        let origins = Grid<Int8>.tilingOrigins(of: [16, 16], patchSize: [8, 8])
        var all = snapshot
        var summed = [0.0, 0.0]
        for (patch, origin) in origins.enumerated() {
            // The same stream for the lone run and for the combined configuration.
            var alone = snapshot
            _ = model.evolveRegion(&alone, origin: origin, size: [8, 8], for: .steps(64), boundary: .periodicWindow,
                                   random: RandomStream(seed: 2, stage: "patch", index: UInt64(patch)))
            _ = model.evolveRegion(&all, origin: origin, size: [8, 8], for: .steps(64), boundary: .periodicWindow,
                                   random: RandomStream(seed: 2, stage: "patch", index: UInt64(patch)))
            let before = model.observables(of: snapshot.patch(origin: origin, size: [8, 8]))
            let after = model.observables(of: alone.patch(origin: origin, size: [8, 8]))
            for k in 0..<2 { summed[k] += (after[k] - before[k]) / Double(origins.count) }
        }
        let full = zip(model.observables(of: all), model.observables(of: snapshot)).map { $0 - $1 }
        XCTAssertEqual(summed[0], full[0], accuracy: 1e-12, "magnetization is additive over patches")
        XCTAssertNotEqual(full[0], 0, "the patches did change")
        // ρ: the patch sums count each patch's wrap-around bonds instead of the bonds between patches.
        XCTAssertNotEqual(summed[1], full[1])
        XCTAssertEqual(summed[1], full[1], accuracy: 0.1, "…but only through boundary terms")
    }
}
