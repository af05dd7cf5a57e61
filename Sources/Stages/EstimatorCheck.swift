import Artifacts
import Execution
import Foundation
import Random
import Systems

/// The physics the partial estimator rests on, checked on stage outputs: is the change of the
/// observables of one patch evolved alone, φ(x_{t+δt,I}) − φ(x_{t,I}) (φ evaluated on the patch, so
/// K times its weight in the whole system's φ), distributed like the change of φ of the whole
/// system evolved for the same time δt?
///
/// For sample j of an evolve stage it takes the snapshot x_t, evolves the **whole** system for that
/// sample's δt_j (stream (seed, "estimator-check", j)), and records both increments.
public enum EstimatorCheck {
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
    }

    /// Both sets of moments, with the mean δt, as written to `summary.json`.
    public struct Summary: Codable, Sendable {
        public var observables: [String]
        public var samples: Int
        public var meanDt: Double
        public var partial: Moments
        public var full: Moments
    }

    /// Computes both increments for the first `samples` samples and writes `increments.npz`
    /// (`partial`, `full` `[samples, n_obs]`, `dt`) and `summary.json`.
    @discardableResult
    public static func run<System: MicroscopicSystem>(
        _ system: System, snapshots: [Grid<System.Site>], patchBefore: [Grid<System.Site>], patchAfter: [Grid<System.Site>],
        dt: [Double], samples: Int, seed: UInt64, inputs: [StageManifest.Input], directory: URL
    ) throws -> Summary {
        let count = min(samples, snapshots.count, dt.count)
        guard count >= 2 else { throw ConfigurationError("the estimator check needs at least 2 samples") }
        let stage = try StageRun(stage: "check-estimator", directory: directory,
                                 config: ["system": .object(system.configuration), "samples": .number(Double(count))],
                                 seed: seed, checkedInputs: inputs, threads: ThreadCount.current)
        let progress = Progress("evolve whole systems", total: count)
        let increments = parallelMap(count) { j in
            let random = RandomStream(seed: seed, stage: "estimator-check", index: UInt64(j))
            let partial = zip(system.observables(of: patchAfter[j]), system.observables(of: patchBefore[j])).map { $0 - $1 }
            var whole = snapshots[j]
            let before = system.observables(of: whole)
            _ = system.evolveRegion(&whole, origin: [Int](repeating: 0, count: system.spatialShape.count), size: system.spatialShape,
                                    for: .time(dt[j]), boundary: .periodicWindow, random: random)
            let full = zip(system.observables(of: whole), before).map { $0 - $1 }
            progress.advance()
            return (partial, full)
        }
        progress.finish()
        let dimension = System.observableNames.count
        let summary = Summary(observables: System.observableNames, samples: count,
                              meanDt: dt.prefix(count).reduce(0, +) / Double(count),
                              partial: Moments(increments.map(\.0)), full: Moments(increments.map(\.1)))
        try stage.write(NPZArchive([
            ("partial", try NumPyArray(increments.flatMap(\.0), shape: [count, dimension])),
            ("full", try NumPyArray(increments.flatMap(\.1), shape: [count, dimension])),
            ("dt", NumPyArray(Array(dt.prefix(count)))),
        ]), as: "increments.npz")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(summary), to: directory.appendingPathComponent("summary.json"))
        stage.recordOutput("summary.json")
        try stage.finish()
        return summary
    }
}
