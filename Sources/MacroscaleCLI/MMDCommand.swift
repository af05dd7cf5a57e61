import Stages
import ArgumentParser
import Artifacts
import Foundation
import Metrics

/// `macroscale mmd`: MMD between any two ensembles.
struct MMDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mmd",
        abstract: "MMD² between two ensembles, per time step and averaged over time.",
        discussion: """
            Arrays are [trajectories, time, dim] on the same time grid, or [samples, dim] for one time. \
            Prints the temporal means of the biased V-statistic (the reference's number) and the unbiased \
            U-statistic; with --out, writes the per-time curves mmd_v.npy and mmd_u.npy. Arrays may be \
            FILE.npy or FILE.npz:ARRAY.
            """)

    @Argument(help: "First ensemble.")
    var first: String
    @Argument(help: "Second ensemble.")
    var second: String
    @Option(help: "Kernel bandwidths, comma-separated.")
    var bandwidths = "0.25,0.5,1,2,4,8"
    @Option(help: "Standardise both ensembles by this one's pooled mean and within-ensemble spread per component (the RMS over time of the std across trajectories): A (the first) or B (the second).")
    var standardizeBy: String?
    @Option(help: "Directory for the per-time curves.")
    var out: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard let values = parsedBandwidths, !values.isEmpty, values.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--bandwidths must be positive numbers separated by commas, got '\(bandwidths)'")
        }
        if let standardizeBy, !["A", "B"].contains(standardizeBy) { throw ValidationError("--standardize-by must be A or B") }
    }

    var parsedBandwidths: [Double]? {
        let parts = bandwidths.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        return parts.contains(nil) ? nil : parts.compactMap { $0 }
    }

    func run() throws {
        global.apply()
        let (firstURL, a) = try loadArray(first), (secondURL, b) = try loadArray(second)
        let (times, dimension) = try Self.layout(a, source: firstURL)
        guard try Self.layout(b, source: secondURL) == (times, dimension) else {
            throw ValidationError("the ensembles disagree in time steps or dimension: \(a.shape) and \(b.shape)")
        }
        var x = a.doubleValues(), y = b.doubleValues()
        if let standardizeBy {
            let scale = SpreadScale(of: standardizeBy == "A" ? x : y, times: times, dimension: dimension)
            x = scale.standardised(x)
            y = scale.standardised(y)
        }
        let (v, u) = MMD(bandwidths: parsedBandwidths!).overTime(x, y, times: times, dimension: dimension)
        print(String(format: "MMD² V-statistic (biased) %.6g, U-statistic (unbiased) %.6g, mean over %d time steps",
                     v.reduce(0, +) / Double(times), u.reduce(0, +) / Double(times), times))
        if let out {
            let directory = URL(fileURLWithPath: out)
            try NPYFile.write(NumPyArray(v), to: directory.appendingPathComponent("mmd_v.npy"))
            try NPYFile.write(NumPyArray(u), to: directory.appendingPathComponent("mmd_u.npy"))
        }
    }

    /// (time steps, dimension) of a [trajectories, time, dim] or [samples, dim] array.
    static func layout(_ array: NumPyArray, source: URL) throws -> (Int, Int) {
        switch array.shape.count {
        case 2: return (1, array.shape[1])
        case 3: return (array.shape[1], array.shape[2])
        default: throw ArtifactError(source.path, "expected [trajectories, time, dim] or [samples, dim], got \(NumPyArray.describe(array.shape))")
        }
    }
}

/// `macroscale evaluate`: rollouts against true large-system trajectories.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained SDE against true large-system test trajectories (spec §5).",
        discussion: """
            Each --test is a simulate stage of the large system; runs with equal initial parameters form a \
            test condition. Writes metrics.json, metrics.csv and per-time curves (mmd_v, mmd_u, mean/std \
            predicted and true, times) as .npy, and prints the averages beside their noise floor (the same \
            metrics between the even- and odd-indexed true trajectories). Warns on standard error about test \
            conditions whose initial latents lie outside the training pairs' range.
            """)

    @Option(help: "A train-sde stage directory.")
    var model: String
    @Option(help: "Simulate stages with the true test trajectories (repeatable).")
    var test: [String]
    @Option(help: "The train-closure stage the latents were encoded with (omit for observable latents).")
    var closure: String?
    @Option(help: "Kernel bandwidths, comma-separated.")
    var bandwidths = "0.25,0.5,1,2,4,8"
    @OptionGroup var stage: StageOptions

    func validate() throws {
        guard !test.isEmpty else { throw ValidationError("give at least one --test simulate stage") }
        guard let values = Optional(bandwidths.split(separator: ",").compactMap { Double($0) }), !values.isEmpty, values.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--bandwidths must be positive numbers separated by commas")
        }
    }

    func run() throws {
        stage.apply()
        let summary = try EvaluateStage.run(model: URL(fileURLWithPath: model), tests: test.map { URL(fileURLWithPath: $0) },
                                            closure: closure.map { URL(fileURLWithPath: $0) },
                                            bandwidths: bandwidths.split(separator: ",").compactMap { Double($0) },
                                            seed: stage.seed, directory: stage.directory)
        func text(_ value: Double?) -> String { value.map { String(format: "%.4g", $0) } ?? "–" }
        print(String(format: "evaluate: %d conditions; average MMD² V %.4g (floor %@), U %.4g (floor %@); relative error of means %.4g (floor %@); transient error %@ (floor %@) → %@",
                     summary.conditions.count, summary.averageMMDV, text(summary.averageNoiseFloorMMDV), summary.averageMMDU, text(summary.averageNoiseFloorMMDU),
                     summary.relativeError, text(summary.noiseFloorRelativeError), text(summary.transientError), text(summary.noiseFloorTransientError), stage.out))
    }
}

/// `macroscale compare`: which setting is better?
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare evaluated runs: average MMD² (V, U), relative and transient errors beside their noise floors, best marked.",
        discussion: """
            Each argument is an evaluate stage directory or its metrics.json. With --group-suffix, runs whose \
            labels agree once a last -<number> is removed (evaluate-16-10, evaluate-16-11 → evaluate-16: the \
            seeds of a matrix) form one row: mean ± sample standard deviation of every metric and the number of runs.
            """)

    @Argument(help: "Evaluate directories or metrics.json files.")
    var runs: [String]
    @Option(help: "Row labels, comma-separated (default: the runs' directory names).")
    var labels: String?
    @Option(help: "Sort by mmd-v, mmd-u, relative-error, transient-error or name.")
    var sort = Comparison.Column.mmdV
    @Option(help: "Output format: text, markdown or csv.")
    var format = Comparison.Format.text
    @Option(help: "Also write an HTML page with the table and plots of the metrics against the runs.")
    var html: String?
    @Flag(help: "One row per label without its last -<number> (the seed): mean ± std over those runs.")
    var groupSuffix = false

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("give at least one evaluated run") }
        if let labels, labels.split(separator: ",", omittingEmptySubsequences: false).count != runs.count {
            throw ValidationError("--labels needs one label per run (\(runs.count))")
        }
    }

    func run() throws {
        let comparison = try Comparison(paths: runs.map { URL(fileURLWithPath: $0) },
                                        labels: labels.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) },
                                        groupSuffix: groupSuffix)
        print(comparison.render(sortedBy: sort, format: format), terminator: "")
        if let html {
            try AtomicFile.write(Data(comparison.html(sortedBy: sort).utf8), to: URL(fileURLWithPath: html))
        }
    }
}

extension Comparison.Column: ExpressibleByArgument {}
extension Comparison.Format: ExpressibleByArgument {}
