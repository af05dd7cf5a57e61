import ArgumentParser

/// The `macroscale` command: learns macroscopic stochastic dynamics from small-system simulations.
public struct Macroscale: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "macroscale",
        abstract: "Learn the macroscopic stochastic dynamics of large systems from small-system simulations.",
        discussion: "Each pipeline stage is a subcommand that reads and writes NumPy artifacts with a manifest.json.",
        version: ToolVersionString.value,
        subcommands: [Run.self, Simulate.self, Equilibrium.self, Critical.self, Upsample.self, Evolve.self, CheckEstimator.self, TrainClosure.self, Encode.self, Generator.self, EncodeTrajectories.self, TrainSDE.self, RolloutCommand.self, MMDCommand.self, Evaluate.self, CheckDynamics.self, Compare.self, Bench.self, Inspect.self, ExportDump.self, Version.self])

    public init() {}
}
