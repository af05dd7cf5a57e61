import ArgumentParser
import Artifacts
import Foundation
import Metrics
import Reports
import Stages

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
    @Flag(help: "Print the result as one JSON document (mmdV, mmdU, timeSteps, bandwidths, standardizeBy) instead of the line.")
    var json = false
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
        let (m, n) = (a.shape[0], b.shape[0])
        do {
            try MMD.checkSamples(m, n, dimension: dimension)
        } catch {
            throw ArtifactError((m < 2 ? firstURL : secondURL).path, "\(error) (shapes \(NumPyArray.describe(a.shape)) and \(NumPyArray.describe(b.shape)))")
        }
        let double = MemoryLayout<Double>.size
        try MemoryBudget.check(max(MemoryBudget.bytes(m, m, double), MemoryBudget.bytes(n, n, double), MemoryBudget.bytes(m, n, double)),
                               for: "the MMD's kernel matrix of \(m) and \(n) samples")
        var x = a.doubleValues(), y = b.doubleValues()
        for (url, values) in [(firstURL, x), (secondURL, y)] {
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw ArtifactError(url.path, "value \(values[bad]) of trajectory \(bad / (times * dimension)) is not finite; MMD compares finite samples")
            }
        }
        if let standardizeBy {
            let scale = SpreadScale(of: standardizeBy == "A" ? x : y, times: times, dimension: dimension)
            x = scale.standardised(x)
            y = scale.standardised(y)
        }
        guard let parsedBandwidths else { throw ValidationError("--bandwidths must be positive numbers separated by commas") }
        let (v, u) = MMD(bandwidths: parsedBandwidths).overTime(x, y, times: times, dimension: dimension)
        let result = Result(mmdV: v.reduce(0, +) / Double(times), mmdU: u.reduce(0, +) / Double(times), timeSteps: times,
                            bandwidths: parsedBandwidths, standardizeBy: standardizeBy)
        if json {
            try JSONOutput.print(result)
        } else {
            print("MMD² V-statistic (biased) \(SignificantDigits.text(result.mmdV)), U-statistic (unbiased) \(SignificantDigits.text(result.mmdU)), "
                  + "mean over \(times) time steps")
        }
        if let out {
            let directory = URL(fileURLWithPath: out)
            try NPYFile.write(NumPyArray(v), to: directory.appendingPathComponent("mmd_v.npy"))
            try NPYFile.write(NumPyArray(u), to: directory.appendingPathComponent("mmd_u.npy"))
        }
    }

    /// What `mmd --json` prints.
    struct Result: Encodable {
        /// The temporal mean of the biased V-statistic.
        var mmdV: Double
        /// The temporal mean of the unbiased U-statistic.
        var mmdU: Double
        /// The number of time steps averaged over.
        var timeSteps: Int
        /// The kernel bandwidths.
        var bandwidths: [Double]
        /// The ensemble both were standardised by (`A` or `B`); absent for none.
        var standardizeBy: String?
    }

    /// (time steps, dimension) of a [trajectories, time, dim] or [samples, dim] array, both at least 1.
    static func layout(_ array: NumPyArray, source: URL) throws -> (Int, Int) {
        let layout: (Int, Int)
        switch array.shape.count {
        case 2: layout = (1, array.shape[1])
        case 3: layout = (array.shape[1], array.shape[2])
        default: throw ArtifactError(source.path, "expected [trajectories, time, dim] or [samples, dim], got \(NumPyArray.describe(array.shape))")
        }
        guard layout.0 >= 1, layout.1 >= 1 else {
            throw ArtifactError(source.path, "shape \(NumPyArray.describe(array.shape)) has no time steps or no components")
        }
        return layout
    }
}
