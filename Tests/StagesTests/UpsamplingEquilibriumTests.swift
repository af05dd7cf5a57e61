import Artifacts
import Execution
import Foundation
import Random
import Stages
import Systems
import TestSupport
import XCTest

/// Does one level of upsampling + LocalRelax turn equilibrium L_s = 16 snapshots into L = 32
/// snapshots with the equilibrium statistics of the L = 32 system? Ising, T = 2.5, h = 0.1.
///
/// Measured (release build, 2400 snapshots; relative differences of m, ρ, energy from direct L = 32):
/// frozen halo, Glauber time 20 per window: −0.1 %, −0.1 %, −0.0 %; frozen halo, the reference's w²
/// events per window: −5.4 %, +6.4 %, +3.1 %; periodic window, w² events: −2.2 %, +8.8 %, +3.9 %;
/// periodic window, time 20: +0.8 %, +3.9 %, +1.7 %. A fixed number of events samples the jump
/// chain (tilted toward high-rate, disordered states) and relaxes too little; periodic windows
/// leave seams where their wrapped edges are written back. `Docs/UPSAMPLING.md` has the table.
final class UpsamplingEquilibriumTests: XCTestCase {
    /// Equilibrium snapshots by heat-bath sweeps (exact equilibrium dynamics): `runs` chains, 100
    /// sweeps of burn-in, then one snapshot every 4 sweeps.
    func equilibriumSnapshots(size: Int, runs: Int, perRun: Int, seed: UInt64) -> [Grid<Int8>] {
        let model = IsingModel(size: size, temperature: 2.5, field: 0.1, dynamics: .heatBath)
        return parallelMap(runs) { run in
            let random = RandomStream(seed: seed, stage: "equilibrium", index: UInt64(run))
            var configuration = model.initialConfiguration(run: run, random: random).configuration
            var snapshots: [Grid<Int8>] = []
            model.simulate(&configuration, steps: 100 + 4 * perRun, random: random) { step, state, _ in
                if step > 100 && step % 4 == 0 { snapshots.append(state) }
            }
            return snapshots
        }.flatMap { $0 }
    }

    func means(_ snapshots: [Grid<Int8>], model: IsingModel) -> [Double] {
        var sums = [0.0, 0.0, 0.0]
        for snapshot in snapshots {
            for (k, value) in model.observables(of: snapshot).enumerated() { sums[k] += value }
        }
        return sums.map { $0 / Double(snapshots.count) }
    }

    /// Tolerance 3 % (the issue's); the statistical error of each mean is ≲ 0.5 %.
    func testFrozenHaloRelaxationReproducesDirectEquilibriumWithinThreePercent() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let small = IsingModel(size: 16, temperature: 2.5, field: 0.1)
        let large = small.resized(to: [32, 32])
        let pool = equilibriumSnapshots(size: 16, runs: 16, perRun: 100, seed: 1)
        let direct = means(equilibriumSnapshots(size: 32, runs: 16, perRun: 150, seed: 2), model: large)
        var settings = Upsampling(targetShape: [32, 32], snapshots: 1600)
        settings.boundary = .frozenHalo
        settings.relaxDuration = .time(20)
        try UpsampleStage.upsample(small, pool: pool, settings: settings, seed: 3, inputs: [], directory: dir.url)
        let upsampled = means(try SnapshotSource(directory: dir.url).snapshots(of: large), model: large)
        for (k, name) in ["magnetization", "domain-wall density", "energy per spin"].enumerated() {
            XCTAssertEqual(upsampled[k], direct[k], accuracy: 0.03 * abs(direct[k]), name)
        }
        // And the upsampling did something: before relaxation the wall density is half the equilibrium one.
        XCTAssertLessThan(means(pool.prefix(100).map { small.upsample($0, factor: 2) }, model: large)[1], 0.6 * direct[1])
    }
}
