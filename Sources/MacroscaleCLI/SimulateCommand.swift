import ArgumentParser
import Artifacts
import Foundation
import Stages
import Systems

/// `macroscale simulate <system>`: the small-system simulation stage.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate independent trajectories of a microscopic system.",
        discussion: """
            Writes trajectories.npz (states, times, observables, initial) and manifest.json into \
            --out; with --pairs also pairs.npz (before, after, dt), the one-step pairs used for \
            validation. Run r draws its randomness from the stream (seed, "simulate", r): use a \
            different --seed for validation and test sets than for training.
            """,
        subcommands: [SimulateIsing.self, SimulateCurieWeiss.self, SimulatePredatorPrey.self, SimulateAlloy.self, SimulateSystem.self])
}

/// A `simulate` subcommand: the system it would simulate and the options every simulation shares.
/// `run` checks a pipeline's sizes with it before anything runs.
protocol SystemSimulation: CollectiveCommand {
    /// The system, as the command's options describe it.
    func system() throws -> any MicroscopicSystem
    var options: SimulationOptions { get }
}

extension SystemSimulation {
    func run() throws {
        try options.run(try system())
    }
}

/// Options shared by every system's simulation.
struct SimulationOptions: ParsableArguments {
    @Option(help: "Independent trajectories.")
    var runs = 10

    @Option(help: "Recorded steps per trajectory (the initial state is recorded too).")
    var steps = 200

    @Option(help: "Elementary steps per recorded step: time steps (SPDE), N-event steps (Glauber) or sweeps (heat bath).")
    var stepsPerRecord = 1

    @Flag(help: "Also write the one-step pairs (x_t, x_{t+δt}, δt) as pairs.npz.")
    var pairs = false

    @OptionGroup var stage: StageOptions

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1, got \(runs)") }
        guard steps >= 0 else { throw ValidationError("--steps must be non-negative, got \(steps)") }
        guard stepsPerRecord >= 1 else { throw ValidationError("--steps-per-record must be at least 1, got \(stepsPerRecord)") }
    }

    /// Runs the stage for `system`, recording its configuration with the shared options in the manifest.
    func run<System: MicroscopicSystem>(_ system: System) throws {
        stage.apply()
        var system = system
        system.stepsPerRecord = stepsPerRecord
        // Parameters first: a size outside the system's range is named as such, not as memory.
        try system.validateParameters()
        try checkMemory(for: system)
        let config: JSONValue = ["system": .object(system.configuration), "runs": .number(Double(runs)),
                                 "steps": .number(Double(steps)), "pairs": .bool(pairs)]
        let manifest = try SimulationStage.run(system, runs: runs, steps: steps, seed: stage.seed, pairs: pairs,
                                               config: config, directory: stage.directory)
        print("simulate \(System.identifier): \(runs) runs × \(steps) steps in \(String(format: "%.2f", manifest.wallSeconds)) s → \(stage.out)")
    }
}

extension SimulationOptions {
    /// Refuses a simulation whose states would not fit in memory (`MemoryBudget`) before anything
    /// is written: all runs × records × values are held, and copied twice more while written
    /// (three times more with `--pairs`, for the pairs' before and after states).
    func checkMemory<System: MicroscopicSystem>(for system: System) throws {
        let values = MemoryBudget.bytes(system.components, system.spatialShape.reduce(1) { MemoryBudget.bytes($0, $1) })
        let records = steps.addingReportingOverflow(1).overflow ? Int.max : steps + 1
        let states = MemoryBudget.bytes(runs, records, values, System.Site.dtype.itemSize)
        try MemoryBudget.check(MemoryBudget.bytes(states, pairs ? 6 : 3),
                               for: "simulate: \(runs) runs × \(records) records × \(values) values × \(System.Site.dtype.itemSize) byte\(System.Site.dtype.itemSize == 1 ? "" : "s"), held \(pairs ? 6 : 3) times over while written,")
    }
}

/// Spin-system options: size, temperature, field, initial magnetization.
struct SpinOptions: ParsableArguments {
    @Option(help: "Linear size L of the L × L lattice.")
    var size = 16

    @Option(help: "Temperature T (default: the reference value, 2.5 for Ising, 1.1 for Curie–Weiss).")
    var temperature: Double?

    @Option(help: "External field h.")
    var field = 0.1

    @Option(help: "Initial magnetization: 'random' for m₀ ~ U[−1, 1] per run, or a number in [−1, 1].")
    var m0 = "random"

    func validate() throws {
        guard size >= 2 else { throw ValidationError("--size must be at least 2, got \(size)") }
        if let temperature, temperature <= 0 { throw ValidationError("--temperature must be positive, got \(temperature)") }
        _ = try initialCondition()
    }

    func initialCondition() throws -> SpinInitialCondition {
        do {
            return try SpinInitialCondition(m0)
        } catch {
            throw ValidationError("--\(error)")
        }
    }
}

struct SimulateIsing: SystemSimulation {
    static let configuration = CommandConfiguration(
        commandName: "ising",
        abstract: "2D Ising model, periodic, J = 1: rejection-free Glauber dynamics or heat-bath sweeps.")

    @OptionGroup var spin: SpinOptions

    @Option(help: "Dynamics: glauber (one step = N flip events) or heat-bath (one step = one sweep).")
    var dynamics = IsingModel.Dynamics.glauber

    @OptionGroup var options: SimulationOptions

    func validate() throws {
        if dynamics == .heatBath && spin.size % 2 != 0 {
            throw ValidationError("heat-bath sweeps are checkerboard-ordered and need an even --size, got \(spin.size)")
        }
    }

    func system() throws -> any MicroscopicSystem {
        IsingModel(size: spin.size, temperature: spin.temperature ?? IsingModel.referenceTemperature, field: spin.field,
                   dynamics: dynamics, initialCondition: try spin.initialCondition())
    }
}

struct SimulateCurieWeiss: SystemSimulation {
    static let configuration = CommandConfiguration(
        commandName: "curie-weiss",
        abstract: "Curie–Weiss mean-field spins with continuous-time Glauber dynamics (one step = N events).")

    @OptionGroup var spin: SpinOptions
    @OptionGroup var options: SimulationOptions

    func system() throws -> any MicroscopicSystem {
        CurieWeissModel(size: spin.size, temperature: spin.temperature ?? CurieWeissModel.referenceTemperature, field: spin.field,
                        initialCondition: try spin.initialCondition())
    }
}

struct SimulatePredatorPrey: SystemSimulation {
    static let configuration = CommandConfiguration(
        commandName: "predator-prey",
        abstract: "1D stochastic predator–prey SPDE with Neumann boundaries (reference: Docs/METHOD.md §4.1).")

    @Option(help: "Grid points n.")
    var points = 100
    @Option(help: "Time step dt.")
    var dt = 0.01
    @Option(help: "Scheme: reference (explicit Euler–Maruyama) or spectral (exact diffusion via FFTW DCT).")
    var scheme = PredatorPreyModel.Scheme.reference
    @Option(help: "Laplacian units: lattice ([1, −2, 1], the reference) or physical (divided by dx² = 1/n²).")
    var spacing = PredatorPreyModel.Spacing.lattice
    @Option(help: "Initial conditions: training (k ~ U(0.05, 0.15), m ~ U(0.45, 0.55)) or test (the 3 × 3 grid, run r at point r mod 9).")
    var initial = "training"
    @Option(help: "Predator growth rate a.")
    var a = 3.0
    @Option(help: "Predator threshold b.")
    var b = 0.4
    @Option(help: "Prey diffusion coefficient D.")
    var preyDiffusion = 0.0
    @Option(help: "Predator diffusion coefficient.")
    var predatorDiffusion = 1.0
    @Option(help: "Noise amplitude η.")
    var noise = 0.02
    @Option(help: "Interpolation used when this system is upsampled: linear or cubic-spline.")
    var interpolation = CellCentredInterpolation.linear

    @OptionGroup var options: SimulationOptions

    func validate() throws {
        guard points >= 2 else { throw ValidationError("--points must be at least 2, got \(points)") }
        guard dt > 0 else { throw ValidationError("--dt must be positive, got \(dt)") }
        guard noise >= 0, preyDiffusion >= 0, predatorDiffusion >= 0 else {
            throw ValidationError("--noise and the diffusion coefficients must be non-negative")
        }
        guard ["training", "test"].contains(initial) else {
            throw ValidationError("--initial must be 'training' or 'test', got '\(initial)'")
        }
    }

    func system() throws -> any MicroscopicSystem {
        var model = PredatorPreyModel(points: points)
        model.dt = dt
        model.scheme = scheme
        model.spacing = spacing
        model.initialCondition = initial == "test" ? .testGrid : .training
        model.a = a
        model.b = b
        model.preyDiffusion = preyDiffusion
        model.predatorDiffusion = predatorDiffusion
        model.noise = noise
        model.interpolation = interpolation
        return model
    }
}

extension IsingModel.Dynamics: ExpressibleByArgument {}
extension PredatorPreyModel.Scheme: ExpressibleByArgument {}
extension PredatorPreyModel.Spacing: ExpressibleByArgument {}
extension CellCentredInterpolation: ExpressibleByArgument {}
extension RegionBoundary: ExpressibleByArgument {}
