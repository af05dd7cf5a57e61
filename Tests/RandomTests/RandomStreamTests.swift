import Execution
import Foundation
@testable import Random
import XCTest

final class RandomStreamTests: XCTestCase {
    /// Known-answer vectors of Philox4x32-10 from the Random123 distribution (counter, key → output).
    func testPhiloxKnownAnswers() {
        let cases: [((UInt32, UInt32, UInt32, UInt32), (UInt32, UInt32), [UInt32])] = [
            ((0, 0, 0, 0), (0, 0), [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]),
            ((.max, .max, .max, .max), (.max, .max), [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]),
            ((0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), (0xa409_3822, 0x299f_31d0),
             [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]),
        ]
        for (counter, key, expected) in cases {
            let out = PhiloxState.block(counter: counter, key: key)
            XCTAssertEqual([out.0, out.1, out.2, out.3], expected)
        }
    }

    func testStreamIsPhiloxRegisteredWithGSL() {
        XCTAssertEqual(RandomStream(seed: 1, stage: "x").generatorName, "philox4x32-10")
    }

    /// Draws per-sample randomness in a parallel loop and returns the bytes.
    func sampleBytes(threads: Int, seed: UInt64 = 2024) -> Data {
        let samples = 257, perSample = 1000
        let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: samples * perSample)
        defer { buffer.deallocate() }
        nonisolated(unsafe) let shared = buffer
        parallelFor(samples, threads: threads) { index in
            let stream = RandomStream(seed: seed, stage: "upsample", index: UInt64(index))
            for j in 0..<perSample {
                // Mix samplers so that every GSL path is covered.
                switch j % 3 {
                case 0: shared[index * perSample + j] = stream.gaussian()
                case 1: shared[index * perSample + j] = stream.exponential(mean: 2)
                default: shared[index * perSample + j] = Double(stream.uniformInt(10))
                }
            }
        }
        return Data(buffer: buffer)
    }

    func testSameSeedGivesIdenticalBytesWithOneAndTwoThreads() {
        let one = sampleBytes(threads: 1)
        let two = sampleBytes(threads: 2)
        XCTAssertEqual(one, two)
        XCTAssertEqual(one, sampleBytes(threads: 2), "repeat run")
        XCTAssertNotEqual(one, sampleBytes(threads: 2, seed: 2025), "a different seed gives different numbers")
    }

    func testStreamsDifferByIndexStageAndSeed() {
        func firstDraws(_ stream: RandomStream) -> [Double] { (0..<8).map { _ in stream.uniform() } }
        let base = firstDraws(RandomStream(seed: 7, stage: "evolve", index: 0))
        XCTAssertEqual(base, firstDraws(RandomStream(seed: 7, stage: "evolve", index: 0)))
        XCTAssertNotEqual(base, firstDraws(RandomStream(seed: 7, stage: "evolve", index: 1)))
        XCTAssertNotEqual(base, firstDraws(RandomStream(seed: 7, stage: "simulate", index: 0)))
        XCTAssertNotEqual(base, firstDraws(RandomStream(seed: 8, stage: "evolve", index: 0)))
    }

    func testSamplerMomentsAgreeWithTheirDistributions() {
        let stream = RandomStream(seed: 11, stage: "moments")
        let n = 200_000
        func moments(_ draw: () -> Double) -> (mean: Double, variance: Double) {
            var sum = 0.0, squares = 0.0
            for _ in 0..<n { let x = draw(); sum += x; squares += x * x }
            let mean = sum / Double(n)
            return (mean, squares / Double(n) - mean * mean)
        }
        // Gaussian(σ = 2): mean 0, variance 4. Standard error of the mean 2/√n ≈ 0.0045.
        let gauss = moments { stream.gaussian(sigma: 2) }
        XCTAssertEqual(gauss.mean, 0, accuracy: 0.025)
        XCTAssertEqual(gauss.variance, 4, accuracy: 0.07)
        // Exponential(mean 3): variance 9.
        let expo = moments { stream.exponential(mean: 3) }
        XCTAssertEqual(expo.mean, 3, accuracy: 0.04)
        XCTAssertEqual(expo.variance, 9, accuracy: 0.35)
        // Uniform [0, 1): mean 1/2, variance 1/12; never 0 for uniformPositive.
        let uniform = moments { stream.uniform() }
        XCTAssertEqual(uniform.mean, 0.5, accuracy: 0.004)
        XCTAssertEqual(uniform.variance, 1.0 / 12, accuracy: 0.002)
        XCTAssert((0..<10_000).allSatisfy { _ in stream.uniformPositive() > 0 })
        // Uniform integers: chi-square over 10 bins, 9 degrees of freedom; 99.99th percentile ≈ 33.7.
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<n { counts[stream.uniformInt(10)] += 1 }
        let expected = Double(n) / 10
        let chiSquare = counts.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
        XCTAssertLessThan(chiSquare, 33.7)
    }

    func testShuffleIsAPermutation() {
        var values = Array(0..<100)
        RandomStream(seed: 3, stage: "shuffle").shuffle(&values)
        XCTAssertNotEqual(values, Array(0..<100))
        XCTAssertEqual(values.sorted(), Array(0..<100))
    }
}
