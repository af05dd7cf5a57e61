import ArgumentParser
import Foundation
import Reports
import Stages

/// `macroscale check-estimator`: partial-patch increments against whole-system increments.
struct CheckEstimator: CollectiveCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-estimator",
        abstract: "Compare patch increments of an evolve stage with whole-system increments over the same δt.",
        discussion: """
            For each of the first --samples samples of an evolve stage, evolves the whole snapshot for \
            that sample's δt and compares the mean and covariance of φ(x_{t+δt,I}) − φ(x_{t,I}) (the \
            patch's own observables, i.e. K × its share of the whole system's) with those of \
            φ(x_{t+δt}) − φ(x_t) (both as the two-time combination where evolve recorded the patch \
            half-way). Writes increments.npz and summary.json; fails, without a manifest, when the \
            mean difference of any observable exceeds --max-bias standard errors (unless --allow-bias).
            """)

    @OptionGroup var evolve: EvolvedOptions

    @Option(help: "Samples to use (the first ones).")
    var samples = 2000

    @Option(help: "Largest accepted |bias| of any observable, in standard errors of the paired mean difference.")
    var maxBias = 4.0

    @Flag(help: "Report a bias beyond --max-bias without failing.")
    var allowBias = false

    @OptionGroup var stage: StageOptions

    /// The settings the options describe.
    var settings: EstimatorCheck.Settings {
        var settings = EstimatorCheck.Settings()
        settings.samples = samples
        settings.maximumBias = allowBias ? nil : maxBias
        return settings
    }

    func validate() throws {
        guard maxBias > 0 && maxBias.isFinite else { throw ValidationError("--max-bias must be positive and finite") }
        try settings.validateOption()
    }

    func run() throws {
        stage.apply()
        do {
            let summary = try EstimatorCheck.run(settings, inputs: try evolve.open(), seed: stage.seed, directory: stage.directory)
            print(EstimatorCheckReport.text(summary))
        } catch let biased as EstimatorCheck.Biased {
            print(EstimatorCheckReport.text(biased.summary))
            throw ValidationError(biased.description + " (--max-bias \(maxBias)), or pass --allow-bias")
        }
    }
}

/// The plain-text table `check-estimator` prints.
enum EstimatorCheckReport {
    /// The table: per observable, the partial and full increments' means with their standard
    /// errors, the bias (also in standard errors), the variances and their ratio.
    static func text(_ summary: EstimatorCheck.Summary) -> String {
        func format(_ value: Double) -> String { SignificantDigits.padded(value, width: 11) }
        let partialErrors = summary.partial.standardErrors(samples: summary.samples), fullErrors = summary.full.standardErrors(samples: summary.samples)
        var lines = ["\(summary.samples) samples, \(summary.estimator) estimator, mean δt \(SignificantDigits.text(summary.meanDt))",
                     "observable".padding(toLength: 20, withPad: " ", startingAt: 0)
                        + "  mean partial  ± error    mean full   ± error     bias   (in s.e.)  var partial    var full   ratio"]
        for (k, name) in summary.observables.enumerated() {
            let ratio = summary.partial.covariance[k][k] / summary.full.covariance[k][k]
            lines.append(name.padding(toLength: 20, withPad: " ", startingAt: 0)
                + " \(format(summary.partial.mean[k])) \(format(partialErrors[k])) \(format(summary.full.mean[k])) \(format(fullErrors[k]))"
                + " \(format(summary.bias[k])) \(SignificantDigits.padded(summary.biasInStandardErrors[k], width: 7))"
                + "  \(format(summary.partial.covariance[k][k])) \(format(summary.full.covariance[k][k]))  \(SignificantDigits.padded(ratio, width: 5))")
        }
        return lines.joined(separator: "\n")
    }
}
