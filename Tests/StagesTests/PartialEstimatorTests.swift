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
    /// Σ s s' over the bonds of a periodic grid that leave an 8 × 8 tile: on the 16 × 16 lattice the
    /// bonds between patches, on a lone 8 × 8 patch its own wrap-around bonds.
    func tileBoundaryBondSum(_ grid: Grid<Int8>) -> Int {
        let rows = grid.spatialShape[0], columns = grid.spatialShape[1], s = grid.values
        var sum = 0
        for y in 0..<rows {
            for x in 0..<columns {
                let spin = Int(s[y * columns + x])
                if x % 8 == 7 { sum += spin * Int(s[y * columns + (x + 1) % columns]) }
                if y % 8 == 7 { sum += spin * Int(s[((y + 1) % rows) * columns + x]) }
            }
        }
        return sum
    }

    func testPatchIncrementsAddUpToTheFullIncrementWithoutInteractions() {
        let model = IsingModel(size: 16, temperature: 2.5, field: 0.1)
        let snapshot = model.initialConfiguration(run: 0, random: RandomStream(seed: 1, stage: "snapshot")).configuration
        let origins = Grid<Int8>.tilingOrigins(of: [16, 16], patchSize: [8, 8])
        var all = snapshot
        var summed = [0.0, 0.0]
        var wrapChange = 0
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
            wrapChange += tileBoundaryBondSum(alone.patch(origin: origin, size: [8, 8])) - tileBoundaryBondSum(snapshot.patch(origin: origin, size: [8, 8]))
        }
        let full = zip(model.observables(of: all), model.observables(of: snapshot)).map { $0 - $1 }
        XCTAssertEqual(summed[0], full[0], accuracy: 1e-12, "magnetization is additive over patches")
        XCTAssertNotEqual(full[0], 0, "the patches did change")
        // ρ = (2N − Σ s s')/(4N) over the 2N bonds: the patch sums count each patch's wrap-around
        // bonds instead of the bonds between patches, and nothing else. With Δcross and Δwrap the
        // changes of those two bond sums, ρ_full − Σ ρ_I / K changes by exactly −(Δcross − Δwrap)/(4N)
        // (N = 256) — an identity, so it holds to rounding, where the gap itself is O(0.01).
        XCTAssertNotEqual(summed[1], full[1])
        let crossChange = tileBoundaryBondSum(all) - tileBoundaryBondSum(snapshot)
        XCTAssertNotEqual(crossChange, wrapChange, "the boundary terms do not cancel here")
        XCTAssertEqual(full[1] - summed[1], -Double(crossChange - wrapChange) / (4 * 256), accuracy: 1e-12, "…and differs by exactly the boundary terms")
    }
}
