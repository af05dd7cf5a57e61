import Artifacts
import Execution
import Foundation
import Random
import Systems

/// Equilibrium samples of the zero-field Ising model by Wolff cluster updates: the direct
/// large-system ground truth of the finite-size-scaling analysis (`CriticalStage`).
///
/// Each of `runs` independent runs starts from the model's initial condition on stream
/// (seed, "equilibrium", run), performs `burnIn` sweeps unrecorded, each as many cluster flips as
/// add up to L² spins, then `sweeps` sweeps recording every `recordEvery`-th, each a fixed number
/// of cluster flips: the run's mean count per sweep over the second half of the burn-in. (Stopping after L² flipped spins
/// would bias the recorded states towards those a large cluster has just been flipped into.) Writes `samples.npz` with `magnetization` and `energy` (per spin),
/// both `[runs, records]` `float64`, and each run's clusters per sweep in the manifest.
/// Output does not depend on the thread count.
public enum EquilibriumStage: Stage {
    public static let name = "equilibrium"
    /// The file the stage writes.
    public static let fileName = "samples.npz"

    /// The model and how long to sample it.
    public struct Settings: StageSettings {
        /// The zero-field Ising model sampled (its size and temperature).
        public var model: IsingModel
        /// Recorded sweeps per run, after the burn-in.
        public var sweeps: Int
        /// Unrecorded sweeps at the start of each run.
        public var burnIn: Int
        /// Sweeps between records.
        public var recordEvery: Int
        /// Independent runs.
        public var runs: Int

        public init(model: IsingModel, sweeps: Int, burnIn: Int, recordEvery: Int, runs: Int) {
            self.model = model
            self.sweeps = sweeps
            self.burnIn = burnIn
            self.recordEvery = recordEvery
            self.runs = runs
        }

        /// Records per run.
        public var records: Int { sweeps / recordEvery }

        public func validate() throws {
            do { _ = try WolffCluster(model: model) } catch let error as ConfigurationError { throw SettingsError(error.description) }
            try SettingsError.require(runs >= 1, "the runs must be at least 1; got \(runs)")
            try SettingsError.require(burnIn >= 1, "the burn-in must be at least 1 sweep (it sets the clusters per sweep); got \(burnIn)")
            try SettingsError.require(recordEvery >= 1, "sweeps between records must be at least 1; got \(recordEvery)")
            try SettingsError.require(sweeps >= recordEvery, "the sweeps (\(sweeps)) must give at least one record every \(recordEvery)")
            try SettingsError.require(!runs.multipliedReportingOverflow(by: records).overflow && runs * records <= 1 << 31,
                                      "runs × records must stay below 2³¹; got \(runs) × \(records)")
        }
    }

    public static func validate(_ settings: Settings, inputs: Void) throws {}

    public static func perform(_ settings: Settings, inputs: Void, seed: UInt64, directory: URL) throws -> StageManifest {
        let (model, runs, records) = (settings.model, settings.runs, settings.records)
        let stage = try StageRun(stage: name, directory: directory,
                                 config: ["system": .object(model.configuration), "sampler": .string("wolff"),
                                          "sweeps": .number(Double(settings.sweeps)), "burnIn": .number(Double(settings.burnIn)),
                                          "recordEvery": .number(Double(settings.recordEvery)), "runs": .number(Double(runs))],
                                 seed: seed, checkedInputs: [], threads: ThreadCount.current)
        let magnetizationIndex = IsingModel.observableNames.firstIndex(of: "magnetization") ?? 0
        let energyIndex = IsingModel.observableNames.firstIndex(of: "energyPerSpin") ?? 2
        let progress = Progress("equilibrium ising L=\(model.size) T=\(model.temperature)", total: runs)
        let results = try parallelMap(runs) { run in Result {
            let random = RandomStream(seed: seed, stage: name, index: UInt64(run))
            let sampler = try WolffCluster(model: model)
            var spins = model.initialConfiguration(run: run, random: random).configuration
            // Clusters are counted over the second half of the burn-in, away from the start state.
            let counted = (settings.burnIn + 1) / 2
            var countedClusters = 0
            for sweep in 0..<settings.burnIn {
                let clusters = sampler.burnInSweep(&spins.values, random: random)
                if sweep >= settings.burnIn - counted { countedClusters += clusters }
            }
            let clusters = max(1, Int((Double(countedClusters) / Double(counted)).rounded()))
            var magnetization: [Double] = [], energy: [Double] = []
            magnetization.reserveCapacity(records)
            energy.reserveCapacity(records)
            for _ in 0..<records {
                for _ in 0..<settings.recordEvery { sampler.sweep(&spins.values, clusters: clusters, random: random) }
                let observables = model.observables(of: spins)
                magnetization.append(observables[magnetizationIndex])
                energy.append(observables[energyIndex])
            }
            progress.advance()
            return (magnetization, energy, clusters)
        } }.map { try $0.get() }
        progress.finish()
        stage.recordResult("clustersPerSweep", .array(results.map { .number(Double($0.2)) }))
        try stage.write(NPZArchive([
            ("magnetization", try NumPyArray(results.flatMap(\.0), shape: [runs, records])),
            ("energy", try NumPyArray(results.flatMap(\.1), shape: [runs, records])),
        ]), as: fileName)
        return try stage.finish()
    }
}
