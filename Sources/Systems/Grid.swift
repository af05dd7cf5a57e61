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
        let patchSites = result.siteCount, sites = siteCount
        result.values.withUnsafeMutableBufferPointer { destination in
            values.withUnsafeBufferPointer { source in
                forEachRun(of: size, origin: origin) { patchOffset, gridOffset, count in
                    for c in 0..<components {
                        (destination.baseAddress! + c * patchSites + patchOffset)
                            .update(from: source.baseAddress! + c * sites + gridOffset, count: count)
                    }
                }
            }
        }
        return result
    }

    /// Writes `patch` into this grid starting at `origin`, wrapping periodically.
    public mutating func insert(_ patch: Grid, at origin: [Int]) {
        precondition(patch.components == components && patch.spatialShape.count == spatialShape.count,
                     "Grid.insert: patch layout does not match the grid")
        let patchSites = patch.siteCount, sites = siteCount
        let shape = spatialShape, components = components
        values.withUnsafeMutableBufferPointer { destination in
            patch.values.withUnsafeBufferPointer { source in
                Grid.forEachRun(in: shape, of: patch.spatialShape, origin: origin) { patchOffset, gridOffset, count in
                    for c in 0..<components {
                        (destination.baseAddress! + c * sites + gridOffset)
                            .update(from: source.baseAddress! + c * patchSites + patchOffset, count: count)
                    }
                }
            }
        }
    }

    private func forEachRun(of size: [Int], origin: [Int], _ body: (Int, Int, Int) -> Void) {
        Grid.forEachRun(in: spatialShape, of: size, origin: origin, body)
    }

    /// Calls `body(patchOffset, gridOffset, count)` for every contiguous run of sites of a `size`
    /// block placed at `origin` on a periodic grid of `shape`: the block's rows, in C order, split
    /// where they wrap around the last axis.
    private static func forEachRun(in shape: [Int], of size: [Int], origin: [Int], _ body: (Int, Int, Int) -> Void) {
        precondition(size.count == shape.count && origin.count == shape.count,
                     "Grid: patch rank \(size.count) does not match grid rank \(shape.count)")
        let rank = size.count
        func wrapped(_ coordinate: Int, _ axis: Int) -> Int { (coordinate % shape[axis] + shape[axis]) % shape[axis] }
        let rows = size.dropLast().reduce(1, *)
        let rowLength = size[rank - 1], extent = shape[rank - 1]
        var odometer = [Int](repeating: 0, count: rank - 1)
        for row in 0..<rows {
            // Grid index of the first site of this row on the (wrapped) leading axes.
            var rowStart = 0
            for axis in 0..<(rank - 1) { rowStart = (rowStart + wrapped(origin[axis] + odometer[axis], axis)) * shape[axis + 1] }
            var done = 0, x = wrapped(origin[rank - 1], rank - 1)
            while done < rowLength {
                let count = min(rowLength - done, extent - x)
                body(row * rowLength + done, rowStart + x, count)
                done += count
                x = 0
            }
            var axis = rank - 2
            while axis >= 0 {
                odometer[axis] += 1
                if odometer[axis] < size[axis] { break }
                odometer[axis] = 0
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
