import Artifacts
import Foundation
import Random
@testable import Systems
import XCTest

final class AlloyModelTests: XCTestCase {
    /// `SystemRegistry` rebuilds the alloy from what its configuration records, with defaults.
    func testConfigurationRoundTripsThroughTheRegistry() throws {
        var model = AlloyModel(cells: 6, temperature: 1200, vacancies: 8)
        model.stepsPerRecord = 3
        let rebuilt = try SystemRegistry.system(from: SystemConfiguration(model.configuration))
        XCTAssertEqual(rebuilt.configuration, model.configuration)
        let defaults = try AlloyModel(configuration: SystemConfiguration(["system": .string("alloy")]))
        XCTAssertEqual(defaults.spatialShape, [8, 8, 8])
        XCTAssertEqual(defaults.temperature, 2000)
        XCTAssertEqual(defaults.vacancies, 1)
    }

    /// Parameters outside their domain are refused with a message naming them.
    func testBadParametersAreRefused() {
        let cases: [([String: JSONValue], String)] = [
            (["cells": 1], "cells"), (["temperature": -5], "temperature"), (["temperature": 10], "too low"),
            (["vacancies": 0], "vacancies"), (["cells": 2, "vacancies": 9], "vacancies"),
            (["barriers": "lennard-jones"], "barriers"), (["barriers": "nnk"], "nnkWeights"),
            (["stepsPerRecord": 0], "stepsPerRecord"),
        ]
        for (values, word) in cases {
            let configuration = SystemConfiguration(values.merging(["system": .string("alloy")]) { a, _ in a })
            XCTAssertThrowsError(try SystemRegistry.system(from: configuration), "\(values)") { error in
                XCTAssertTrue(String(describing: error).contains(word), "\(values): \(error)")
            }
        }
    }

    /// A file holding a code other than 0–3 is refused where it becomes configurations.
    func testInvalidSiteCodesAreRefused() throws {
        let model = AlloyModel(cells: 2, temperature: 1000)
        var values = [Int8](repeating: 1, count: 16)
        values[5] = 4
        let array = try NumPyArray(values, shape: [1, 2, 2, 2, 2])
        XCTAssertThrowsError(try model.configurations(from: array, spatialShape: [2, 2, 2], source: "states.npy")) { error in
            XCTAssertTrue(String(describing: error).contains("species codes must be 0 (vacancy), 1 (Nb), 2 (Mo) or 3 (Ta)"), "\(error)")
        }
        XCTAssertEqual(try model.configurations(from: array.replacing(5, with: 3), spatialShape: [2, 2, 2], source: "states.npy").count, 1)
    }

    /// Eight vacancies on 4³ cells sit on the corners of cells {1, 3}³, the centres of the 2³-cell
    /// blocks; the atoms are equimolar.
    func testInitialVacanciesSitOnARegularGrid() {
        let model = AlloyModel(cells: 4, temperature: 1000, vacancies: 8)
        let (configuration, parameters) = model.initialConfiguration(run: 0, random: RandomStream(seed: 1, stage: "alloy-initial"))
        XCTAssertTrue(parameters.isEmpty)
        let geometry = TestLattice(shape: [4, 4, 4])
        let expected = Set([1, 3].flatMap { i in [1, 3].flatMap { j in [1, 3].map { k in geometry.site([2 * i, 2 * j, 2 * k]) } } })
        XCTAssertEqual(Set(AlloyModel.vacancySites(in: configuration.values)), expected)
        XCTAssertEqual(composition(configuration.values), [8, 40, 40, 40])
    }

    /// Upsampling copies the configuration: SRO and composition fractions unchanged, vacancies × factor³;
    /// `resized` keeps the vacancy concentration.
    func testUpsamplingAndResizingKeepConcentrations() {
        let model = AlloyModel(cells: 3, temperature: 1000, vacancies: 2)
        let (small, _) = model.initialConfiguration(run: 0, random: RandomStream(seed: 2, stage: "alloy-upsample"))
        let large = model.upsample(small, factor: 2)
        XCTAssertEqual(large.spatialShape, [6, 6, 6])
        XCTAssertEqual(composition(large.values), composition(small.values).map { 8 * $0 })
        for (a, b) in zip(model.observables(of: small), model.observables(of: large)) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertEqual(model.resized(to: [6, 6, 6]).vacancies, 16)
        XCTAssertEqual(model.resized(to: [2, 2, 2]).vacancies, 1)
    }
}

extension NumPyArray {
    /// The same int8 array with element `index` set to `value`.
    func replacing(_ index: Int, with value: Int8) throws -> NumPyArray {
        var values = try elements(as: Int8.self)
        values[index] = value
        return try NumPyArray(values, shape: shape)
    }
}
