import Execution
import Learning
import XCTest

/// Element-wise layers split large tensors into chunks over the worker threads; the results must
/// not depend on how many there are.
final class ThreadIndependenceTests: XCTestCase {
    override func tearDown() { ThreadCount.set(0) }

    /// Forward output, input gradient and parameter gradients of BatchNorm → LeakyReLU → MaxPool →
    /// Sigmoid on a tensor large enough to be split (64 × 8 × 32 × 32 elements), with 1 and 3 threads.
    func testElementwiseLayersGiveIdenticalBitsWithOneAndSeveralThreads() {
        let input = GradientCheck.randomTensor([64, 8, 32, 32], seed: 21)
        let outputGradient = GradientCheck.randomTensor([64, 8, 16, 16], seed: 22)
        func run(threads: Int) -> [Tensor] {
            ThreadCount.set(threads)
            let norm = BatchNorm(8)
            let network = Sequential([norm, LeakyReLU(0.2), MaxPool2d(), Sigmoid()])
            let output = network.forward(input)
            let inputGradient = network.backward(outputGradient)
            return [output, inputGradient, norm.scale.gradient, norm.shift.gradient, norm.runningMean.value, norm.runningVariance.value]
        }
        let serial = run(threads: 1), parallel = run(threads: 3)
        for (k, (a, b)) in zip(serial, parallel).enumerated() {
            XCTAssertEqual(a.shape, b.shape)
            XCTAssertTrue(a.data.elementsEqual(b.data) { $0.bitPattern == $1.bitPattern }, "result \(k) differs")
        }
        XCTAssertGreaterThan(serial[1].data.map(abs).max()!, 0, "gradients flow")
    }
}
