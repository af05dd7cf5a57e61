import ArgumentParser
import Foundation
import Stages

/// `macroscale encode`: latent training pairs from an evolve stage.
struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encode an evolve stage into latent pairs: partial estimator, naive baseline, validation.",
        discussion: """
            Latents are the system's macroscopic observables (m for Curie–Weiss, (m, ρ) for Ising, (ū, v̄) for \
            predator–prey), followed, with --closure, by the closure variables of a trained closure model, \
            normalised by its statistics. Writes partial.npz and naive.npz (start, next, dt), and \
            validation.npz from a simulate stage written with --pairs.
            """)

    @OptionGroup var evolve: EvolvedOptions
    @Option(help: "Simulate stage of the large system with --pairs, for validation pairs.")
    var validation: String?
    @Option(help: "A train-closure stage whose closure variables join the latent.")
    var closure: String?
    @OptionGroup var output: OutputOptions

    func run() throws {
        output.apply()
        let inputs = try EncodeStage.Inputs(evolve: evolve.evolvedURL, snapshots: evolve.snapshotsURL, closure: closure.map { URL(fileURLWithPath: $0) },
                                            validation: validation.map { URL(fileURLWithPath: $0) })
        try EncodeStage.run(.init(), inputs: inputs, seed: 0, directory: output.directory)
        print("encode → \(output.out)")
    }
}
