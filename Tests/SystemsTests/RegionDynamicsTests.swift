import Foundation
import Random
@testable import Systems
import XCTest

/// Upsampling and dynamics restricted to a region: what hierarchical upsampling and partial evolution rest on.
final class RegionDynamicsTests: XCTestCase {
    func randomSpins(_ size: Int, seed: UInt64, upProbability: Double = 0.5) -> Grid<Int8> {
        let random = RandomStream(seed: seed, stage: "test-spins")
        return Grid(spatialShape: [size, size], values: (0..<(size * size)).map { _ in random.uniform() < upProbability ? 1 : -1 })
    }

    func testRepeatedUpsamplingPreservesMagnetizationAndHalvesWallDensity() {
        let model = IsingModel(size: 8, temperature: 2.5, field: 0.1)
        var configuration = randomSpins(8, seed: 1, upProbability: 0.6)
        var observables = model.observables(of: configuration)
        for level in 1...3 {
            configuration = model.upsample(configuration, factor: 2)
            XCTAssertEqual(configuration.spatialShape, [8 << level, 8 << level])
            let next = model.observables(of: configuration)
            XCTAssertEqual(next[0], observables[0], "magnetization is preserved exactly")
            XCTAssertEqual(next[1], observables[1] / 2, "domain-wall density is halved exactly")
            observables = next
        }
        // Factor 3: every spin a 3 × 3 block, walls divided by 3.
        let tripled = model.upsample(randomSpins(5, seed: 2), factor: 3)
        let original = model.observables(of: randomSpins(5, seed: 2))
        XCTAssertEqual(model.observables(of: tripled)[0], original[0], accuracy: 1e-15)
        XCTAssertEqual(model.observables(of: tripled)[1], original[1] / 3, accuracy: 1e-15)
    }

    /// Sites outside the region must be bit-identical after the region evolves, for every system and
    /// boundary, including regions that wrap around the lattice edge.
    func testRegionDynamicsNeverWriteOutsideTheRegion() {
        let ising = IsingModel(size: 16, temperature: 2.5, field: 0.1)
        let curieWeiss = CurieWeissModel(size: 16, temperature: 1.1, field: 0.1)
        for boundary in RegionBoundary.allCases where boundary != .roaming {
            for (origin, size) in [([4, 8], [8, 8]), ([12, 13], [8, 8]), ([0, 0], [16, 16])] {
                let initial = randomSpins(16, seed: 3)
                for (name, evolve) in [
                    ("ising", { (grid: inout Grid<Int8>, random: RandomStream) in
                        _ = ising.evolveRegion(&grid, origin: origin, size: size, for: .steps(500), boundary: boundary, random: random) }),
                    ("curie-weiss", { (grid: inout Grid<Int8>, random: RandomStream) in
                        _ = curieWeiss.evolveRegion(&grid, origin: origin, size: size, for: .steps(500), boundary: boundary, random: random) }),
                ] {
                    var grid = initial
                    evolve(&grid, RandomStream(seed: 4, stage: "region"))
                    var inside = Set<Int>()
                    for dy in 0..<size[0] {
                        for dx in 0..<size[1] { inside.insert(((origin[0] + dy) % 16) * 16 + (origin[1] + dx) % 16) }
                    }
                    for site in 0..<256 where !inside.contains(site) {
                        XCTAssertEqual(grid.values[site], initial.values[site], "\(name) \(boundary) \(origin): site \(site) changed")
                    }
                    XCTAssertNotEqual(grid, initial, "\(name) \(boundary): the region itself should change")
                }
            }
        }
        var predatorPrey = PredatorPreyModel(points: 20)
        predatorPrey.noise = 0.02
        let fields = Grid<Float>(components: 2, spatialShape: [20], values: (0..<40).map { Float(0.3 + 0.01 * Double($0 % 7)) })
        for boundary in RegionBoundary.allCases where boundary != .roaming {
            var grid = fields
            _ = predatorPrey.evolveRegion(&grid, origin: [5], size: [10], for: .steps(3), boundary: boundary, random: RandomStream(seed: 5, stage: "pp"))
            for i in 0..<20 where !(5..<15).contains(i) {
                XCTAssertEqual(grid.values[i], fields.values[i])
                XCTAssertEqual(grid.values[20 + i], fields.values[20 + i])
            }
            XCTAssertNotEqual(grid, fields)
        }
    }

    /// With noise off, one frozen-halo step of a window equals the same points of one explicit step
    /// of the whole system: the ghost cells are exactly the neighbours the whole system would use.
    /// A frozen halo around the whole lattice would be stale copies of the lattice's own edges:
    /// there the Ising region runs the lattice's periodic dynamics, exactly as the periodic window
    /// (and the whole-system truth) does, while a smaller window's frozen halo differs from it.
    func testIsingFrozenHaloAroundTheWholeLatticeIsThePeriodicDynamics() {
        let model = IsingModel(size: 16, temperature: 2.27, field: 0)
        let start = randomSpins(16, seed: 3)
        func evolved(_ size: Int, _ boundary: RegionBoundary) -> Grid<Int8> {
            var configuration = start
            _ = model.evolveRegion(&configuration, origin: [0, 0], size: [size, size], for: .time(2), boundary: boundary,
                                   random: RandomStream(seed: 4, stage: "whole"))
            return configuration
        }
        XCTAssertEqual(evolved(16, .frozenHalo), evolved(16, .periodicWindow))
        XCTAssertEqual(evolved(16, .frozenHalo), model.wholeSystemStates(from: start, at: [2], random: RandomStream(seed: 4, stage: "whole"))[0])
        XCTAssertNotEqual(evolved(8, .frozenHalo), evolved(8, .periodicWindow))
    }

    func testPredatorPreyFrozenHaloStepMatchesTheWholeSystemStep() {
        var model = PredatorPreyModel(points: 30)
        model.noise = 0
        model.preyDiffusion = 0.2
        let fields = Grid<Float>(components: 2, spatialShape: [30], values: (0..<60).map { Float(0.4 + 0.2 * sin(Double($0))) })
        var whole = fields
        _ = model.evolveRegion(&whole, origin: [0], size: [30], for: .steps(1), boundary: .periodicWindow, random: RandomStream(seed: 1, stage: "x"))
        for start in [0, 10, 20] {
            var window = fields
            let dt = model.evolveRegion(&window, origin: [start], size: [10], for: .steps(1), boundary: .frozenHalo, random: RandomStream(seed: 1, stage: "x"))
            XCTAssertEqual(dt, model.dt)
            for i in start..<(start + 10) {
                XCTAssertEqual(window.values[i], whole.values[i], accuracy: 1e-7, "u at \(i)")
                XCTAssertEqual(window.values[30 + i], whole.values[30 + i], accuracy: 1e-7, "v at \(i)")
            }
        }
    }

    /// Curie–Weiss, T = 0.5, h = 0: an 8 × 8 block of up spins in a 32 × 32 sea of down spins. Under
    /// the global mean field (frozen halo, m ≈ −0.875) the block is pushed down; as an isolated
    /// system with its own mean field it stays near its ordered state m* = tanh(2m*) ≈ 0.96.
    func testCurieWeissBlockFeelsTheGlobalMeanFieldOnlyWithFrozenHalo() {
        let model = CurieWeissModel(size: 32, temperature: 0.5, field: 0)
        var sea = Grid<Int8>(spatialShape: [32, 32], repeating: -1)
        sea.insert(Grid(spatialShape: [8, 8], repeating: 1), at: [0, 0])
        var magnetization: [RegionBoundary: Double] = [:]
        for boundary in RegionBoundary.allCases where boundary != .roaming {
            var grid = sea
            _ = model.evolveRegion(&grid, origin: [0, 0], size: [8, 8], for: .steps(64 * 20), boundary: boundary, random: RandomStream(seed: 6, stage: "cw"))
            magnetization[boundary] = model.observables(of: grid.patch(origin: [0, 0], size: [8, 8]))[0]
        }
        XCTAssertLessThan(magnetization[.frozenHalo]!, -0.5)
        XCTAssertGreaterThan(magnetization[.periodicWindow]!, 0.5)
    }

    func testInterpolationReproducesLinearFieldsExactly() {
        let n = 10
        let linear = (0..<n).map { 0.3 + 0.05 * Double($0) }
        for method in CellCentredInterpolation.allCases {
            for factor in [2, 3] {
                let fine = method.refine(linear, factor: factor)
                XCTAssertEqual(fine.count, n * factor)
                for (j, value) in fine.enumerated() {
                    // Fine centre (j + ½)/(factor n) sits at coarse coordinate (j + ½)/factor − ½.
                    let expected = 0.3 + 0.05 * ((Double(j) + 0.5) / Double(factor) - 0.5)
                    XCTAssertEqual(value, expected, accuracy: 1e-12, "\(method) factor \(factor) at \(j)")
                }
            }
        }
        // On a smooth field the spline beats linear interpolation.
        let coarse = (0..<20).map { sin(2 * Double.pi * (Double($0) + 0.5) / 20) }
        let exact = (0..<40).map { sin(2 * Double.pi * (Double($0) + 0.5) / 40) }
        func error(_ method: CellCentredInterpolation) -> Double {
            zip(method.refine(coarse, factor: 2), exact).dropFirst().dropLast().map { abs($0 - $1) }.max()!
        }
        XCTAssertLessThan(error(.cubicSpline), error(.linear) / 4)
    }

    func testPredatorPreyUpsamplingRefinesBothSpecies() {
        let model = PredatorPreyModel(points: 4)
        let grid = Grid<Float>(components: 2, spatialShape: [4], values: [0, 1, 2, 3, 10, 10, 10, 10])
        let fine = model.upsample(grid, factor: 2)
        XCTAssertEqual(fine.spatialShape, [8])
        XCTAssertEqual(Array(fine.values[0..<8]), [-0.25, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25])
        XCTAssertEqual(Array(fine.values[8...]), [Float](repeating: 10, count: 8))
    }

    func testSystemsRoundTripThroughTheirConfiguration() throws {
        var ising = IsingModel(size: 12, temperature: 2.3, field: -0.2, dynamics: .heatBath, initialCondition: .magnetization(0.25))
        ising.stepsPerRecord = 3
        let rebuilt = try XCTUnwrap(SystemRegistry.system(from: SystemConfiguration(ising.configuration)) as? IsingModel)
        XCTAssertEqual(rebuilt.configuration, ising.configuration)
        var predatorPrey = PredatorPreyModel(points: 50)
        predatorPrey.scheme = .spectral
        predatorPrey.interpolation = .cubicSpline
        let rebuiltPP = try XCTUnwrap(SystemRegistry.system(from: SystemConfiguration(predatorPrey.configuration)) as? PredatorPreyModel)
        XCTAssertEqual(rebuiltPP.configuration, predatorPrey.configuration)
        XCTAssertThrowsError(try SystemRegistry.system(from: SystemConfiguration(["system": "potts"]))) { error in
            XCTAssertTrue("\(error)".contains("unknown system 'potts'"))
        }
        XCTAssertThrowsError(try SystemRegistry.system(from: SystemConfiguration(["system": "ising", "size": 8]))) { error in
            XCTAssertTrue("\(error)".contains("missing 'temperature'"))
        }
    }
}
