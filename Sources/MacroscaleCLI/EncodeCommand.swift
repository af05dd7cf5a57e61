import ArgumentParser
import Foundation
import Stages

/// `macroscale encode`: latent training pairs from an evolve stage.
struct Encode: CollectiveCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encode an evolve stage into latent pairs: partial estimator, naive baseline, validation.",
        discussion: """
            Latents are the system's macroscopic observables (m for Curie–Weiss, (m, ρ) for Ising, (ū, v̄) for \
            predator–prey), followed, with --closure, by the closure variables of a trained closure model, \
            normalised by its statistics. Writes partial.npz and naive.npz (start, next, dt), and \
            validation.npz from a simulate stage written with --pairs. With --control NAME (repeatable), every \
            file also holds controls [P, c]: the values of those parameters of the system configuration \
            (e.g. temperature), for train-sde to condition the SDE on. With --clock sweeps every δt is in \
            sweeps of its simulation, and the model trained on the pairs runs on that clock \
            (Docs/SDE.md, *Clocks*).
            """)

    @OptionGroup var evolve: EvolvedOptions
    @Option(help: "Simulate stage of the large system with --pairs, for validation pairs.")
    var validation: String?
    @Option(help: "A train-closure stage whose closure variables join the latent.")
    var closure: String?
    @Option(help: "A control parameter of the system configuration (e.g. temperature) to record with every pair (repeatable).")
    var control: [String] = []
    @Option(help: "The clock of δt: physical (the system's time) or sweeps (elementary steps — N events, N alloy hops — of the simulation the states come from: one scale at every temperature).")
    var clock = Clock.physical
    @OptionGroup var output: OutputOptions

    var settings: EncodeStage.Settings { .init(controls: control, clock: clock) }

    func validate() throws {
        try settings.validateOption()
    }

    func run() throws {
        output.apply()
        let inputs = try EncodeStage.Inputs(evolve: evolve.evolvedURL, snapshots: evolve.snapshotsURL, closure: closure.map { URL(fileURLWithPath: $0) },
                                            validation: validation.map { URL(fileURLWithPath: $0) })
        try EncodeStage.run(settings, inputs: inputs, seed: 0, directory: output.directory)
        print("encode → \(output.out)")
    }
}

extension Clock: ExpressibleByArgument {}
