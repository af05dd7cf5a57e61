import Artifacts
import Foundation
@testable import Learning
import Random
import TestSupport
import XCTest

final class BatchNormValueTests: XCTestCase {
    /// Channel 0 holds 1, 2, 3, 6 (mean 3, biased variance 3.5, unbiased 14/3); channel 1 is constant 5.
    func testTrainingAndEvaluationOutputsAndRunningStatistics() {
        let layer = BatchNorm(2)
        layer.scale.value = Tensor(shape: [2], data: [2, 1])
        layer.shift.value = Tensor(shape: [2], data: [0.5, -1])
        let input = Tensor(shape: [4, 2], data: [1, 5, 2, 5, 3, 5, 6, 5])
        let output = layer.forward(input)
        let inverseStd = 1 / (3.5 + 1e-5).squareRoot()
        for (k, x) in [1.0, 2, 3, 6].enumerated() {
            XCTAssertEqual(Double(output.data[2 * k]), 2 * (x - 3) * inverseStd + 0.5, accuracy: 1e-5)
            XCTAssertEqual(output.data[2 * k + 1], -1, accuracy: 1e-6, "a constant channel normalises to 0, then the shift")
        }
        XCTAssertEqual(layer.runningMean.value.data[0], 0.3, accuracy: 1e-6)
        XCTAssertEqual(layer.runningMean.value.data[1], 0.5, accuracy: 1e-6)
        XCTAssertEqual(layer.runningVariance.value.data[0], Float(0.9 + 0.1 * 14.0 / 3), accuracy: 1e-6)
        XCTAssertEqual(layer.runningVariance.value.data[1], 0.9, accuracy: 1e-6)

        layer.isTraining = false
        let evaluated = layer.forward(Tensor(shape: [1, 2], data: [2, 5]))
        XCTAssertEqual(Double(evaluated.data[0]), 2 * (2 - 0.3) / (0.9 + 0.1 * 14.0 / 3 + 1e-5).squareRoot() + 0.5, accuracy: 1e-5)
        XCTAssertEqual(Double(evaluated.data[1]), (5 - 0.5) / (0.9 + 1e-5).squareRoot() - 1, accuracy: 1e-5)
        XCTAssertEqual(layer.runningMean.value.data[0], 0.3, accuracy: 1e-6, "evaluation leaves running statistics alone")
    }
}

final class OptimizerTests: XCTestCase {
    /// Three steps on two scalar parameters with fixed gradients, against an independent Python
    /// transcription of PyTorch's documented Adam/AdamW/AMSGrad algorithms.
    func testUpdateSequencesMatchAnIndependentTranscription() throws {
        let gradients: [[Float]] = [[0.5, -2], [-0.3, 1], [0.2, -4]]
        var swiftResults: [String] = []
        for (decay, amsgrad) in [(Adam.WeightDecay.l2(0), false), (.l2(0.1), false), (.decoupled(0.1), false), (.decoupled(0.1), true), (.l2(0.05), true)] {
            let parameter = Parameter("p", Tensor(shape: [2], data: [1, -0.5]))
            let optimizer = Adam([parameter], learningRate: 0.1, betas: (0.9, 0.95), epsilon: 1e-8, weightDecay: decay, amsgrad: amsgrad)
            for g in gradients {
                optimizer.zeroGradients()
                parameter.gradient.data = g
                optimizer.step()
                swiftResults.append(parameter.value.data.map { String(format: "%.6f", $0) }.joined(separator: " "))
            }
        }
        let python = try Python.run("""
            import math
            grads = [[0.5, -2], [-0.3, 1], [0.2, -4]]
            for decay, decoupled, ams in [(0, False, False), (0.1, False, False), (0.1, True, False), (0.1, True, True), (0.05, False, True)]:
                p = [1.0, -0.5]; m = [0.0, 0.0]; v = [0.0, 0.0]; vmax = [0.0, 0.0]
                lr, b1, b2, eps = 0.1, 0.9, 0.95, 1e-8
                for t, g in enumerate(grads, start=1):
                    for i in range(2):
                        gi = g[i]
                        if decoupled: p[i] *= 1 - lr * decay
                        else: gi = gi + decay * p[i]
                        m[i] = b1 * m[i] + (1 - b1) * gi
                        v[i] = b2 * v[i] + (1 - b2) * gi * gi
                        bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
                        if ams:
                            vmax[i] = max(vmax[i], v[i]); denom = math.sqrt(vmax[i]) / math.sqrt(bc2) + eps
                        else:
                            denom = math.sqrt(v[i]) / math.sqrt(bc2) + eps
                        p[i] -= lr / bc1 * m[i] / denom
                    print(' '.join('%.6f' % x for x in p))
            """)
        XCTAssertEqual(swiftResults, python.split(separator: "\n").map(String.init))
    }

    func testReduceLROnPlateau() {
        var scheduler = ReduceLROnPlateau(factor: 0.5, patience: 2, minimumLearningRate: 0.2)
        var lr = 1.0
        var history: [Double] = []
        for loss in [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8] {
            lr = scheduler.step(loss: loss, learningRate: lr)
            history.append(lr)
        }
        // Reductions after the 3rd non-improving epoch each time; floor at 0.2.
        XCTAssertEqual(history, [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2])
    }

    func testMiniBatchesCoverEveryIndexOnce() {
        let batches = miniBatches(count: 10, batchSize: 4, random: RandomStream(seed: 1, stage: "batches"))
        XCTAssertEqual(batches.map(\.count), [4, 4, 2])
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<10))
        XCTAssertEqual(miniBatches(count: 10, batchSize: 4, dropLast: true, random: RandomStream(seed: 1, stage: "batches")).map(\.count), [4, 4])
        XCTAssertEqual(batches, miniBatches(count: 10, batchSize: 4, random: RandomStream(seed: 1, stage: "batches")))
        let tensor = Tensor(shape: [3, 2], data: [0, 1, 10, 11, 20, 21])
        XCTAssertEqual(tensor.gathering([2, 0]).data, [20, 21, 0, 1])
    }
}

final class LearningTests: XCTestCase {
    func testMLPLearnsXOR() {
        let random = RandomStream(seed: 3, stage: "xor")
        let model = Sequential([Linear(2, 8, random: random), Tanh(), Linear(8, 1, random: random), Sigmoid()])
        let inputs = Tensor(shape: [4, 2], data: [0, 0, 0, 1, 1, 0, 1, 1])
        let targets = Tensor(shape: [4, 1], data: [0, 1, 1, 0])
        let optimizer = Adam(model.parameters, learningRate: 0.05)
        for _ in 0..<1500 {
            optimizer.zeroGradients()
            let (_, gradient) = Loss.binaryCrossEntropy(model.forward(inputs), targets)
            _ = model.backward(gradient)
            optimizer.step()
        }
        let predictions = model.forward(inputs).data
        XCTAssertEqual(predictions.map { $0 > 0.5 ? 1 : 0 }, [0, 1, 1, 0], "\(predictions)")
        XCTAssertTrue(zip(predictions, targets.data).allSatisfy { abs($0 - $1) < 0.1 }, "\(predictions)")
    }

    /// 8 × 8 images of one bright bar (horizontal or vertical, at any of 8 positions): a conv
    /// encoder to 4 numbers and a transposed-conv decoder. The loss must fall at least tenfold.
    func testConvolutionalAutoencoderReducesReconstructionLossTenfold() {
        let random = RandomStream(seed: 4, stage: "autoencoder")
        var images: [Float] = []
        for vertical in [false, true] {
            for position in 0..<8 {
                for y in 0..<8 {
                    for x in 0..<8 { images.append((vertical ? x : y) == position ? 0.9 : 0.1) }
                }
            }
        }
        let data = Tensor(shape: [16, 1, 8, 8], data: images)
        let model = Sequential([
            Conv2d(1, 8, kernel: 3, padding: 1, random: random), BatchNorm(8), LeakyReLU(0.2), MaxPool2d(),
            Conv2d(8, 8, kernel: 3, padding: 1, random: random), LeakyReLU(0.2), MaxPool2d(),
            Reshape.flatten(8 * 2 * 2), Linear(32, 4, random: random), Linear(4, 32, random: random), LeakyReLU(0.2),
            Reshape([8, 2, 2]), ConvTranspose2d(8, 8, random: random), LeakyReLU(0.2),
            ConvTranspose2d(8, 8, random: random), LeakyReLU(0.2), ConvTranspose2d(8, 1, random: random), Reshape([1, 16, 16]),
            MaxPool2d(), Sigmoid(),
        ])
        let optimizer = Adam(model.parameters, learningRate: 0.01)
        var losses: [Double] = []
        for _ in 0..<300 {
            optimizer.zeroGradients()
            let (loss, gradient) = Loss.meanSquaredError(model.forward(data), data)
            losses.append(loss)
            _ = model.backward(gradient)
            optimizer.step()
        }
        XCTAssertLessThan(losses.last!, losses.first! / 10, "loss \(losses.first!) → \(losses.last!)")
    }
}

final class CheckpointTests: XCTestCase {
    func model(_ seed: UInt64) -> Sequential {
        let random = RandomStream(seed: seed, stage: "checkpoint")
        return Sequential([Linear(3, 4, random: random), BatchNorm(4), ReLU(), Linear(4, 2, random: random)])
    }

    func testSafetensorsRoundTripThroughNumPyAndBack() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let source = model(1)
        _ = source.forward(GradientCheck.randomTensor([5, 3], seed: 2))  // moves the running statistics
        let normalisation = try NumPyArray([0.5, 2.0], shape: [2])
        try Checkpoint.save(source, extra: [SafeTensors.Entry("latent_mean", normalisation)], metadata: ["epoch": "3"], to: dir.file("a.safetensors"))
        let output = try Python.run("""
            import json, struct, sys, numpy as np
            raw = open(sys.argv[1], 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]
            header = json.loads(raw[8:8 + n])
            assert header['__metadata__'] == {'epoch': '3'}
            kinds = {'F32': '<f4', 'F64': '<f8'}
            arrays = {}
            for name, info in header.items():
                if name == '__metadata__': continue
                a, b = info['data_offsets']
                arrays[name] = np.frombuffer(raw[8 + n + a: 8 + n + b], dtype=kinds[info['dtype']]).reshape(info['shape'])
            print(' '.join(sorted(arrays)))
            print('%.6f %.6f' % (arrays['0.weight'][1, 2], arrays['1.running_mean'][3]))
            # Write a new file with doubled weights, as another program would.
            out = {'__metadata__': {'from': 'numpy'}}
            blobs = []; offset = 0
            for name in sorted(arrays):
                data = (arrays[name] * 2).astype(arrays[name].dtype).tobytes()
                out[name] = {'dtype': [k for k, v in kinds.items() if v == arrays[name].dtype.str][0], 'shape': list(arrays[name].shape), 'data_offsets': [offset, offset + len(data)]}
                blobs.append(data); offset += len(data)
            h = json.dumps(out).encode()
            open(sys.argv[2], 'wb').write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
            """, [dir.file("a.safetensors").path, dir.file("b.safetensors").path])
        // The reference reader, where installed (it is on PyPI, not in Debian, so CI may lack it).
        let official = try Python.run("""
            import sys
            try:
                from safetensors.numpy import load_file
            except ImportError:
                print('absent'); sys.exit(0)
            tensors = load_file(sys.argv[1])
            print('%.6f' % tensors['0.weight'][1, 2])
            """, [dir.file("a.safetensors").path]).trimmingCharacters(in: .whitespacesAndNewlines)
        if official != "absent" {
            XCTAssertEqual(Double(official) ?? .nan, Double(source.layers[0].parameters[0].value.data[5]), accuracy: 1e-6)
        }
        let lines = output.split(separator: "\n")
        XCTAssertEqual(lines[0], "0.bias 0.weight 1.bias 1.running_mean 1.running_var 1.weight 3.bias 3.weight latent_mean")
        let values = lines[1].split(separator: " ").compactMap { Double($0) }
        XCTAssertEqual(values[0], Double(source.layers[0].parameters[0].value.data[1 * 3 + 2]), accuracy: 1e-6)
        XCTAssertEqual(values[1], Double((source.layers[1] as! BatchNorm).runningMean.value.data[3]), accuracy: 1e-6)

        let target = model(2)
        let (extra, metadata) = try Checkpoint.load(target, from: dir.file("b.safetensors"))
        XCTAssertEqual(metadata, ["from": "numpy"])
        XCTAssertEqual(try extra.first { $0.name == "latent_mean" }?.array.elements(as: Double.self), [1, 4])
        for ((name, original), (_, loaded)) in zip(source.state, target.state) {
            XCTAssertEqual(loaded.value.data, original.value.data.map { $0 * 2 }, name)
        }
    }

    func testLoadingIntoADifferentShapeIsAClearError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Checkpoint.save(model(1), to: dir.file("m.safetensors"))
        let random = RandomStream(seed: 3, stage: "other")
        let other = Sequential([Linear(3, 5, random: random), BatchNorm(5), ReLU(), Linear(5, 2, random: random)])
        let before = other.state.map(\.tensor.value)
        XCTAssertThrowsError(try Checkpoint.load(other, from: dir.file("m.safetensors"))) { error in
            XCTAssertTrue("\(error)".contains("tensor '0.weight' has shape [4, 3] in the checkpoint but [5, 3] in the model"), "\(error)")
        }
        XCTAssertEqual(other.state.map(\.tensor.value), before, "a failed load changes nothing")
        let smaller = Sequential([Linear(3, 4, random: random)])
        XCTAssertNoThrow(try Checkpoint.load(smaller, from: dir.file("m.safetensors")), "extra tensors in the file are returned, not an error")
        try Data([1, 2, 3]).write(to: dir.file("bad.safetensors"))
        XCTAssertThrowsError(try Checkpoint.load(smaller, from: dir.file("bad.safetensors"))) { error in
            XCTAssertTrue("\(error)".contains("truncated"))
        }
    }
}
