import Foundation
@testable import Learning
import Random
import XCTest

/// Finite-difference checks of hand-written backward passes.
///
/// The loss is L = Σ r ⊙ layer(x) for a fixed random r, so backward(r) must give ∂L/∂x and the
/// parameter gradients. Central differences with step h = 1e-2 on Float32 forward passes (summed in
/// Double) have truncation error O(h²) and rounding error ~1e-7·|L|/h, so a tolerance of 1 % of the
/// gradient's magnitude plus 2e-3 absolute separates a correct backward from a wrong one (a wrong
/// sign, index or factor 2 errs by ≥ 50 %).
enum GradientCheck {
    static func projection(_ tensor: Tensor, _ weights: [Float]) -> Double {
        zip(tensor.data, weights).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Checks input and parameter gradients of `layer` at `input`; `indices` picks which entries to probe.
    static func check(_ layer: Layer, input: Tensor, seed: UInt64 = 1, step h: Float = 1e-2, probes: Int = 24,
                      file: StaticString = #filePath, line: UInt = #line) {
        let random = RandomStream(seed: seed, stage: "gradient-check")
        let output = layer.forward(input)
        let weights = (0..<output.count).map { _ in Float(random.gaussian()) }
        for parameter in layer.parameters { parameter.zeroGradient() }
        _ = layer.forward(input)
        let inputGradient = layer.backward(Tensor(shape: output.shape, data: weights))
        XCTAssertEqual(inputGradient.shape, input.shape, "input gradient shape", file: file, line: line)

        func loss(_ x: Tensor) -> Double { projection(layer.forward(x), weights) }
        func compare(_ analytic: Float, _ numeric: Double, _ what: String) {
            let tolerance = 0.01 * max(abs(Double(analytic)), abs(numeric)) + 2e-3
            XCTAssertEqual(Double(analytic), numeric, accuracy: tolerance, what, file: file, line: line)
        }
        for k in sampleIndices(input.count, probes, random) {
            var plus = input, minus = input
            plus.data[k] += h
            minus.data[k] -= h
            compare(inputGradient.data[k], (loss(plus) - loss(minus)) / Double(2 * h), "∂L/∂x[\(k)]")
        }
        for parameter in layer.parameters {
            let analytic = parameter.gradient
            for k in sampleIndices(parameter.value.count, probes, random) {
                let original = parameter.value.data[k]
                parameter.value.data[k] = original + h
                let up = loss(input)
                parameter.value.data[k] = original - h
                let down = loss(input)
                parameter.value.data[k] = original
                compare(analytic.data[k], (up - down) / Double(2 * h), "∂L/∂\(parameter.name)[\(k)]")
            }
        }
    }

    static func sampleIndices(_ count: Int, _ probes: Int, _ random: RandomStream) -> [Int] {
        count <= probes ? Array(0..<count) : (0..<probes).map { _ in random.uniformInt(count) }
    }

    /// A tensor of normal values whose magnitudes stay away from 0 by `margin` (kinks of ReLU-like layers).
    static func randomTensor(_ shape: [Int], seed: UInt64, margin: Float = 0) -> Tensor {
        let random = RandomStream(seed: seed, stage: "tensor")
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in
            let value = Float(random.gaussian())
            return value >= 0 ? value + margin : value - margin
        })
    }
}
