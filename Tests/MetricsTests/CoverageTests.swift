import Metrics
import XCTest

final class CoverageTests: XCTestCase {
    func testFractionOutsideCountsPointsWithAnyComponentOutside() {
        // Range m ∈ [−0.5, 0.5], ρ ∈ [0, 1]; points: inside, m too low, ρ too high, on the boundary, both outside.
        let points: [Double] = [0, 0.5,  -0.6, 0.5,  0.1, 1.2,  0.5, 0,  0.9, -1]
        XCTAssertEqual(fractionOutside(points, dimension: 2, lower: [-0.5, 0], upper: [0.5, 1]), 3.0 / 5.0)
        XCTAssertEqual(fractionOutside([0, 0.5], dimension: 2, lower: [-0.5, 0], upper: [0.5, 1]), 0)
    }
}
