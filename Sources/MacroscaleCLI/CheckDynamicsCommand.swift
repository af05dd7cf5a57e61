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

    var recordIndices: [Int] { records.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        guard !recordIndices.isEmpty, recordIndices.count == records.split(separator: ",").count, recordIndices.allSatisfy({ $0 >= 0 }) else {
            throw ValidationError("--records must be non-negative integers separated by commas")
        }
        guard gridPoints >= 2, states >= 1, replicas >= 2 else { throw ValidationError("--grid-points and --replicas must be at least 2, --states at least 1") }
        if let burstTime, !(burstTime > 0 && burstTime.isFinite) { throw ValidationError("--burst-time must be positive and finite") }
    }

    func run() throws {
        stage.apply()
        var bursts = DynamicsCheck.Bursts()
        bursts.records = recordIndices
        bursts.states = states
        bursts.replicas = replicas
        bursts.time = burstTime
        let summary = try DynamicsCheck.run(model: judged.modelURL, tests: judged.testURLs, closure: judged.closureURL,
                                            gridPoints: gridPoints, bursts: bursts,
                                            seed: stage.seed, directory: stage.directory)
        print(DynamicsCheck.text(summary))
    }
}
