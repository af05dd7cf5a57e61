import Artifacts
import Execution
import Foundation
import Systems

/// The encoding stage, for latents made of the macroscopic observables z* alone (systems without
/// a learned closure, such as Curie–Weiss; the closure autoencoder is still to come).
///
/// From an evolve stage (snapshots x_t, patches x_{t,I} → x_{t+δt,I}, δt) it writes
/// - `partial.npz`: start = φ(x_t), next = φ(x_t) + φ(x_{t+δt,I}) − φ(x_{t,I}), dt — the partial estimator;
/// - `naive.npz`: start = φ(x_t), next = φ(x_{t+δt,I}), dt — the naive baseline;
/// and, given a simulate stage written with `--pairs`, `validation.npz` from its true one-step pairs.
/// φ evaluates the system's `macroscopicObservables` on a whole configuration or on a patch alone.
/// Latents are not normalised (the observables are already O(1)).
public enum EncodeStage {
    @discardableResult
    public static func run(evolved evolveDirectory: URL, validation simulateDirectory: URL?, directory: URL) throws -> StageManifest {
        let evolve = try StageSource(directory: evolveDirectory)
        return try run(evolve.system, evolve: evolve, validation: simulateDirectory, directory: directory)
    }

    private static func run<System: MicroscopicSystem>(_ system: System, evolve: StageSource, validation simulateDirectory: URL?,
                                                       directory: URL) throws -> StageManifest {
        guard let snapshotPath = evolve.manifest.inputs.first?.path else {
            throw ArtifactError(evolve.directory.path, "the evolve manifest names no snapshot input")
        }
        let source = try SnapshotSource(directory: URL(fileURLWithPath: snapshotPath).deletingLastPathComponent())
        let file = try evolve.output(["evolved.npz"])
        let archive = try NPZArchive.read(file)
        let patchShape = Array(try archive.array("patchBefore").shape.suffix(system.spatialShape.count))
        let before = try configurations(archive.array("patchBefore"), of: system, spatialShape: patchShape, source: file.path)
        let after = try configurations(archive.array("patchAfter"), of: system, spatialShape: patchShape, source: file.path)
        let dt = try archive.array("dt").elements(as: Double.self)
        let snapshots = try source.snapshots(of: system)
        guard snapshots.count == before.count else {
            throw ArtifactError(file.path, "\(before.count) evolved patches for \(snapshots.count) snapshots")
        }
        let selection = try System.macroscopicObservables.map { name -> Int in
            guard let index = System.observableNames.firstIndex(of: name) else { throw ConfigurationError("no observable '\(name)'") }
            return index
        }
        @Sendable func phi(_ configuration: Grid<System.Site>) -> [Double] {
            let all = system.observables(of: configuration)
            return selection.map { all[$0] }
        }
        let encoded = parallelMap(snapshots.count) { j in (phi(snapshots[j]), phi(before[j]), phi(after[j])) }
        let stage = try StageRun(stage: "encode", directory: directory,
                                 config: ["system": .object(system.configuration),
                                          "latent": .array(System.macroscopicObservables.map { .string($0) }), "normalisation": "none"],
                                 seed: nil, checkedInputs: [evolve.input(file), source.input], threads: ThreadCount.current)
        let n = selection.count
        let start = encoded.flatMap(\.0)
        let partialNext = encoded.flatMap { zip($0.0, zip($0.2, $0.1)).map { $0 + $1.0 - $1.1 } }
        try stage.write(try pairArchive(start: start, next: partialNext, dt: dt, dimension: n), as: "partial.npz")
        try stage.write(try pairArchive(start: start, next: encoded.flatMap(\.2), dt: dt, dimension: n), as: "naive.npz")
        if let simulateDirectory {
            let simulate = try StageSource(directory: simulateDirectory)
            let pairsFile = try simulate.output(["pairs.npz"])
            let pairs = try NPZArchive.read(pairsFile)
            let large = try configurations(pairs.array("before"), of: system, spatialShape: system.spatialShape, source: pairsFile.path)
            let next = try configurations(pairs.array("after"), of: system, spatialShape: system.spatialShape, source: pairsFile.path)
            let validation = parallelMap(large.count) { j in (phi(large[j]), phi(next[j])) }
            try stage.write(try pairArchive(start: validation.flatMap(\.0), next: validation.flatMap(\.1),
                                            dt: try pairs.array("dt").elements(as: Double.self), dimension: n), as: "validation.npz")
        }
        return try stage.finish()
    }

    static func pairArchive(start: [Double], next: [Double], dt: [Double], dimension: Int) throws -> NPZArchive {
        NPZArchive([
            ("start", try NumPyArray(start, shape: [dt.count, dimension])),
            ("next", try NumPyArray(next, shape: [dt.count, dimension])),
            ("dt", NumPyArray(dt)),
        ])
    }
}
