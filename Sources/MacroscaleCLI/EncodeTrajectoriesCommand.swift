import ArgumentParser
import Foundation
import Stages

/// `macroscale encode-trajectories`: the latents of a simulate stage's records.
struct EncodeTrajectories: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode-trajectories",
        abstract: "Encode the records of a simulate stage into latents (observables, or through a closure model).",
        discussion: """
            The same latent map encode and evaluate use: the system's macroscopic observables, followed \
            with --closure by the closure variables of a train-closure stage, normalised by its statistics. \
            Writes latents.npz (latents [runs, records, n_z], times [runs, records], initial [runs, parameters]); \
            the manifest names the components.
            """)

    @Option(help: "A simulate stage.")
    var input: String
    @Option(help: "A train-closure stage whose closure variables join the latent.")
    var closure: String?
    @OptionGroup var output: OutputOptions

    func run() throws {
        output.apply()
        let inputs = try TrajectoryEncodingStage.Inputs(trajectories: URL(fileURLWithPath: input), closure: closure.map { URL(fileURLWithPath: $0) })
        try TrajectoryEncodingStage.run(.init(), inputs: inputs, seed: 0, directory: output.directory)
        print("encode-trajectories → \(output.out)")
    }
}
