import ArgumentParser
import Foundation
import Stages
import Systems

/// `macroscale equilibrium <system>`: direct equilibrium samples of a large system (statics only).
struct Equilibrium: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sample a system's equilibrium directly (statics only), the ground truth of `critical`.",
        subcommands: [EquilibriumIsing.self])
}

/// `macroscale equilibrium ising`: Wolff cluster sampling of the zero-field 2D Ising model.
struct EquilibriumIsing: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ising",
        abstract: "Zero-field 2D Ising model (periodic, J = 1) sampled by Wolff cluster updates.",
        discussion: """
            Each run performs --burn-in sweeps, each as many cluster flips as add up to L² spins, then \
            --sweeps sweeps recording every --record-every-th, each a fixed number of cluster flips (the \
            run's mean per sweep over the second half of the burn-in), so the recorded states are \
            Boltzmann samples; run r draws from the stream (seed, "equilibrium", r). Writes \
            samples.npz (magnetization and energy per spin, [runs, records]) and manifest.json.
            """)

    @Option(help: "Linear size L of the L × L lattice.")
    var size = 16
    @Option(help: "Temperature T (k_B = 1; T_c = 2/ln(1 + √2) ≈ 2.2692).")
    var temperature: Double
    @Option(help: "Initial magnetization: 'random' for m₀ ~ U[−1, 1] per run, or a number in [−1, 1].")
    var m0 = "random"
    @Option(help: "Recorded sweeps per run, after the burn-in.")
    var sweeps = 10_000
    @Option(help: "Unrecorded sweeps at the start of each run.")
    var burnIn = 100
    @Option(help: "Sweeps between records.")
    var recordEvery = 1
    @Option(help: "Independent runs.")
    var runs = 8
    @OptionGroup var stage: StageOptions

    func settings() throws -> EquilibriumStage.Settings {
        let initial: SpinInitialCondition
        do { initial = try SpinInitialCondition(m0) } catch { throw ValidationError("--\(error)") }
        return .init(model: IsingModel(size: size, temperature: temperature, field: 0, initialCondition: initial),
                     sweeps: sweeps, burnIn: burnIn, recordEvery: recordEvery, runs: runs)
    }

    func validate() throws {
        try settings().validateOption()
    }

    func run() throws {
        stage.apply()
        let settings = try settings()
        let manifest = try EquilibriumStage.run(settings, inputs: (), seed: stage.seed, directory: stage.directory)
        print("equilibrium ising L=\(size) T=\(temperature): \(runs) runs × \(settings.records) records in \(String(format: "%.2f", manifest.wallSeconds)) s → \(stage.out)")
    }
}
