import Artifacts
import Foundation
import Systems

/// The patches an evolve stage wrote to `evolved.npz`: before and after, the elapsed times, the
/// half-way patches and times where the Richardson estimator recorded them, the index of each
/// patch's start state in the snapshot file and the patch's origin in it; one entry per patch
/// evolution, `replicas` consecutive entries per snapshot.
public struct EvolvedPatches<Site: NumPyElement & Equatable> {
    public var before: [Grid<Site>]
    public var after: [Grid<Site>]
    public var dt: [Double]
    public var midway: (patches: [Grid<Site>], dt: [Double])?
    /// Per patch, the index of its start state among the snapshot file's states (`SnapshotOrigin`).
    public var snapshotIndex: [Int]
    /// Patch evolutions per snapshot: entry e belongs to snapshot e / replicas.
    public var replicas: Int
    /// Per patch, its origin in the large lattice: one of the tiling origins.
    public var origin: [[Int]]
    /// Per patch evolved with the `roaming` boundary, the sites of the whole snapshot it changed
    /// (flat indices into its values, increasing) and their values after δt (nil: changes confined
    /// to the patch, which `after` holds).
    public var changes: [[(site: Int, value: Site)]]?

    public init(before: [Grid<Site>], after: [Grid<Site>], origin: [[Int]], dt: [Double], midway: (patches: [Grid<Site>], dt: [Double])? = nil,
                snapshotIndex: [Int]? = nil, replicas: Int = 1, changes: [[(site: Int, value: Site)]]? = nil) {
        self.before = before
        self.after = after
        self.dt = dt
        self.midway = midway
        self.snapshotIndex = snapshotIndex ?? (0..<(before.count / replicas)).flatMap { [Int](repeating: $0, count: replicas) }
        self.replicas = replicas
        self.origin = origin
        self.changes = changes
    }

    /// The number of snapshots the entries were evolved from.
    public var snapshotCount: Int { before.count / replicas }

    /// The entries evolved from snapshot `j`.
    public func entries(ofSnapshot j: Int) -> Range<Int> { j * replicas ..< (j + 1) * replicas }

    /// The spatial shape of one patch.
    public var patchShape: [Int] { before.first?.spatialShape ?? [] }

    /// Reads `file` as patches of `system`, checking that every array has one entry per patch.
    public static func read<System: MicroscopicSystem>(_ file: URL, of system: System) throws -> EvolvedPatches where System.Site == Site {
        let archive = try NPZArchive.read(file)
        let patchShape = Array(try archive.array("patchBefore", in: file.path).shape.suffix(system.spatialShape.count))
        func patches(_ name: String) throws -> [Grid<Site>] {
            try configurations(archive.array(name, in: file.path), of: system, spatialShape: patchShape, source: "\(file.path):\(name)")
        }
        let before = try patches("patchBefore"), after = try patches("patchAfter")
        let dt = try archive.array("dt", in: file.path).doubleValues()
        let midway = try archive.names.contains("patchMidway")
            ? (patches: patches("patchMidway"), dt: archive.array("dtMidway", in: file.path).doubleValues())
            : nil
        guard archive.names.contains("snapshotIndex"), archive.names.contains("replicas") else {
            throw ArtifactError(file.path, "has no snapshotIndex or replicas (written by an older evolve); run evolve again")
        }
        let snapshotIndex = try archive.array("snapshotIndex", in: file.path).elements(as: Int64.self).map(Int.init)
        guard after.count == before.count, dt.count == before.count, snapshotIndex.count == before.count,
              midway.map({ $0.patches.count == before.count && $0.dt.count == before.count }) ?? true else {
            throw ArtifactError(file.path, "patchBefore, patchAfter, dt, snapshotIndex (and patchMidway, dtMidway) must have one entry per evolved patch (\(before.count))")
        }
        let replicas = try archive.array("replicas", in: file.path).elements(as: Int64.self)
        guard replicas.count == 1, let count = replicas.first.map(Int.init), count >= 1, count <= before.count, before.count % count == 0,
              stride(from: 0, to: before.count, by: count).allSatisfy({ start in snapshotIndex[start..<(start + count)].allSatisfy { $0 == snapshotIndex[start] } }) else {
            throw ArtifactError(file.path, "replicas must be one integer ≥ 1 that divides the \(before.count) entries, whose consecutive groups share their snapshotIndex; got \(replicas)")
        }
        let tiling = try Tiling(large: system.spatialShape, patch: patchShape)
        let origins = try archive.array("patchOrigin", in: file.path)
        let flat = try origins.elements(as: Int64.self).map(Int.init), rank = patchShape.count
        let origin = origins.shape == [before.count, rank] ? stride(from: 0, to: flat.count, by: rank).map { Array(flat[$0..<($0 + rank)]) } : []
        guard origins.shape == [before.count, rank], Set(origin).isSubset(of: Set(tiling.origins)) else {
            throw ArtifactError(file.path, "patchOrigin must be [\(before.count), \(patchShape.count)] tiling origins of patches \(patchShape) on \(system.spatialShape)")
        }
        let changes = try archive.names.contains("changeCount") ? readChanges(archive, entries: before.count, of: system, from: file.path) : nil
        return EvolvedPatches(before: before, after: after, origin: origin, dt: dt, midway: midway, snapshotIndex: snapshotIndex, replicas: count,
                              changes: changes)
    }

    /// The roaming evolutions' changes of `archive` (`changeCount`, `changedSite`, `changedValue`),
    /// checked: one count per entry, sites increasing within an entry and inside a snapshot of
    /// `system`, values the system allows.
    private static func readChanges<System: MicroscopicSystem>(_ archive: NPZArchive, entries: Int, of system: System,
                                                                from path: String) throws -> [[(site: Int, value: Site)]] where System.Site == Site {
        let counts = try archive.array("changeCount", in: path).elements(as: Int64.self)
        let sites = try archive.array("changedSite", in: path).elements(as: Int64.self)
        let values = try archive.array("changedValue", in: path).elements(as: Site.self)
        let size = system.components * system.spatialShape.reduce(1, *)
        guard counts.count == entries, counts.allSatisfy({ (0...Int64(size)).contains($0) }), counts.reduce(0, +) == Int64(sites.count),
              values.count == sites.count else {
            throw ArtifactError(path, "changeCount must hold one count in 0...\(size) per entry (\(entries)), adding up to the lengths of changedSite and changedValue")
        }
        var changes: [[(site: Int, value: Site)]] = []
        var next = 0
        for count in counts {
            let range = next..<(next + Int(count))
            guard range.allSatisfy({ (0..<Int64(size)).contains(sites[$0]) && ($0 == range.lowerBound || sites[$0] > sites[$0 - 1]) }) else {
                throw ArtifactError(path, "entry \(changes.count): changedSite must increase within an entry and lie in 0..<\(size)")
            }
            guard range.allSatisfy({ System.isValidSite(values[$0]) }) else {
                throw ArtifactError(path, "entry \(changes.count): changedValue holds a value outside the system's domain (\(System.siteDomain))")
            }
            changes.append(range.map { (Int(sites[$0]), values[$0]) })
            next = range.upperBound
        }
        return changes
    }

    /// Per patch, the two-time weights of the Richardson estimator (nil for single increments).
    public func richardsonWeights(source: String) throws -> [RichardsonWeights]? {
        try midway.map { midway in
            try zip(midway.dt, dt).enumerated().map { j, times in
                guard let weights = RichardsonWeights(t1: times.0, t2: times.1) else {
                    throw ArtifactError(source, "patch \(j): the half-way time \(times.0) is not strictly between 0 and δt = \(times.1)")
                }
                return weights
            }
        }
    }
}
