import Artifacts
import Systems
import XCTest

/// The parameter and state checks of every system (issue 14, findings 1 and 3).
final class SystemValidationTests: XCTestCase {
    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    /// A manifest can carry what no command-line check saw: the registry checks what it rebuilds.
    func testRebuiltSystemsHaveTheirParametersChecked() {
        func rebuild(_ values: [String: JSONValue]) -> String {
            message { _ = try SystemRegistry.system(from: SystemConfiguration(values)) }
        }
        let ising: [String: JSONValue] = ["system": "ising", "size": 8, "temperature": 2.5, "field": 0.1]
        XCTAssertEqual(rebuild(ising), "accepted")
        XCTAssertTrue(rebuild(ising.merging(["temperature": 1e-300]) { $1 }).contains("temperature 1e-300 is too low for field 0.1"))
        XCTAssertTrue(rebuild(ising.merging(["temperature": -1]) { $1 }).contains("temperature must be a finite positive number"))
        XCTAssertTrue(rebuild(ising.merging(["size": 0]) { $1 }).contains("size must be between 1 and 46340"))
        XCTAssertTrue(rebuild(ising.merging(["size": 5, "dynamics": "heat-bath"]) { $1 }).contains("need an even size, got 5"))
        XCTAssertTrue(rebuild(ising.merging(["stepsPerRecord": 1e18]) { $1 }).contains("stepsPerRecord must be at least 1"))
        XCTAssertTrue(rebuild(["system": "curie-weiss", "size": 8, "temperature": 0.001, "field": 0]).contains("must be at least 0.00285"))
        XCTAssertTrue(rebuild(["system": "predator-prey", "points": 8, "noise": -1]).contains("noise must be a finite non-negative number, got -1.0"))
    }

    /// The lowest temperature allowed keeps the slowest flip rate a normal number, so the event clock advances.
    func testLowestAllowedTemperatureKeepsEveryRatePositive() throws {
        let model = IsingModel(size: 4, temperature: 2 * (4 + 0.1) / 700, field: 0.1)
        try model.validateParameters()
        XCTAssertGreaterThan(glauberRate(beta: model.beta, energyChange: model.largestFlipEnergyChange), Double.leastNormalMagnitude)
        XCTAssertThrowsError(try IsingModel(size: 4, temperature: model.temperature * 0.99, field: 0.1).validateParameters())
    }

    /// Durations that could never end, or whose steps overflow, are refused before any work; so
    /// are spin durations asking for more than 10¹⁵ flip events (issue 14, finding 3: a spin
    /// system's `--time 1e300` was accepted and ran for as long as it said).
    func testRegionDurationsAreChecked() throws {
        let ising = IsingModel(size: 4, temperature: 2.5, field: 0)
        for duration in [RegionDuration.time(.nan), .time(.infinity), .time(-1), .steps(-1)] {
            XCTAssertThrowsError(try ising.validate(duration), "\(duration)")
        }
        try ising.validate(.time(1e13))
        try ising.validate(.steps(1_000_000_000_000_000))
        XCTAssertEqual(message { try ising.validate(.time(1e300)) },
                       "time 1e+300 on 4×4 sites asks for up to 1.6e+301 flip events, more than 10¹⁵, the most a region may run (three years at 10⁷ flips per second)")
        XCTAssertTrue(message { try CurieWeissModel(size: 46_340, temperature: 1.1, field: 0).validate(.time(1e6)) }.contains("asks for up to 2147395600000000.0 flip events"))
        XCTAssertTrue(message { try ising.validate(.steps(1_000_000_000_000_001)) }.contains("1000000000000001 flip events, more than 10¹⁵"))
        let pp = PredatorPreyModel(points: 8)
        try pp.validate(.time(1e6))
        XCTAssertTrue(message { try pp.validate(.time(1e8)) }.contains("time 100000000.0 is 10000000000.0 steps of dt = 0.01, more than 2147483647"))
    }

    /// The `.fixed` initial condition is written to manifests and read back as itself.
    func testFixedPredatorPreyInitialConditionRoundTrips() throws {
        var model = PredatorPreyModel(points: 10)
        model.initialCondition = .fixed(k: 0.1, m: 0.55)
        let rebuilt = try PredatorPreyModel(configuration: SystemConfiguration(model.configuration))
        XCTAssertEqual(rebuilt.initialCondition, .fixed(k: 0.1, m: 0.55))
        XCTAssertEqual(rebuilt.configuration, model.configuration)
        XCTAssertEqual(rebuilt.initialConfiguration(run: 3, random: .init(seed: 1, stage: "x")).parameters, [0.1, 0.55], "every run starts at (k, m)")
        for text in ["fixed k=0.1", "fixed k=nan m=0.5", "fixed m=0.5 k=0.1", "trainingg"] {
            XCTAssertThrowsError(try PredatorPreyModel.InitialCondition(text), text)
        }
        XCTAssertEqual(try PredatorPreyModel.InitialCondition("test"), .testGrid)
    }

    /// Absurd but finite densities are refused where states are read and in a fixed initial
    /// condition (issue 14, finding 3: `initial=fixed k=0 m=1e300` simulated infinite states).
    func testPredatorPreyDensitiesAreBounded() throws {
        let model = PredatorPreyModel(points: 2)
        let states = try NumPyArray([Float](arrayLiteral: 0.5, 0.5, 0.5, 1e30), shape: [1, 2, 2])
        XCTAssertEqual(message { _ = try model.configurations(from: states, spatialShape: [2], source: "big.npz") },
                       "big.npz: value 1e+30 in configuration 0 (element 3) is not a valid predator-prey site state: densities must be finite and non-negative, and at most 1000000")
        XCTAssertTrue(PredatorPreyModel.isValidSite(1e6))
        XCTAssertFalse(PredatorPreyModel.isValidSite(1.5e6))
        var fixed = model
        fixed.initialCondition = .fixed(k: 0, m: 1e300)
        XCTAssertEqual(message { try fixed.validateParameters() },
                       "initial 'fixed k=0.0 m=1e+300' gives densities from 1e+300 to 1e+300; densities must be finite and non-negative, and at most 1000000")
        fixed.initialCondition = .fixed(k: 0.6, m: 0.5)
        XCTAssertTrue(message { try fixed.validateParameters() }.contains("gives densities from -0.09999999999999998 to 1.1"))
        fixed.initialCondition = .fixed(k: 0.15, m: 0.55)
        try fixed.validateParameters()
    }

    /// A target size near `Int.max` trapped on overflow in the size check of `macroscale run`
    /// (issue 14, finding 6); it is refused like any size that is not a power of the factor.
    func testAbsurdTargetSizesAreRefusedWithoutOverflow() {
        for (target, factor) in [(Int.max, 2), (Int.max - 1, 2), (1 << 62, 3), (64, Int.max)] {
            XCTAssertTrue(message { _ = try Tiling.upsamplingLevels(from: [16, 16], to: [target, target], factor: factor) }
                .contains("is not the input size 16 times a power of \(factor)"), "\(target), \(factor)")
        }
        XCTAssertEqual(try? Tiling.upsamplingLevels(from: [16, 16], to: [1 << 62, 1 << 62], factor: 2), 58)
    }

    /// Valid configurations pass the boundary unchanged; the first invalid value is named.
    func testConfigurationsFromArraysCheckEveryValue() throws {
        let model = IsingModel(size: 2, temperature: 2.5, field: 0)
        let grids = try model.configurations(from: try NumPyArray([Int8](arrayLiteral: 1, -1, -1, 1, 1, 1, 1, 1), shape: [2, 2, 2]),
                                             spatialShape: [2, 2], source: "ok.npz")
        XCTAssertEqual(grids.map(\.values), [[1, -1, -1, 1], [1, 1, 1, 1]])
        XCTAssertEqual(message { _ = try model.configurations(from: try NumPyArray([Int8](arrayLiteral: 1, 1, 1, -128), shape: [1, 2, 2]), spatialShape: [2, 2], source: "bad.npz") },
                       "bad.npz: value -128 in configuration 0 (element 3) is not a valid ising site state: spins must be -1 or +1")
    }
}
