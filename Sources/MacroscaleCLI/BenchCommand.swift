import ArgumentParser
import Artifacts
import Dispatch
import Execution
import Foundation
import Linalg
import Random
import Systems

/// `macroscale bench`: throughput benchmarks that print numbers (build with `-c release`).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput of the simulators (and, later, of learning).",
        subcommands: [BenchSimulate.self, BenchLearn.self])
}

struct BenchSimulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Glauber events/s (Ising 64², Curie–Weiss 64²), heat-bath updates/s, SPDE steps/s (50 × 200 points), alloy KMC hops/s (one chain, chains in lockstep, the evolve stage's groups).",
        discussion: "Single-threaded per measurement, so the numbers are per core. Build with -c release.")

    @Option(help: "Approximate seconds per measurement.")
    var seconds = 2.0

    @Option(help: "Run only the measurements whose label contains this text (e.g. 'Ising', 'spectral', 'alloy').")
    var only: String?

    @Option(help: "NNK weights (.npz) for the alloy measurement; random weights in the same layout if not given.")
    var nnkWeights: String?

    func run() throws {
        // One core per measurement: a lockstep batch of NNK barriers is large enough for OpenBLAS to thread.
        BLASLibrary.threads = 1
        let ising = IsingModel(size: 64, temperature: 2.5, field: 0.1)
        print(measure("Ising 64² Glauber (n-fold way)", unit: "events/s") { steps in
            runSteps(ising, steps: steps) * 4096
        })
        var heatBath = ising
        heatBath.dynamics = .heatBath
        print(measure("Ising 64² heat bath", unit: "spin updates/s") { steps in
            runSteps(heatBath, steps: steps) * 4096
        })
        let curieWeiss = CurieWeissModel(size: 64, temperature: 1.1, field: 0.1)
        print(measure("Curie–Weiss 64² Glauber", unit: "events/s") { steps in
            runSteps(curieWeiss, steps: steps) * 4096
        })
        for scheme in PredatorPreyModel.Scheme.allCases {
            var model = PredatorPreyModel(points: 200)
            model.scheme = scheme
            print(measure("predator–prey \(scheme.rawValue), batch 50 × 200 points", unit: "batch steps/s") { steps in
                for run in 0..<50 { _ = runSteps(model, steps: steps, run: run) }
                return steps
            })
        }
        // 8³ cells: 1,024 sites, 1,023 atoms and one vacancy; one step is 1,024 hops.
        let pairAlloy = AlloyModel(cells: 8, temperature: 2000)
        print(measure("alloy 8³ cells, pair barriers", unit: "hops/s") { steps in
            runSteps(pairAlloy, steps: steps) * 1024
        })
        // 32³ cells: 65,536 sites and 64 vacancies (the same concentration); one step is 65,536 hops.
        let largeAlloy = AlloyModel(cells: 32, temperature: 2000, vacancies: 64)
        print(measure("alloy 32³ cells, 64 vacancies, pair barriers", unit: "hops/s") { steps in
            runSteps(largeAlloy, steps: steps) * 65_536
        })
        // Partial evolution of the 8³-cell tile at the origin for 1 ns (about 10³ hops) in a 64³-cell
        // lattice (524,288 sites, 512 vacancies, one in the tile) and in the 8³-cell lattice that is
        // that tile alone (1,024 sites): the cost must not grow with the lattice.
        let largeLattice = AlloyModel(cells: 64, temperature: 2000, vacancies: 512)
        let large = largeLattice.initialConfiguration(run: 0, random: RandomStream(seed: 1, stage: "bench-tile")).configuration
        for (cells, start) in [(64, large), (8, large.patch(origin: [0, 0, 0], size: [8, 8, 8]))] {
            for boundary in [RegionBoundary.frozenHalo, .roaming] {
                print(measureTile("alloy 8³ tile of \(cells)³ cells, \(boundary.rawValue), pair", lattice: start) { lattice, random in
                    _ = largeLattice.evolveRegion(&lattice, origin: [0, 0, 0], size: [8, 8, 8], for: .time(1e-9), boundary: boundary, random: random)
                })
            }
        }
        let barriers = try nnkWeights.map(AlloyBarriers.nnk(contentsOf:)) ?? .nnk(NNKBarrierModel.random(seed: 1), path: "random weights", sha256: "none")
        let nnkAlloy = AlloyModel(cells: 8, temperature: 2000, barriers: barriers)
        let weights = nnkWeights == nil ? "random" : "given"
        print(measure("alloy 8³ cells, NNK barriers (\(weights) weights)", unit: "hops/s") { steps in
            runSteps(nnkAlloy, steps: steps) * 1024
        })
        let largeNNKAlloy = AlloyModel(cells: 32, temperature: 2000, vacancies: 64, barriers: barriers)
        print(measure("alloy 32³ cells, 64 vacancies, NNK barriers", unit: "hops/s") { steps in
            runSteps(largeNNKAlloy, steps: steps) * 65_536
        })
        // 64 windows of 8³ cells, one vacancy each: 1,024 hops each per step, one window after
        // another and in lockstep (one batch of barriers per round).
        let windows = (0..<64).map { nnkAlloy.initialConfiguration(run: $0, random: RandomStream(seed: 1, stage: "bench-windows", index: UInt64($0))).configuration }
        func windowRandoms() -> [RandomStream] { windows.indices.map { RandomStream(seed: 2, stage: "bench-windows", index: UInt64($0)) } }
        print(measure("alloy 64 windows of 8³ cells, NNK, one by one", unit: "hops/s") { steps in
            for (window, random) in zip(windows, windowRandoms()) {
                var evolved = window
                _ = nnkAlloy.evolveRegion(&evolved, origin: [0, 0, 0], size: [8, 8, 8], for: .steps(1024 * steps), boundary: .periodicWindow, random: random)
            }
            return 64 * 1024 * steps
        })
        print(measure("alloy 64 windows of 8³ cells, NNK, in lockstep", unit: "hops/s") { steps in
            var evolved = windows
            _ = nnkAlloy.evolveRegions(&evolved, origins: [[Int]](repeating: [0, 0, 0], count: 64), size: [8, 8, 8],
                                       for: [RegionDuration](repeating: .steps(1024 * steps), count: 64), boundary: .periodicWindow, randoms: windowRandoms())
            return 64 * 1024 * steps
        })
        // What one thread of the evolve stage (and of LocalRelax) does: 256 snapshots of 16³ cells
        // (8,192 sites, 8 vacancies, one in each 8³-cell tile), the tile at the origin of each
        // evolved for 128 hops per step with each boundary, one snapshot after another and in the
        // stage's groups (`regionGroups`: 8 groups of 32, each in lockstep).
        let snapshotAlloy = AlloyModel(cells: 16, temperature: 2000, vacancies: 8, barriers: barriers)
        let snapshots = (0..<256).map {
            snapshotAlloy.initialConfiguration(run: $0, random: RandomStream(seed: 1, stage: "bench-snapshots", index: UInt64($0))).configuration
        }
        let groups = snapshotAlloy.regionGroups(of: snapshots.count)
        func snapshotRandoms(_ indices: Range<Int>) -> [RandomStream] { indices.map { RandomStream(seed: 2, stage: "bench-snapshots", index: UInt64($0)) } }
        for boundary in RegionBoundary.allCases {
            print(measure("alloy 256 tiles, \(boundary.rawValue), NNK, alone", unit: "hops/s") { steps in
                for (snapshot, random) in zip(snapshots, snapshotRandoms(snapshots.indices)) {
                    var evolved = snapshot
                    _ = snapshotAlloy.evolveRegion(&evolved, origin: [0, 0, 0], size: [8, 8, 8], for: .steps(128 * steps), boundary: boundary, random: random)
                }
                return 256 * 128 * steps
            })
            print(measure("alloy 256 tiles, \(boundary.rawValue), NNK, \(groups.count) groups", unit: "hops/s") { steps in
                for group in groups {
                    var evolved = Array(snapshots[group])
                    _ = snapshotAlloy.evolveRegions(&evolved, origins: [[Int]](repeating: [0, 0, 0], count: group.count), size: [8, 8, 8],
                                                    for: [RegionDuration](repeating: .steps(128 * steps), count: group.count), boundary: boundary,
                                                    randoms: snapshotRandoms(group))
                }
                return 256 * 128 * steps
            })
        }
    }

    /// Simulates `steps` steps of one trajectory; returns the number of steps.
    private func runSteps<System: MicroscopicSystem>(_ system: System, steps: Int, run: Int = 0) -> Int {
        let random = RandomStream(seed: 1, stage: "bench", index: UInt64(run))
        var (configuration, _) = system.initialConfiguration(run: run, random: random)
        system.simulate(&configuration, steps: steps, random: random) { _, _, _ in }
        return steps
    }

    /// Evolves `lattice` with `evolve` until the calls took `seconds` in all, each call from the
    /// same start (restored in place between calls, outside the timing, so that no call pays for a
    /// copy of the lattice) with its own random stream; reports calls per second and the peak
    /// resident memory while they ran.
    private func measureTile(_ label: String, lattice start: Grid<Int8>, _ evolve: (inout Grid<Int8>, RandomStream) -> Void) -> String {
        if let only, !label.contains(only) { return "\(label): skipped" }
        var lattice = start
        var elapsed = 0.0, calls = 0
        PeakMemory.reset()
        while elapsed < seconds {
            lattice.values.withUnsafeMutableBufferPointer { values in
                start.values.withUnsafeBufferPointer { values.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
            }
            let random = RandomStream(seed: 2, stage: "bench-tile", index: UInt64(calls))
            let begin = DispatchTime.now().uptimeNanoseconds
            evolve(&lattice, random)
            elapsed += Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
            calls += 1
        }
        return "\(label.padding(toLength: 48, withPad: " ", startingAt: 0)) \(String(format: "%12.4g", Double(calls) / elapsed)) tiles/s  (\(PeakMemory.text))"
    }

    /// Doubles the work until one call takes `seconds`, then reports units per second of wall time
    /// and, after it, per second of this thread's CPU time: on a machine shared with other jobs the
    /// second is what one core does while it runs the measurement; then the peak resident memory
    /// while it ran (`PeakMemory`, reset when it starts).
    private func measure(_ label: String, unit: String, _ work: (Int) -> Int) -> String {
        if let only, !label.contains(only) { return "\(label): skipped" }
        var steps = 1
        PeakMemory.reset()
        while true {
            let start = DispatchTime.now().uptimeNanoseconds, startCPU = threadCPUSeconds()
            let units = work(steps)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpu = threadCPUSeconds() - startCPU
            if elapsed >= seconds || steps >= 1 << 30 {
                return "\(label.padding(toLength: 48, withPad: " ", startingAt: 0)) \(String(format: "%12.4g", Double(units) / elapsed)) \(unit)"
                    + String(format: "  (%.4g per CPU second, ", Double(units) / cpu) + "\(PeakMemory.text))"
            }
            steps *= elapsed > 0.01 ? max(2, Int(seconds / elapsed)) : 2
        }
    }

    /// CPU seconds the calling thread has run.
    private func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
