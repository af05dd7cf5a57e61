import Artifacts
import Distributed
import Execution
import Foundation
import Linalg
import Random
import Systems

/// The physics the partial estimator rests on, checked on stage outputs: is the change of the
/// observables of one patch evolved alone, φ(x_{t+δt,I}) − φ(x_{t,I}) (φ measured as encode measures
/// it, `PatchMeasurement`: K times the patch's weight in the whole system's φ), distributed like the
/// change of φ of the whole system evolved for the same time δt?
///
/// For sample j of an evolve stage (snapshot j and its first patch evolution, where evolve ran
/// several replicas per snapshot) it takes the snapshot x_t, evolves the **whole** system for that
/// sample's δt_j (stream (seed, "estimator-check", j)), and records both increments. Where the
/// evolve stage recorded the patch half-way (Richardson estimator), the whole system is recorded at
/// the same half-way time and both increments are the same two-time combination. The bias is the
/// mean of the paired differences (patch − whole, per sample) in units of its standard error.
public enum EstimatorCheck: Stage {
    public static let name = "check-estimator"

    /// How many samples to check, and the largest bias accepted.
    public struct Settings: StageSettings {
        /// Samples to use (the first ones).
        public var samples = 2000
        /// Largest accepted |bias| of any observable in standard errors (nil: report any bias without failing).
        public var maximumBias: Double? = 4

        public init() {}

        public func validate() throws {
            try SettingsError.require(samples >= 2, "the estimator check needs at least 2 samples; got \(samples)")
            if let maximumBias { try SettingsError.require(maximumBias > 0 && maximumBias.isFinite, "the largest accepted bias must be positive and finite; got \(maximumBias)") }
        }
    }

    /// A partial estimator biased beyond the accepted bound; the stage's outputs are written, its manifest is not.
    public struct Biased: Error, CustomStringConvertible {
        public let summary: Summary
        public let description: String
    }

    public static func validate(_ settings: Settings, inputs: EvolveSource) throws {}

    /// Checks the first samples of the evolve stage `inputs` against whole-system evolution; throws
    /// `Biased` (after writing the outputs, without the manifest) beyond `settings.maximumBias`.
    public static func perform(_ settings: Settings, inputs: EvolveSource, seed: UInt64, directory: URL) throws -> Summary {
        try perform(settings, system: inputs.system, inputs: inputs, seed: seed, directory: directory)
    }

    private static func perform<System: MicroscopicSystem>(_ settings: Settings, system: System, inputs: EvolveSource, seed: UInt64,
                                                           directory: URL) throws -> Summary {
        let (snapshots, patches) = try inputs.read(system)
        return try check(system, snapshots: snapshots, patches: patches, samples: settings.samples, seed: seed,
                         inputs: inputs.inputs, directory: directory) { summary in
            guard let bound = settings.maximumBias else { return }
            let biased = summary.observables.indices.filter { abs(summary.biasInStandardErrors[$0]) > bound }
            guard biased.isEmpty else {
                throw Biased(summary: summary, description: "the partial estimator is biased: " + biased.map {
                    "\(summary.observables[$0]) by \(String(format: "%.3g", summary.bias[$0])) (\(String(format: "%.1f", summary.biasInStandardErrors[$0])) standard errors)"
                }.joined(separator: ", ") + " beyond \(bound) standard errors; shorten the patch time or use the richardson estimator in evolve")
            }
        }
    }

    /// Mean and covariance of a set of increment vectors.
    public struct Moments: Codable, Sendable {
        public var mean: [Double]
        public var covariance: [[Double]]

        init(_ samples: [[Double]]) {
            let n = Double(samples.count), d = samples.first?.count ?? 0
            let mean = (0..<d).map { k in samples.reduce(0) { $0 + $1[k] } / n }
            self.mean = mean
            covariance = (0..<d).map { a in
                (0..<d).map { b in samples.reduce(0) { $0 + ($1[a] - mean[a]) * ($1[b] - mean[b]) } / (n - 1) }
            }
        }

        /// Standard errors of the means.
        public func standardErrors(samples: Int) -> [Double] {
            mean.indices.map { (covariance[$0][$0] / Double(samples)).squareRoot() }
        }
    }

    /// Both sets of moments, with the mean δt and the bias, as written to `summary.json`.
    public struct Summary: Codable, Sendable {
        public var observables: [String]
        public var samples: Int
        public var meanDt: Double
        /// `single` or `richardson`.
        public var estimator: String
        public var partial: Moments
        public var full: Moments
        /// Mean of (patch − whole) increments per observable, and that mean in units of its standard error.
        public var bias: [Double]
        public var biasInStandardErrors: [Double]
    }

    /// Computes both increments for the first `samples` samples and writes `increments.npz`
    /// (`partial`, `full` `[samples, n_obs]`, `dt`) and `summary.json`; `accept` decides what bias fails.
    @discardableResult
    public static func check<System: MicroscopicSystem>(
        _ system: System, snapshots: [Grid<System.Site>], patches: EvolvedPatches<System.Site>, samples: Int, seed: UInt64,
        inputs: [StageManifest.Input], directory: URL, accept: (Summary) throws -> Void = { _ in }
    ) throws -> Summary {
        guard snapshots.count == patches.snapshotCount else {
            throw LineageError(directory.path, "\(patches.dt.count) evolved patches (\(patches.replicas) per snapshot) for \(snapshots.count) snapshots")
        }
        let count = min(samples, snapshots.count)
        guard count >= 2 else { throw SettingsError("the estimator check needs at least 2 samples; the evolve stage has \(snapshots.count)") }
        let dt = (0..<count).map { patches.dt[patches.entries(ofSnapshot: $0).lowerBound] }
        let weights = try patches.richardsonWeights(source: directory.path)
        let world = Communicator.world
        let stage = try world.onRoot {
            try StageRun(stage: name, directory: directory,
                         config: ["system": .object(system.configuration), "samples": .number(Double(count)),
                                  "estimator": .string(weights == nil ? "single" : "richardson")],
                         seed: seed, checkedInputs: inputs, threads: ThreadCount.current, ranks: world.size)
        }
        let checked = Array(snapshots.prefix(count))
        let start = checked.map(system.observables(of:))
        let measured = try PatchMeasurement(system, snapshots: checked, start: start, patches: patches) { configurations, system in
            configurations.map(system.observables(of:))
        }
        // Under mpirun each rank evolves its share of the samples; every rank gets all increments.
        let share = world.share(of: count)
        let progress = Progress("evolve whole systems", total: share.count)
        // NNK barriers call BLAS inside the loop: one OpenBLAS thread per worker.
        let local = BLASLibrary.withSingleThread {
            parallelMap(share.count) { slot in
                let j = share.lowerBound + slot
                let random = RandomStream(seed: seed, stage: "estimator-check", index: UInt64(j))
                let e = patches.entries(ofSnapshot: j).lowerBound
                // The whole system over the same times: to the half-way time first where there is one.
                let times = patches.midway.map { [$0.dt[e], patches.dt[e]] } ?? [patches.dt[e]]
                let recorded = system.wholeSystemStates(from: snapshots[j], at: times, random: random).map(system.observables(of:))
                let partial = estimatedIncrement(before: measured.before[e], midway: measured.midway?[e], after: measured.after[e], weights: weights?[e])
                let full = estimatedIncrement(before: start[j], midway: recorded.count == 2 ? recorded[0] : nil,
                                              after: recorded[recorded.count - 1], weights: weights?[e])
                progress.advance()
                return partial + full
            }
        }
        progress.finish()
        let dimension = System.observableNames.count
        let increments = world.allGather(rows: local, width: 2 * dimension).map { (Array($0.prefix(dimension)), Array($0.suffix(dimension))) }
        let differences = Moments(increments.map { zip($0.0, $0.1).map { $0 - $1 } })
        let errors = differences.standardErrors(samples: count)
        let summary = Summary(observables: System.observableNames, samples: count,
                              meanDt: dt.reduce(0, +) / Double(count), estimator: weights == nil ? "single" : "richardson",
                              partial: Moments(increments.map(\.0)), full: Moments(increments.map(\.1)),
                              bias: differences.mean, biasInStandardErrors: zip(differences.mean, errors).map { $1 > 0 ? $0 / $1 : 0 })
        _ = try world.onRoot {
            guard let stage else { preconditionFailure("the root writes the increments") }
            try stage.write(NPZArchive([
                ("partial", try NumPyArray(increments.flatMap(\.0), shape: [count, dimension])),
                ("full", try NumPyArray(increments.flatMap(\.1), shape: [count, dimension])),
                ("dt", NumPyArray(dt)),
            ]), as: "increments.npz")
            try stage.writeJSON(summary, as: "summary.json")
        }
        // A refused check leaves its outputs to look at but no manifest, so a pipeline does not go past it.
        try world.collectively { try accept(summary) }
        _ = try world.onRoot { try stage?.finish() }
        return summary
    }
}
