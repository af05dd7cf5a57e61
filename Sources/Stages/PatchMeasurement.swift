import Distributed
import Systems

/// What the partial estimator reads of each evolved patch: φ before, half-way and after.
///
/// By default φ of the patch alone, on its own periodic lattice: its change is K times the share
/// of the patch in the change of the whole lattice wherever φ is an average over sites (or over
/// the tiling patches, as closure variables are). Where observables count bonds, the bonds that
/// cross the patch's boundary are read wrapped onto the patch's far side, and their ordering is
/// missed: a third of the bonds of a BCC tile of 8³ cells. Systems that say so
/// (`MicroscopicSystem.measuresPatchesInPlace`) have each patch written back into its snapshot at its
/// origin and read as K·φ of the whole lattice; differences of these are K times the change of
/// the whole lattice, its boundary bonds included (Docs/ESTIMATOR.md, *Measuring the patch*).
/// Evolutions with the `roaming` boundary, whose changes may lie outside the patch, are read with
/// their recorded changes applied to the snapshot instead.
/// Under mpirun the ranks share the work (`Communicator.sharedRows`; the in-place measurement
/// snapshot by snapshot), and every rank holds every row.
struct PatchMeasurement<System: MicroscopicSystem> {
    var before: [[Double]]
    var midway: [[Double]]?
    var after: [[Double]]
    /// φ of the patch alone after its evolution, the naive baseline's next state.
    var patchAfter: [[Double]]

    /// φ of the patches evolved from `snapshots` (the first snapshots of `patches`, all
    /// their entries), as the estimator reads them; `start` is φ of the snapshots, `phi` maps
    /// configurations of the given system's size, in chunks of `chunk` from the first; every rank
    /// of `world` takes part.
    init(_ system: System, snapshots: [Grid<System.Site>], start: [[Double]], patches: EvolvedPatches<System.Site>, chunk: Int = 1,
         world: Communicator = .world, phi: ([Grid<System.Site>], System) throws -> [[Double]]) throws {
        let entries = snapshots.count * patches.replicas
        let patchSystem = system.resized(to: patches.patchShape)
        let width = max(1, start.first?.count ?? 1)
        func shared(_ configurations: [Grid<System.Site>], _ grid: System) throws -> [[Double]] {
            try world.sharedRows(of: configurations, chunk: chunk, width: width) { try phi($0, grid) }
        }
        patchAfter = try shared(Array(patches.after.prefix(entries)), patchSystem)
        guard System.measuresPatchesInPlace else {
            before = try shared(Array(patches.before.prefix(entries)), patchSystem)
            midway = try patches.midway.map { try shared(Array($0.patches.prefix(entries)), patchSystem) }
            after = patchAfter
            return
        }
        let k = Double(try Tiling(large: system.spatialShape, patch: patches.patchShape).patches)
        /// K·φ of every entry's snapshot as `write` changes it, a snapshot's entries at a time, each
        /// rank its share of the snapshots.
        func inPlace(_ write: (inout Grid<System.Site>, Int) -> Void) throws -> [[Double]] {
            let share = world.share(of: snapshots.count)
            let rows = try world.collectively {
                try share.flatMap { j in
                    let whole = patches.entries(ofSnapshot: j).map { e in
                        var configuration = snapshots[j]
                        write(&configuration, e)
                        return configuration
                    }
                    return try phi(whole, system).map { $0.map { k * $0 } }
                }
            }
            return world.allGather(rows: rows, width: width)
        }
        // Written back at its origin, the patch before δt is the snapshot itself.
        before = snapshots.indices.flatMap { j in [[Double]](repeating: start[j].map { k * $0 }, count: patches.replicas) }
        midway = try patches.midway.map { midway in try inPlace { $0.insert(midway.patches[$1], at: patches.origin[$1]) } }
        if let changes = patches.changes {
            after = try inPlace { configuration, e in
                for change in changes[e] { configuration.values[change.site] = change.value }
            }
        } else {
            after = try inPlace { $0.insert(patches.after[$1], at: patches.origin[$1]) }
        }
    }
}
