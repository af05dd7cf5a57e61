import Systems
import XCTest

final class GridTests: XCTestCase {
    func testPatchesTileAndReassembleTheGrid() {
        let grid = Grid<Int8>(spatialShape: [4, 6], values: (0..<24).map { Int8($0) })
        let origins = Grid<Int8>.tilingOrigins(of: [4, 6], patchSize: [2, 3])
        XCTAssertEqual(origins, [[0, 0], [0, 3], [2, 0], [2, 3]])
        var rebuilt = Grid<Int8>(spatialShape: [4, 6], repeating: 0)
        for origin in origins { rebuilt.insert(grid.patch(origin: origin, size: [2, 3]), at: origin) }
        XCTAssertEqual(rebuilt, grid)
        XCTAssertEqual(grid.patch(origin: [2, 3], size: [2, 3]).values, [15, 16, 17, 21, 22, 23])
    }

    func testPatchesWrapPeriodicallyAndCarryAllComponents() {
        // Two components on 5 points: component 1 is component 0 plus 10.
        let grid = Grid<Float>(components: 2, spatialShape: [5], values: [0, 1, 2, 3, 4, 10, 11, 12, 13, 14])
        let patch = grid.patch(origin: [4], size: [3])
        XCTAssertEqual(patch.values, [4, 0, 1, 14, 10, 11])
        var copy = grid
        copy.insert(Grid(components: 2, spatialShape: [2], values: [-1, -2, -3, -4]), at: [-1])
        XCTAssertEqual(copy.values, [-2, 1, 2, 3, -1, -4, 11, 12, 13, -3])
    }
}
