import ArgumentParser
import Foundation
import Stages

/// `macroscale generator`: latent pairs from the generator of the dynamics at each snapshot.
struct Generator: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Latent pairs from each snapshot's instantaneous drift and diffusion (the generator of the dynamics), without evolving it.",
        discussion: """
            For Ising snapshots under Glauber dynamics: the drift b and covariance rate a of (m, ρ) at \
            every snapshot of an upsample (or simulate) stage, summed exactly over the flips its rates \
            allow. Writes generator.npz: start = z, next = z + b·dt, dt, conditionalCovariance = a·dt \
            and patches = 1 — the moments are the whole lattice's, so train-sde --lambda K means λ = 1. \
            train-sde reads them like encode's pairs (Docs/ESTIMATOR.md, *The generator*).
            """)

    @Option(help: "An upsample stage, or a simulate stage whose records are the snapshots.")
    var input: String
    @Option(help: "δt of every pair: the moments are rates, so it sets only the drift term's weight in train-sde and the model's training step (the longest Euler–Maruyama substep of its rollouts).")
    var dt = 1.0
    @Option(help: "Records to skip at the start of every run (simulate input only; refused for upsample input).")
    var burnIn = 0
    @Option(help: "A macroscopic observable to keep (repeatable; default: all, (m, ρ) for Ising), e.g. magnetization for the SDE of m alone.")
    var observable: [String] = []
    @OptionGroup var output: OutputOptions

    var settings: GeneratorStage.Settings { .init(dt: dt, burnIn: burnIn, observables: observable) }

    func validate() throws {
        try settings.validateOption()
    }

    func run() throws {
        output.apply()
        let manifest = try GeneratorStage.run(settings, inputs: .init(snapshots: URL(fileURLWithPath: input)), seed: 0, directory: output.directory)
        print("generator: \(String(format: "%.2f", manifest.wallSeconds)) s → \(output.out)")
    }
}
