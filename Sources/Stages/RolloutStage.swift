import Artifacts
import Execution
import Foundation
import MacroSDE

/// The rollout stage: Euler–Maruyama trajectories of a trained SDE from given initial latents.
public enum RolloutStage {
    /// Loads the model of a train-sde directory, rolls out `steps` steps of physical length `dt`
    /// (each in as many Euler–Maruyama substeps as keep them no longer than the training pairs'
    /// δt) from every row of `initial` ([T, n_z]), and writes `rollouts.npz` (`trajectories`
    /// [T, steps + 1, n_z], `times` [steps + 1]) with the count of non-finite trajectories in the manifest.
    @discardableResult
    public static func run(model modelDirectory: URL, initial: NumPyArray, initialSource: URL, steps: Int, dt: Double,
                           seed: UInt64, directory: URL) throws -> (manifest: StageManifest, nonFinite: Int) {
        let modelURL = modelDirectory.appendingPathComponent("model.safetensors")
        let checkpoint = try SDECheckpoint.load(from: modelURL)
        let start = try TrainSDEStage.floats(initial)
        guard start.shape.count == 2, start.itemCount == checkpoint.model.dimension else {
            throw ArtifactError(initialSource.path, "initial latents have shape \(start.shape), the model needs [T, \(checkpoint.model.dimension)]")
        }
        let stage = try StageRun(stage: "rollout", directory: directory,
                                 config: ["steps": .number(Double(steps)), "dt": .number(dt), "trajectories": .number(Double(start.batch))],
                                 seed: seed, inputs: [modelURL, initialSource], threads: ThreadCount.current)
        let result = Rollout.run(checkpoint.model, initial: start, steps: steps, dt: dt / checkpoint.timeScale,
                                 substeps: checkpoint.substeps(over: dt), seed: seed)
        stage.recordResult("nonFiniteTrajectories", .number(Double(result.nonFinite)))
        try stage.write(NPZArchive([
            ("trajectories", try NumPyArray(result.trajectories.data, shape: result.trajectories.shape)),
            ("times", NumPyArray((0...steps).map { Double($0) * dt })),
        ]), as: "rollouts.npz")
        return (try stage.finish(), result.nonFinite)
    }
}
