import Foundation
import Random
@testable import Systems
import XCTest

final class PredatorPreyTests: XCTestCase {
    /// Integrates a model with the given scheme and time step to `time`, from its initial condition.
    func integrate(_ model: PredatorPreyModel, until time: Double) -> (u: [Double], v: [Double]) {
        var model = model
        model.stepsPerRecord = Int((time / model.dt).rounded())
        let (grid, _) = model.initialConfiguration(run: 0, random: RandomStream(seed: 1, stage: "pp"))
        var integrator = PredatorPreyIntegrator(model: model)
        var u = grid.values[0..<model.points].map(Double.init)
        var v = grid.values[model.points...].map(Double.init)
        let random = RandomStream(seed: 1, stage: "pp-noise")
        for _ in 0..<model.stepsPerRecord { integrator.step(u: &u, v: &v, random: random) }
        return (u, v)
    }

    /// The ODE u' = u(1 − u − v), v' = a v (u − b) by classical RK4 with a fine step.
    func odeSolution(u0: Double, v0: Double, a: Double, b: Double, time: Double) -> (Double, Double) {
        func f(_ u: Double, _ v: Double) -> (Double, Double) { (u * (1 - u - v), a * v * (u - b)) }
        let h = 1e-4
        var (u, v) = (u0, v0)
        for _ in 0..<Int((time / h).rounded()) {
            let k1 = f(u, v)
            let k2 = f(u + h / 2 * k1.0, v + h / 2 * k1.1)
            let k3 = f(u + h / 2 * k2.0, v + h / 2 * k2.1)
            let k4 = f(u + h * k3.0, v + h * k3.1)
            u += h / 6 * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0)
            v += h / 6 * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1)
        }
        return (u, v)
    }

    func quietModel(scheme: PredatorPreyModel.Scheme, dt: Double) -> PredatorPreyModel {
        var model = PredatorPreyModel(points: 40)
        model.noise = 0
        model.scheme = scheme
        model.dt = dt
        return model
    }

    /// Noise off, homogeneous data: every grid point follows the ODE, with Euler's first-order error.
    func testHomogeneousNoiselessFieldsFollowTheReactionODE() {
        let exact = odeSolution(u0: 0.3, v0: 0.6, a: 3, b: 0.4, time: 5)
        for scheme in PredatorPreyModel.Scheme.allCases {
            var errors: [Double] = []
            for dt in [0.01, 0.005] {
                let model = quietModel(scheme: scheme, dt: dt)
                let result = integrate(withHomogeneous: model, u0: 0.3, v0: 0.6, until: 5)
                XCTAssertTrue(result.u.allSatisfy { $0 == result.u[0] }, "homogeneous data stays homogeneous")
                errors.append(max(abs(result.u[0] - exact.0), abs(result.v[0] - exact.1)))
            }
            XCTAssertLessThan(errors[0], 0.02, "\(scheme)")
            // First order: halving dt halves the error.
            XCTAssertEqual(errors[1] / errors[0], 0.5, accuracy: 0.08, "\(scheme): errors \(errors)")
        }
    }

    func integrate(withHomogeneous model: PredatorPreyModel, u0: Double, v0: Double, until time: Double) -> (u: [Double], v: [Double]) {
        var integrator = PredatorPreyIntegrator(model: model)
        var u = [Double](repeating: u0, count: model.points), v = [Double](repeating: v0, count: model.points)
        let random = RandomStream(seed: 1, stage: "pp-noise")
        for _ in 0..<Int((time / model.dt).rounded()) { integrator.step(u: &u, v: &v, random: random) }
        return (u, v)
    }

    /// Noise off, smooth data, diffusion in both species: the spectral and finite-difference schemes
    /// are both first-order consistent, so their difference shrinks linearly with dt.
    func testSpectralAndFiniteDifferenceSchemesAgreeToFirstOrder() {
        var differences: [Double] = []
        for dt in [0.02, 0.01, 0.005] {
            var reference = quietModel(scheme: .reference, dt: dt)
            reference.preyDiffusion = 0.3
            reference.initialCondition = .fixed(k: 0.1, m: 0.5)
            var spectral = reference
            spectral.scheme = .spectral
            let a = integrate(reference, until: 2), b = integrate(spectral, until: 2)
            differences.append(zip(a.u + a.v, b.u + b.v).map { abs($0 - $1) }.max()!)
        }
        XCTAssertLessThan(differences[0], 0.05)
        XCTAssertEqual(differences[1] / differences[0], 0.5, accuracy: 0.1, "\(differences)")
        XCTAssertEqual(differences[2] / differences[1], 0.5, accuracy: 0.1, "\(differences)")
    }

    /// Physical 1/dx² diffusion on 100 points: explicit Euler needs dt ≤ dx²/(2D) = 5·10⁻⁵.
    /// At dt = 10⁻³ it blows up; the spectral scheme stays near the attractor.
    func testSpectralSchemeStaysBoundedWhereExplicitEulerDiverges() {
        for scheme in PredatorPreyModel.Scheme.allCases {
            var model = PredatorPreyModel(points: 100)
            model.spacing = .physical
            model.preyDiffusion = 0.1
            model.dt = 1e-3
            model.scheme = scheme
            model.initialCondition = .fixed(k: 0.1, m: 0.5)
            let result = integrate(model, until: 0.5)
            let largest = (result.u + result.v).map { $0.isFinite ? abs($0) : .infinity }.max()!
            if scheme == .reference {
                XCTAssertGreaterThan(largest, 1e3, "explicit Euler should diverge beyond its stability limit")
            } else {
                XCTAssertLessThan(largest, 2, "spectral scheme should stay bounded")
            }
        }
    }

    func testNoiseHasTheEulerMaruyamaVariance() {
        // From u = v = 0, a fixed point of the reaction for any a (u(1 − u − v) = a v (u − b) = 0),
        // with the predator's diffusion off (the prey's is 0 by default) and the grid constant, one
        // step adds only the noise η√dt ξ per point: variance η² dt.
        var model = PredatorPreyModel(points: 2000)
        model.predatorDiffusion = 0
        var integrator = PredatorPreyIntegrator(model: model)
        var u = [Double](repeating: 0, count: 2000), v = [Double](repeating: 0, count: 2000)
        integrator.step(u: &u, v: &v, random: RandomStream(seed: 9, stage: "noise"))
        let variance = (u + v).map { $0 * $0 }.reduce(0, +) / 4000
        XCTAssertEqual(variance, 0.02 * 0.02 * 0.01, accuracy: 0.1 * 0.02 * 0.02 * 0.01)
    }

    func testInitialConditionsFollowTheSpec() {
        var model = PredatorPreyModel(points: 100)
        model.initialCondition = .testGrid
        let (grid, parameters) = model.initialConfiguration(run: 5, random: RandomStream(seed: 1, stage: "init"))
        XCTAssertEqual(parameters, [0.1, 0.55])  // grid point 5 = (k index 1, m index 2)
        let x0 = 0.005
        XCTAssertEqual(Double(grid.values[0]), 0.55 + 0.1 * cos(10 * Double.pi * x0), accuracy: 1e-6)
        XCTAssertEqual(Double(grid.values[100]), 0.45 - 0.1 * cos(10 * Double.pi * x0), accuracy: 1e-6)
        model.initialCondition = .training
        for run in 0..<20 {
            let p = model.initialConfiguration(run: run, random: RandomStream(seed: 2, stage: "init", index: UInt64(run))).parameters
            XCTAssertTrue((0.05..<0.15).contains(p[0]) && (0.45..<0.55).contains(p[1]), "\(p)")
        }
    }
}
