import ArgumentParser
import Artifacts
import Dispatch
import Foundation
import Learning
import Linalg
import MacroSDE
import Random

/// `macroscale bench learn`: training-step throughput of the reference networks (Docs/METHOD.md §3).
struct BenchLearn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Training steps/s, samples/s and GFLOP/s of the Ising and predator–prey autoencoders and the SDE networks (with mean-squared-error losses and with the λ-scaled likelihood).",
        discussion: """
            Each step is forward, loss, backward and an AdamW update. GFLOP/s counts the matrix products \
            (2mnk each); "in GEMM" is their share of the step and their own rate. The single-thread sgemm \
            reference is a 1024³ product. Build with -c release.
            """)

    @Option(help: "Approximate seconds per measurement.")
    var seconds = 3.0

    @Option(help: "OpenBLAS threads (default: every core).")
    var threads: Int?

    @Option(help: "Run only the measurements whose label contains this text.")
    var only: String?

    func run() throws {
        BLASLibrary.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        AllocationPolicy.reuseLargeAllocations()
        let random = RandomStream(seed: 1, stage: "bench-learn")
        print("OpenBLAS threads: \(BLASLibrary.threads)")
        print(BenchLearn.sgemmReference())

        // (a) Ising closure autoencoder, L = 64, L_s = 16 (K = 16 patches), batch 512.
        let encoder = Architectures.convolutionalEncoder(size: 16, channels: [32, 64, 128], outputs: 2, random: random)
        let average = PatchAverage(groupSize: 16)
        let decoder = Architectures.convolutionalDecoder(inputs: 4, channels: [128, 64, 32, 16], random: random)
        let patches = randomSpins([512 * 16, 1, 16, 16], random: random)
        let images = randomSpins([512, 1, 64, 64], random: random)
        let observables = Tensor(zeros: [512, 2])
        let isingOptimizer = Adam(encoder.parameters + decoder.parameters, learningRate: 2e-4, weightDecay: .decoupled(0), amsgrad: true)
        measure("Ising autoencoder 64², patches 16², batch 512", batch: 512) {
            isingOptimizer.zeroGradients()
            let closure = average.forward(encoder.forward(patches))
            let latent = Tensor.concatenatingColumns(observables, closure)
            let (_, gradient) = Loss.binaryCrossEntropy(decoder.forward(latent), images)
            let latentGradient = decoder.backward(gradient)
            _ = encoder.backward(average.backward(latentGradient.columns(from: 2)))
            isingOptimizer.step()
        }

        // (b) SDE networks, n_z = 4, batch 1024: drift 4→64→64→64→4, diffusion 4→64→64→64→16.
        let drift = Architectures.multilayerPerceptron([4, 64, 64, 64, 4], random: random)
        let diffusion = Architectures.multilayerPerceptron([4, 64, 64, 64, 16], random: random)
        let z = randomNormal([1024, 4], random: random)
        let sdeOptimizer = Adam(drift.parameters + diffusion.parameters, learningRate: 1e-3, weightDecay: .decoupled(0), amsgrad: true)
        measure("SDE drift + diffusion MLPs, n_z = 4, batch 1024", batch: 1024) {
            sdeOptimizer.zeroGradients()
            let (_, driftGradient) = Loss.meanSquaredError(drift.forward(z), z)
            _ = drift.backward(driftGradient)
            let sigma = diffusion.forward(z)
            _ = diffusion.backward(Loss.meanSquaredError(sigma, Tensor(zeros: sigma.shape)).gradient)
            sdeOptimizer.step()
        }

        // (b') The same networks trained on what train-sde minimises: the λ-scaled Gaussian
        // likelihood of pairs (z, z'), full σ (Docs/METHOD.md §2 item 5), λ = 16, δt = 0.01.
        let sde = SDEModel(dimension: 4, mode: .arbitrary, random: random)
        let next = Tensor(shape: [1024, 4], data: zip(z.data, randomNormal([1024, 4], random: random).data).map { $0 + 0.1 * $1 })
        let pairs = PairBatch(start: z, next: next, dt: [Double](repeating: 0.01, count: 1024))
        let likelihood = GaussianLikelihood(lambda: 16)
        let likelihoodOptimizer = Adam(sde.parameters, learningRate: 1e-3, weightDecay: .decoupled(0), amsgrad: true)
        try measure("SDE λ-likelihood step, full σ, n_z = 4, batch 1024", batch: 1024) {
            likelihoodOptimizer.zeroGradients()
            _ = try likelihood.loss(sde, pairs, backward: true)
            likelihoodOptimizer.step()
        }

        // (c) Predator–prey autoencoder, n = 200, K = 5 patches of 40 per species, batch 256.
        let patchEncoder = Architectures.multilayerPerceptron([40, 32, 32, 1], random: random)
        let speciesAverage = PatchAverage(groupSize: 5)
        let fieldDecoder = Architectures.multilayerPerceptron([4, 32, 32, 400], random: random)
        let fieldPatches = randomNormal([256 * 2 * 5, 40], random: random)
        let fields = randomNormal([256, 400], random: random)
        let ppOptimizer = Adam(patchEncoder.parameters + fieldDecoder.parameters, learningRate: 1e-4, weightDecay: .decoupled(1e-4))
        measure("predator–prey autoencoder, batch 256", batch: 256) {
            ppOptimizer.zeroGradients()
            // [256·2·5, 1] → average over the 5 patches → [256·2, 1] → [256, 2] closure variables.
            let closure = speciesAverage.forward(patchEncoder.forward(fieldPatches)).reshaped([256, 2])
            let latent = Tensor.concatenatingColumns(Tensor(zeros: [256, 2]), closure)
            let (_, gradient) = Loss.meanSquaredError(fieldDecoder.forward(latent), fields)
            let closureGradient = fieldDecoder.backward(gradient).columns(from: 2).reshaped([512, 1])
            _ = patchEncoder.backward(speciesAverage.backward(closureGradient))
            ppOptimizer.step()
        }
    }

    /// Runs `step` repeatedly for about `seconds` and prints steps/s, samples/s, GFLOP/s and the
    /// peak resident memory from the warm-up step on (the networks and data are already resident).
    private func measure(_ label: String, batch: Int, _ step: () throws -> Void) rethrows {
        if let only, !label.contains(only) { return }
        PeakMemory.reset()
        try step() // warm-up
        MatrixProducts.resetCounters()
        let start = DispatchTime.now().uptimeNanoseconds
        var steps = 0, elapsed = 0.0
        repeat {
            try step()
            steps += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < seconds
        let gflops = Double(MatrixProducts.flops) / 1e9
        print("\(label)\n  \(String(format: "%.3g", Double(steps) / elapsed)) steps/s, \(String(format: "%.4g", Double(steps * batch) / elapsed)) samples/s, "
              + "\(String(format: "%.3g", gflops / elapsed)) GFLOP/s overall; in GEMM \(String(format: "%.0f", 100 * MatrixProducts.seconds / elapsed))% of the time at \(String(format: "%.3g", gflops / max(MatrixProducts.seconds, 1e-9))) GFLOP/s; \(PeakMemory.text)")
    }

    /// Single-thread sgemm throughput on a 1024³ product, the yardstick for the layers' GEMMs.
    static func sgemmReference() -> String {
        let saved = BLASLibrary.threads
        BLASLibrary.threads = 1
        defer { BLASLibrary.threads = saved }
        let n = 1024
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                matrixMultiply(pa, pb, into: pc, m: n, n: n, k: n)
            } } }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return "single-thread sgemm 1024³: \(String(format: "%.3g", 2 * pow(Double(n), 3) / best / 1e9)) GFLOP/s"
    }
}

/// ±1 values with equal probability.
private func randomSpins(_ shape: [Int], random: RandomStream) -> Tensor {
    Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in random.uniform() < 0.5 ? 0 : 1 })
}

private func randomNormal(_ shape: [Int], random: RandomStream) -> Tensor {
    Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(random.gaussian()) })
}
