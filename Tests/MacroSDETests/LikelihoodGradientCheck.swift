import Learning
@testable import MacroSDE
import XCTest

/// Checks the gradients `GaussianLikelihood` accumulates into every parameter of `model` against
/// central differences of the batch loss (step `h`, 2·10⁻³ by default: small enough not to cross
/// the MLPs' ReLU kinks on these inputs), probing about six entries per parameter; `label` names the case.
func assertLikelihoodGradients(_ model: SDEModel, _ batch: PairBatch, _ likelihood: GaussianLikelihood, label: String, h: Float = 2e-3,
                               file: StaticString = #filePath, line: UInt = #line) throws {
    for parameter in model.parameters { parameter.zeroGradient() }
    _ = try likelihood.loss(model, batch, backward: true)
    for parameter in model.parameters {
        let analytic = parameter.gradient
        for k in Swift.stride(from: 0, to: parameter.value.count, by: max(1, parameter.value.count / 6)) {
            let original = parameter.value.data[k]
            parameter.value.data[k] = original + h
            let up = try likelihood.loss(model, batch, backward: false)
            parameter.value.data[k] = original - h
            let down = try likelihood.loss(model, batch, backward: false)
            parameter.value.data[k] = original
            let numeric = (up - down) / Double(2 * h)
            XCTAssertEqual(Double(analytic.data[k]), numeric, accuracy: 0.02 * abs(numeric) + 2e-3, "\(label) \(parameter.name)[\(k)]",
                           file: file, line: line)
        }
    }
}
