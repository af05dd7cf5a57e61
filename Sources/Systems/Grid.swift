import Artifacts

/// A configuration of a microscopic system: values on a regular periodic grid of sites, with one
/// or more components per site (two species for predator–prey, one spin for Ising).
///
/// Values are stored component-major then in C order over the spatial axes, which is also the
/// layout of the `[…, components, spatial…]` arrays written to disk.
public struct Grid<Site: NumPyElement>: Sendable, Equatable where Site: Equatable {
    /// Values per site.
    public let components: Int
    /// Extent of each spatial axis, slowest first.
    public let spatialShape: [Int]
    /// All values, `components × siteCount` of them.
    public var values: [Site]

    /// Sites in the grid (product of the spatial extents).
    public var siteCount: Int { spatialShape.reduce(1, *) }

    /// A grid filled with `value`.
    public init(components: Int = 1, spatialShape: [Int], repeating value: Site) {
        self.components = components
        self.spatialShape = spatialShape
        self.values = [Site](repeating: value, count: components * spatialShape.reduce(1, *))
    }

    /// A grid holding `values` (component-major, C order).
    public init(components: Int = 1, spatialShape: [Int], values: [Site]) {
        precondition(values.count == components * spatialShape.reduce(1, *),
                     "Grid: \(values.count) values for \(components) components on \(spatialShape)")
        self.components = components
        self.spatialShape = spatialShape
        self.values = values
    }

    /// The sub-grid of `size` sites starting at `origin`, wrapping periodically, all components.
    public func patch(origin: [Int], size: [Int]) -> Grid {
        var result = Grid(components: components, spatialShape: size, repeating: values[0])
        forEachSite(of: size, origin: origin) { patchIndex, gridIndex in
            for c in 0..<components {
                result.values[c * result.siteCount + patchIndex] = values[c * siteCount + gridIndex]
            }
        }
        return result
    }

    /// Writes `patch` into this grid starting at `origin`, wrapping periodically.
    public mutating func insert(_ patch: Grid, at origin: [Int]) {
        precondition(patch.components == components && patch.spatialShape.count == spatialShape.count,
                     "Grid.insert: patch layout does not match the grid")
        let patchSites = patch.siteCount, sites = siteCount
        forEachSite(of: patch.spatialShape, origin: origin) { patchIndex, gridIndex in
            for c in 0..<components {
                values[c * sites + gridIndex] = patch.values[c * patchSites + patchIndex]
            }
        }
    }

    /// Calls `body(patchIndex, gridIndex)` for every site of a `size` block placed at `origin`.
    private func forEachSite(of size: [Int], origin: [Int], _ body: (Int, Int) -> Void) {
        precondition(size.count == spatialShape.count && origin.count == spatialShape.count,
                     "Grid: patch rank \(size.count) does not match grid rank \(spatialShape.count)")
        let rank = size.count
        let count = size.reduce(1, *)
        var offset = [Int](repeating: 0, count: rank)
        for patchIndex in 0..<count {
            var gridIndex = 0
            for axis in 0..<rank {
                let extent = spatialShape[axis]
                let coordinate = ((origin[axis] + offset[axis]) % extent + extent) % extent
                gridIndex = gridIndex * extent + coordinate
            }
            body(patchIndex, gridIndex)
            var axis = rank - 1
            while axis >= 0 {
                offset[axis] += 1
                if offset[axis] < size[axis] { break }
                offset[axis] = 0
                axis -= 1
            }
        }
    }

    /// Origins of the non-overlapping patches of `patchSize` that tile `spatialShape`, in C order.
    /// Each extent must be a multiple of the patch extent.
    public static func tilingOrigins(of spatialShape: [Int], patchSize: [Int]) -> [[Int]] {
        precondition(zip(spatialShape, patchSize).allSatisfy { $1 > 0 && $0 % $1 == 0 },
                     "patch \(patchSize) does not tile \(spatialShape)")
        var origins: [[Int]] = [[]]
        for (extent, patch) in zip(spatialShape, patchSize) {
            origins = origins.flatMap { prefix in stride(from: 0, to: extent, by: patch).map { prefix + [$0] } }
        }
        return origins
    }
}
