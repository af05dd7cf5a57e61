import Foundation
import Metrics
import XCTest

final class TransientErrorTests: XCTestCase {
    /// z̄(t) = (c + a e^{−t/τ}, c − a e^{−t/τ}) on t_k = k δt; identical trajectories.
    func relaxation(times: Int, dt: Double, tau: Double, runs: Int = 3) -> [Double] {
        let curve: [Double] = (0..<times).flatMap { k -> [Double] in
            let excursion = 0.7 * exp(-Double(k) * dt / tau)
            return [0.2 + excursion, 0.2 - excursion]
        }
        return (0..<runs).flatMap { _ in curve }
    }

    /// ‖z̄(t) − z̄(T)‖ ∝ e^{−t/τ} − e^{−T/τ} falls to 0.1 of its value at 0 at t = −τ ln(0.1 + 0.9 e^{−T/τ}).
    func testRelaxationWindowOfAnExponentialEndsWhereExpected() {
        let (times, dt, tau) = (200, 0.1, 2.0)
        let mean = Array(relaxation(times: times, dt: dt, tau: tau, runs: 1))
        let total = Double(times - 1) * dt
        let expected = Int((-tau * log(0.1 + 0.9 * exp(-total / tau)) / dt).rounded(.up))
        XCTAssertEqual(expected, 47)
        XCTAssertEqual(relaxationIndex(ofMean: mean, times: times, dimension: 2), expected)
        XCTAssertEqual(relaxationIndex(ofMean: [Double](repeating: 0.3, count: 10), times: 5, dimension: 2), 0, "a mean that never moves")
    }

    func testTransientErrorIsZeroForTheTruthAndOneForRestingAtTheFinalValue() throws {
        let (times, dt, tau) = (200, 0.1, 2.0)
        let truth = relaxation(times: times, dt: dt, tau: tau)
        let r = relaxationIndex(ofMean: Array(truth.prefix(times * 2)), times: times, dimension: 2)
        XCTAssertEqual(try XCTUnwrap(transientError(predicted: truth, true: truth, times: times, dimension: 2, through: r)), 0)
        // A model that does not move, resting at the final value: exactly the transient's size.
        let final = Array(truth[((times - 1) * 2)..<(times * 2)])
        let resting = (0..<(3 * times)).flatMap { _ in final }
        XCTAssertEqual(try XCTUnwrap(transientError(predicted: resting, true: truth, times: times, dimension: 2, through: r)), 1, accuracy: 1e-12)
        // Resting at the initial value instead: Σ(1 − e^{−t/τ})² / Σ e^{−2t/τ} over t ≤ τ ln 10, about 2.
        let initial = Array(truth[0..<2])
        let start = (0..<(3 * times)).flatMap { _ in initial }
        XCTAssertEqual(try XCTUnwrap(transientError(predicted: start, true: truth, times: times, dimension: 2, through: r)), 2, accuracy: 0.15)
        // Whatever the absolute level: adding a constant to everything changes nothing.
        let lifted = truth.map { $0 + 100 }, liftedResting = resting.map { $0 + 100 }
        XCTAssertEqual(try XCTUnwrap(transientError(predicted: liftedResting, true: lifted, times: times, dimension: 2, through: r)), 1, accuracy: 1e-9)
        XCTAssertNil(transientError(predicted: resting, true: resting, times: times, dimension: 2, through: 0), "no transient, no error")
    }
}
