import ArgumentParser
import Foundation
import Stages

/// `macroscale check-dynamics`: the learned drift and diffusion against the truth.
struct CheckDynamics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-dynamics",
        abstract: "Compare a trained SDE's drift and diffusion with the true ones, per unit of physical time.",
        discussion: """
            With observable latents of a system whose macroscopic law is known exactly (Curie–Weiss), the \
            truth is that law on --grid-points latents spanning the test stages' states. Otherwise it is \
            direct simulation: from --states runs of every --test stage at each of the --records, \
            --replicas copies of the whole large system run for --burst-time (recorded half-way, so the \
            drift is the two-time estimate without the O(h) bias); the drift carries its standard error. \
            Writes dynamics.json and report/index.html and prints the table.
            """)

    @OptionGroup var judged: ModelTestOptions
    @Option(help: "Grid points of the exact law.")
    var gridPoints = 11
    @Option(help: "Record indices of the test trajectories to start bursts from, comma-separated.")
    var records = "0,2,4,8"
    @Option(help: "Test runs per stage whose records are burst states.")
    var states = 8
    @Option(help: "Replicas of the whole system per state.")
    var replicas = 32
    @Option(help: "Burst time h (default: the model's time unit, the training pairs' mean δt with --rescale-time).")
    var burstTime: Double?
    @OptionGroup var stage: StageOptions

    /// The settings the options describe.
    var settings: DynamicsCheck.Settings { get throws {
        var settings = DynamicsCheck.Settings()
        settings.gridPoints = gridPoints
        settings.bursts.records = try parsedList(records, option: "--records", as: Int.self)
        settings.bursts.states = states
        settings.bursts.replicas = replicas
        settings.bursts.time = burstTime
        return settings
    } }

    func validate() throws {
        try settings.validateOption()
    }

    func run() throws {
        stage.apply()
        let summary = try DynamicsCheck.run(try settings, inputs: try judged.open(), seed: stage.seed, directory: stage.directory)
        print(DynamicsCheck.text(summary))
    }
}
