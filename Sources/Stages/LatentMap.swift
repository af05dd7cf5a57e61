import Artifacts
import Closure
import Distributed
import Execution
import Foundation
import Linalg
import Systems

/// The map φ from configurations to latents, as encoding and evaluation use it: the macroscopic
/// observables alone, or the normalised (z*, ẑ) of a trained closure model.
struct LatentMap<System: MicroscopicSystem> {
    /// Names of the latent components.
    let names: [String]
    /// Files the map was built from (the closure model), for manifests.
    let inputs: [StageManifest.Input]
    /// How the latents are normalised, for manifests.
    let normalisation: String
    /// φ of configurations of `grid`'s size (the whole system or a patch), one row per configuration.
    let phi: ([Grid<System.Site>], System) throws -> [[Double]]
    /// How many configurations `phi` evaluates together, from the first (1: each alone): rows of
    /// a run of configurations that starts at a multiple of it are those of the whole list.
    var chunk = 1

    /// `phi` with the configurations shared among the ranks of `world` in whole chunks, and every
    /// rank given every row (`Communicator.sharedRows`): the same rows whatever the number of ranks.
    func phi(sharedOver world: Communicator) -> ([Grid<System.Site>], System) throws -> [[Double]] {
        guard world.size > 1 else { return phi }
        return { [phi, chunk, width = names.count] configurations, grid in
            try world.sharedRows(of: configurations, chunk: chunk, width: width) { try phi($0, grid) }
        }
    }

    /// The observables `System.macroscopicObservables`, unnormalised.
    static func observables(_ system: System) throws -> LatentMap {
        let selection = try System.macroscopicObservables.map { name -> Int in
            guard let index = System.observableNames.firstIndex(of: name) else { throw ConfigurationError("no observable '\(name)'") }
            return index
        }
        return LatentMap(names: System.macroscopicObservables, inputs: [], normalisation: "none") { configurations, grid in
            parallelMap(configurations.count) { j in
                let all = grid.observables(of: configurations[j])
                return selection.map { all[$0] }
            }
        }
    }
}

extension LatentMap where System: ClosureSystem {
    /// The closure model of a train-closure stage: (z*, ẑ), normalised by its statistics.
    static func closure(_ system: System, source: ClosureSource) throws -> LatentMap {
        try source.check(describes: system)
        let autoencoder = try source.autoencoder(for: system)
        let names = System.macroscopicObservables + (0..<autoencoder.closureDimension).map { "closure\($0)" }
        let chunkSize = 256
        var map = LatentMap(names: names, inputs: [source.input], normalisation: "closure model statistics") { configurations, grid in
            // In chunks, to bound the size of the network's activations; on one OpenBLAS thread,
            // as OpenBLAS's sgemm rounds differently with more (the latents would depend on the
            // cores the process may use: a rank bound to one core by mpirun against one process).
            let progress = Progress("encode \(grid.spatialShape.map(String.init).joined(separator: "×")) configurations", total: configurations.count)
            defer { progress.finish() }
            return BLASLibrary.withSingleThread {
                Swift.stride(from: 0, to: configurations.count, by: chunkSize).flatMap { first -> [[Double]] in
                    let chunk = Array(configurations[first..<min(first + chunkSize, configurations.count)])
                    let latent = autoencoder.latent(of: chunk, on: grid)
                    progress.advance(by: chunk.count)
                    return (0..<chunk.count).map { row in (0..<latent.itemCount).map { Double(latent.data[row * latent.itemCount + $0]) } }
                }
            }
        }
        map.chunk = chunkSize
        return map
    }
}

/// Calls `consume` with the latent map for `system`: its closure model from `closure` if given
/// (the system must have closure variables), its observables otherwise.
protocol LatentMapConsumer {
    associatedtype Result
    func consume<System: MicroscopicSystem>(_ system: System, _ map: LatentMap<System>) throws -> Result
}

extension LatentMapConsumer {
    func withLatentMap(for system: any MicroscopicSystem, closure: ClosureSource?) throws -> Result {
        if let closure {
            guard let closureSystem = system as? any ClosureSystem else {
                throw ConfigurationError("\(type(of: system).identifier) has no closure variables; use its observables (no closure model)")
            }
            return try withClosure(closureSystem, closure)
        }
        return try withObservables(system)
    }

    private func withClosure<System: ClosureSystem>(_ system: System, _ source: ClosureSource) throws -> Result {
        try consume(system, try LatentMap.closure(system, source: source))
    }

    private func withObservables<System: MicroscopicSystem>(_ system: System) throws -> Result {
        try consume(system, try LatentMap.observables(system))
    }
}
