import Artifacts
import Distributed
import Execution
import Foundation
import Linalg
import Random
import Systems

/// The small-system simulation stage: independent trajectories of a microscopic system.
///
/// Writes `trajectories.npz` into the stage directory with
/// - `states`: `[runs, steps + 1, (components,) spatial…]`, the configuration at every record
///   (step 0 is the initial configuration), `int8` spins or `float32` fields;
/// - `times`: `[runs, steps + 1]` `float64` physical (Glauber) time of each record;
/// - `observables`: `[runs, steps + 1, n_obs]` `float64`, named by `observableNames`;
/// - `initial`: `[runs, n_params]` `float64`, the parameters each initial state was drawn from;
/// and, when `pairs` is set, `pairs.npz` with the one-step pairs `before`, `after` (`[runs·steps, …]`)
/// and their time increments `dt`. Run r draws all its randomness from stream (seed, "simulate", r),
/// so the output does not depend on the thread count — nor on the number of ranks under `mpirun`,
/// where each rank simulates its share of the runs and rank 0 writes them all.
public enum SimulationStage {
    /// Runs `runs` trajectories of `steps` recorded steps each and writes them with a manifest.
    @discardableResult
    public static func run<System: MicroscopicSystem>(
        _ system: System, runs: Int, steps: Int, seed: UInt64, pairs: Bool,
        config: JSONValue, directory: URL
    ) throws -> StageManifest {
        precondition(runs >= 1 && steps >= 0)
        try system.validateParameters()
        let world = Communicator.world
        let stage = try world.onRoot {
            try StageRun(stage: "simulate", directory: directory, config: config, seed: seed, inputs: [], threads: ThreadCount.current, ranks: world.size)
        }
        // Under mpirun each rank simulates its share of the runs; the root joins them in run order.
        let share = world.share(of: runs)
        let local = try world.collectively { try simulate(system, runs: share, steps: steps, seed: seed) }
        let joined = try world.gatherRows(share.isEmpty ? [] : local)
        return try world.fromRoot {
            guard let stage, let joined, let states = joined["states"] else { preconditionFailure("the root gathers every run") }
            try stage.write(NPZArchive(["states", "times", "observables", "initial"].map { ($0, joined[$0]!) }), as: "trajectories.npz")
            if pairs && steps > 0 {
                try stage.write(onestepPairs(states: try states.elements(as: System.Site.self), times: try joined["times"]!.elements(as: Double.self),
                                             runs: runs, records: steps + 1, stateShape: Array(states.shape.dropFirst(2))), as: "pairs.npz")
            }
            return try stage.finish()
        }
    }

    /// The runs `runs` (global indices) of `steps` recorded steps each: `states`, `times`,
    /// `observables` and `initial`, each with one row per run.
    private static func simulate<System: MicroscopicSystem>(_ system: System, runs: Range<Int>, steps: Int, seed: UInt64) throws -> [(String, NumPyArray)] {
        let records = steps + 1
        let valuesPerState = system.components * system.spatialShape.reduce(1, *)
        let observableCount = System.observableNames.count
        let parameterCount = System.initialParameterNames.count

        let states = UnsafeMutableBufferPointer<System.Site>.allocate(capacity: runs.count * records * valuesPerState)
        var times = [Double](repeating: 0, count: runs.count * records)
        var observables = [Double](repeating: 0, count: runs.count * records * observableCount)
        var initial = [Double](repeating: 0, count: runs.count * parameterCount)
        defer { states.deallocate() }

        let progress = Progress("simulate \(System.identifier)", total: runs.count)
        times.withUnsafeMutableBufferPointer { timesBuffer in
            observables.withUnsafeMutableBufferPointer { observablesBuffer in
                initial.withUnsafeMutableBufferPointer { initialBuffer in
                    // Each run writes only its own slices of the shared buffers.
                    nonisolated(unsafe) let (statesOut, timesOut, observablesOut, initialOut) = (states, timesBuffer, observablesBuffer, initialBuffer)
                    // NNK barriers call BLAS inside the loop: one OpenBLAS thread per worker.
                    BLASLibrary.withSingleThread {
                        parallelFor(runs.count) { slot in
                            let run = runs.lowerBound + slot
                            let random = RandomStream(seed: seed, stage: "simulate", index: UInt64(run))
                            var (configuration, parameters) = system.initialConfiguration(run: run, random: random)
                            for (p, value) in parameters.enumerated() { initialOut[slot * parameterCount + p] = value }
                            func store(_ record: Int, _ configuration: Grid<System.Site>, _ time: Double) {
                                let slot = slot * records + record
                                for (i, value) in configuration.values.enumerated() { statesOut[slot * valuesPerState + i] = value }
                                timesOut[slot] = time
                                for (o, value) in system.observables(of: configuration).enumerated() {
                                    observablesOut[slot * observableCount + o] = value
                                }
                            }
                            store(0, configuration, 0)
                            system.simulate(&configuration, steps: steps, random: random) { store($0, $1, $2) }
                            progress.advance()
                        }
                    }
                }
            }
        }
        progress.finish()

        let stateShape = (system.components > 1 ? [system.components] : []) + system.spatialShape
        return [
            ("states", try NumPyArray(Array(states), shape: [runs.count, records] + stateShape)),
            ("times", try NumPyArray(times, shape: [runs.count, records])),
            ("observables", try NumPyArray(observables, shape: [runs.count, records, observableCount])),
            ("initial", try NumPyArray(initial, shape: [runs.count, parameterCount])),
        ]
    }

    /// Consecutive records (x_t, x_{t+δt}) and δt of every run, flattened over runs and steps.
    static func onestepPairs<Site: NumPyElement>(states: [Site], times: [Double], runs: Int, records: Int,
                                                stateShape: [Int]) throws -> NPZArchive {
        let size = stateShape.reduce(1, *)
        var before: [Site] = [], after: [Site] = [], dt: [Double] = []
        before.reserveCapacity(runs * (records - 1) * size)
        after.reserveCapacity(runs * (records - 1) * size)
        for run in 0..<runs {
            for record in 0..<(records - 1) {
                let slot = run * records + record
                before.append(contentsOf: states[(slot * size)..<((slot + 1) * size)])
                after.append(contentsOf: states[((slot + 1) * size)..<((slot + 2) * size)])
                dt.append(times[slot + 1] - times[slot])
            }
        }
        let count = runs * (records - 1)
        return NPZArchive([
            ("before", try NumPyArray(before, shape: [count] + stateShape)),
            ("after", try NumPyArray(after, shape: [count] + stateShape)),
            ("dt", try NumPyArray(dt, shape: [count])),
        ])
    }
}
