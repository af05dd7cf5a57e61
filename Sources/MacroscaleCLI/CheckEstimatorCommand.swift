import ArgumentParser
import Foundation
import Stages
import Systems
import Artifacts

/// `macroscale check-estimator`: partial-patch increments against whole-system increments.
struct CheckEstimator: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-estimator",
        abstract: "Compare patch increments of an evolve stage with whole-system increments over the same δt.",
        discussion: """
            For each of the first --samples samples of an evolve stage, evolves the whole snapshot for \
            that sample's δt and compares the mean and covariance of φ(x_{t+δt,I}) − φ(x_{t,I}) (the \
            patch's own observables, i.e. K × its share of the whole system's) with those of \
            φ(x_{t+δt}) − φ(x_t). Writes increments.npz and summary.json.
            """)

    @Option(help: "Evolve stage directory.")
    var evolved: String

    @Option(help: "Samples to use (the first ones).")
    var samples = 2000

    @OptionGroup var stage: StageOptions

    func run() throws {
        stage.apply()
        let evolve = try StageSource(directory: URL(fileURLWithPath: evolved))
        guard let snapshotPath = evolve.manifest.inputs.first?.path else {
            throw ArtifactError(evolved, "the evolve manifest names no snapshot input")
        }
        let source = try SnapshotSource(directory: URL(fileURLWithPath: snapshotPath).deletingLastPathComponent())
        try check(evolve.system, evolve: evolve, source: source)
    }

    private func check<System: MicroscopicSystem>(_ system: System, evolve: StageSource, source: SnapshotSource) throws {
        let file = try evolve.output(["evolved.npz"])
        let archive = try NPZArchive.read(file)
        let patchShape = try archive.array("patchBefore").shape.suffix(system.spatialShape.count).map { $0 }
        let before = try Stages.configurations(archive.array("patchBefore"), of: system, spatialShape: patchShape, source: file.path)
        let after = try Stages.configurations(archive.array("patchAfter"), of: system, spatialShape: patchShape, source: file.path)
        let summary = try EstimatorCheck.run(
            system, snapshots: try source.snapshots(of: system), patchBefore: before, patchAfter: after,
            dt: try archive.array("dt").elements(as: Double.self), samples: samples, seed: stage.seed,
            inputs: [evolve.input(file), source.input], directory: stage.directory)
        print(EstimatorCheckReport.text(summary))
    }
}

/// The plain-text table `check-estimator` prints.
enum EstimatorCheckReport {
    static func text(_ summary: EstimatorCheck.Summary) -> String {
        func format(_ value: Double) -> String { String(format: "%11.3e", value) }
        var lines = ["\(summary.samples) samples, mean δt \(String(format: "%.4g", summary.meanDt))",
                     "observable".padding(toLength: 20, withPad: " ", startingAt: 0) + "  mean partial   mean full    var partial    var full   ratio"]
        for (k, name) in summary.observables.enumerated() {
            let ratio = summary.partial.covariance[k][k] / summary.full.covariance[k][k]
            lines.append(name.padding(toLength: 20, withPad: " ", startingAt: 0)
                + " \(format(summary.partial.mean[k])) \(format(summary.full.mean[k])) \(format(summary.partial.covariance[k][k])) \(format(summary.full.covariance[k][k]))  \(String(format: "%5.2f", ratio))")
        }
        return lines.joined(separator: "\n")
    }
}
