import Foundation
@testable import Learning
import Random
import XCTest

final class LayerGradientTests: XCTestCase {
    let random = RandomStream(seed: 7, stage: "layers")

    func testLinear() {
        GradientCheck.check(Linear(5, 3, random: random), input: GradientCheck.randomTensor([4, 5], seed: 1))
    }

    func testActivations() {
        let input = GradientCheck.randomTensor([3, 7], seed: 2, margin: 0.05)
        GradientCheck.check(ReLU(), input: input)
        GradientCheck.check(LeakyReLU(0.2), input: input)
        GradientCheck.check(Sigmoid(), input: input)
        GradientCheck.check(Tanh(), input: input)
    }

    func testConvolutions() {
        let image = GradientCheck.randomTensor([2, 3, 6, 5], seed: 3)
        GradientCheck.check(Conv2d(3, 4, kernel: 3, padding: 1, random: random), input: image)
        GradientCheck.check(Conv2d(3, 2, kernel: 3, stride: 2, random: random), input: image)
        GradientCheck.check(Conv2d(3, 2, kernel: 1, random: random), input: image)
    }

    func testTransposedConvolutionDoublesSizeAndHasCorrectGradients() {
        let layer = ConvTranspose2d(3, 2, random: random)
        let input = GradientCheck.randomTensor([2, 3, 4, 3], seed: 4)
        XCTAssertEqual(layer.forward(input).shape, [2, 2, 8, 6])
        GradientCheck.check(layer, input: input)
    }

    /// ConvTranspose2d is the adjoint of Conv2d with the same weights: ⟨conv(x), y⟩ = ⟨x, convT(y)⟩.
    func testTransposedConvolutionIsTheAdjointOfConvolution() {
        let conv = Conv2d(2, 3, kernel: 3, stride: 2, padding: 1, random: random)
        let transpose = ConvTranspose2d(3, 2, kernel: 3, stride: 2, padding: 1, outputPadding: 1, random: random)
        transpose.weight.value = conv.weight.value.reshaped([3, 2, 3, 3])
        conv.bias.value = Tensor(zeros: [3])
        let x = GradientCheck.randomTensor([1, 2, 8, 8], seed: 5), y = GradientCheck.randomTensor([1, 3, 4, 4], seed: 6)
        let left = GradientCheck.projection(conv.forward(x), y.data)
        let right = GradientCheck.projection(transpose.forward(y), x.data)
        XCTAssertEqual(left, right, accuracy: 1e-4 * abs(left) + 1e-4)
    }

    func testMaxPool() {
        // Distinct values so that no window has a near-tie within the finite-difference step.
        var input = Tensor(shape: [2, 2, 4, 6], data: (0..<96).map { Float($0) * 0.1 })
        RandomStream(seed: 8, stage: "pool").shuffle(&input.data)
        let pooled = MaxPool2d().forward(input)
        XCTAssertEqual(pooled.shape, [2, 2, 2, 3])
        XCTAssertEqual(pooled.data[0], [input.data[0], input.data[1], input.data[6], input.data[7]].max())
        GradientCheck.check(MaxPool2d(), input: input)
    }

    func testBatchNormInBothModesAndShapes() {
        for shape in [[6, 3], [3, 2, 4, 3]] {
            let layer = BatchNorm(shape[1])
            layer.scale.value = Tensor(shape: [shape[1]], data: (0..<shape[1]).map { 0.5 + Float($0) })
            layer.shift.value = Tensor(shape: [shape[1]], data: (0..<shape[1]).map { Float($0) * 0.3 })
            let input = GradientCheck.randomTensor(shape, seed: 9)
            GradientCheck.check(layer, input: input)
            layer.isTraining = false
            GradientCheck.check(layer, input: input)
        }
    }

    func testReshapeAndSequential() {
        // Smooth layers only: a composition of kinked layers (ReLU, max pooling) is not differentiable
        // at points a finite step may cross; those layers are checked on their own above.
        let model = Sequential([
            Conv2d(1, 2, kernel: 3, stride: 2, padding: 1, random: random), BatchNorm(2), Tanh(),
            Reshape.flatten(2 * 2 * 2), Linear(8, 4, random: random), Tanh(), Linear(4, 8, random: random),
            Reshape([2, 2, 2]), ConvTranspose2d(2, 1, random: random), Sigmoid(),
        ])
        let input = GradientCheck.randomTensor([5, 1, 4, 4], seed: 10)
        XCTAssertEqual(model.forward(input).shape, [5, 1, 4, 4])
        GradientCheck.check(model, input: input)
        XCTAssertEqual(model.state.map(\.name).prefix(6), ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"])
    }

    func testPatchAverage() {
        let layer = PatchAverage(groupSize: 3)
        let input = GradientCheck.randomTensor([6, 2], seed: 11)
        let output = layer.forward(input)
        XCTAssertEqual(output.shape, [2, 2])
        XCTAssertEqual(output.data[1], (input.data[1] + input.data[3] + input.data[5]) / 3, accuracy: 1e-6)
        GradientCheck.check(layer, input: input)
    }

    func testArchitecturesHaveTheReferenceShapes() {
        let encoder = Architectures.convolutionalEncoder(size: 16, channels: [32, 64, 128], outputs: 2, random: random)
        XCTAssertEqual(encoder.forward(GradientCheck.randomTensor([3, 1, 16, 16], seed: 12)).shape, [3, 2])
        let decoder = Architectures.convolutionalDecoder(inputs: 4, channels: [128, 64, 32, 16], random: random)
        let image = decoder.forward(GradientCheck.randomTensor([2, 4], seed: 13))
        XCTAssertEqual(image.shape, [2, 1, 64, 64])
        XCTAssertTrue(image.data.allSatisfy { $0 > 0 && $0 < 1 })
        let mlp = Architectures.multilayerPerceptron([4, 64, 64, 64, 4], random: random)
        XCTAssertEqual(mlp.parameters.map(\.value.shape), [[64, 4], [64], [64, 64], [64], [64, 64], [64], [4, 64], [4]])
    }

    func testLossGradients() {
        let prediction = Tensor(shape: [2, 3], data: [0.2, 0.7, 0.9, 0.4, 0.05, 0.6])
        let target = Tensor(shape: [2, 3], data: [0, 1, 1, 0.5, 0, 1])
        for loss in [Loss.meanSquaredError, Loss.binaryCrossEntropy] {
            let (value, gradient) = loss(prediction, target)
            for k in 0..<6 {
                var plus = prediction, minus = prediction
                plus.data[k] += 1e-3
                minus.data[k] -= 1e-3
                let numeric = (loss(plus, target).loss - loss(minus, target).loss) / 2e-3
                XCTAssertEqual(Double(gradient.data[k]), numeric, accuracy: 0.01 * abs(numeric) + 1e-4)
            }
            XCTAssertGreaterThan(value, 0)
        }
        // Hand values: MSE of (0.2, 0.7, 0.9, −0.1, 0.05, −0.4) and BCE's clamping at p = 0 and 1.
        XCTAssertEqual(Loss.meanSquaredError(prediction, target).loss, (0.04 + 0.09 + 0.01 + 0.01 + 0.0025 + 0.16) / 6, accuracy: 1e-7)
        let clamped = Loss.binaryCrossEntropy(Tensor(shape: [2], data: [0, 1]), Tensor(shape: [2], data: [1, 0]))
        XCTAssertEqual(clamped.loss, 100, accuracy: 1e-9)
        XCTAssertTrue(clamped.gradient.data.allSatisfy { $0.isFinite })
    }
}
