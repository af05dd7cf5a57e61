import Artifacts
import Execution
import Foundation
import Systems

/// Encodes the records of a simulate stage into latents: the observables, or the normalised
/// (z*, ẑ) of a closure model — the same map `encode` and `evaluate` use — for one's own analysis.
///
/// Writes `latents.npz`: `latents` `[runs, records, n_z]`, `times` `[runs, records]`, `initial`
/// `[runs, parameters]`; the manifest names the latent components.
public enum TrajectoryEncodingStage: Stage {
    public static let name = "encode-trajectories"

    public typealias Settings = NoSettings

    /// The simulate stage and, optionally, the train-closure stage whose latents to use.
    public struct Inputs {
        public let trajectories: TrajectorySource
        public let closure: ClosureSource?

        /// Opens the simulate stage `trajectories` and the train-closure stage `closure`.
        public init(trajectories: URL, closure: URL? = nil) throws {
            self.trajectories = try TrajectorySource(directory: trajectories)
            self.closure = try closure.map(ClosureSource.init(directory:))
        }
    }

    /// Throws unless the closure model describes the simulated system.
    public static func validate(_ settings: Settings, inputs: Inputs) throws {
        try inputs.closure?.check(describes: inputs.trajectories.system)
    }

    public static func perform(_ settings: Settings, inputs: Inputs, seed: UInt64, directory: URL) throws -> StageManifest {
        try Encoding(inputs: inputs, directory: directory).withLatentMap(for: inputs.trajectories.system, closure: inputs.closure)
    }

    private struct Encoding: LatentMapConsumer {
        let inputs: Inputs
        let directory: URL

        func consume<System: MicroscopicSystem>(_ system: System, _ map: LatentMap<System>) throws -> StageManifest {
            let run = try StageRun(stage: TrajectoryEncodingStage.name, directory: directory,
                                   config: ["system": .object(system.configuration), "latent": .array(map.names.map { .string($0) }),
                                            "normalisation": .string(map.normalisation)],
                                   seed: nil, checkedInputs: [inputs.trajectories.input] + map.inputs, threads: ThreadCount.current)
            let trajectories = try inputs.trajectories.read(system)
            let latents = try map.phi(trajectories.states, system)
            let parameters = trajectories.initial.first?.count ?? 0
            try run.write(NPZArchive([
                ("latents", try NumPyArray(latents.flatMap { $0 }, shape: [trajectories.runs, trajectories.records, map.names.count])),
                ("times", try NumPyArray(trajectories.times, shape: [trajectories.runs, trajectories.records])),
                ("initial", try NumPyArray(trajectories.initial.flatMap { $0 }, shape: [trajectories.runs, parameters])),
            ]), as: "latents.npz")
            return try run.finish()
        }
    }
}
