@testable import Closure
import Foundation
import Learning
import Random
import Systems
import XCTest

final class ClosureTests: XCTestCase {
    /// Rearranging a configuration's patches (a permutation of the K tiles) leaves the closure
    /// variables unchanged: the encoder sees each patch alone and averages.
    func testPerPatchAveragedEncoderIsInvariantToPermutingPatches() {
        let model = IsingModel(size: 16, temperature: 2.5, field: 0.1)
        let autoencoder = ClosureAutoencoder(system: model, patchShape: [8, 8], closureDimension: 2, random: RandomStream(seed: 1, stage: "ae"))
        autoencoder.isTraining = false
        let configuration = model.initialConfiguration(run: 0, random: RandomStream(seed: 2, stage: "x")).configuration
        let origins = Grid<Int8>.tilingOrigins(of: [16, 16], patchSize: [8, 8])
        var permuted = configuration
        for (target, source) in zip(origins, [origins[2], origins[0], origins[3], origins[1]]) {
            permuted.insert(configuration.patch(origin: source, size: [8, 8]), at: target)
        }
        XCTAssertNotEqual(permuted, configuration)
        let original = autoencoder.closure([configuration], on: model).data
        let rearranged = autoencoder.closure([permuted], on: model).data
        for (a, b) in zip(original, rearranged) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(a))) }

        // Predator–prey: per species, the K patches may be permuted; swapping species is not a symmetry.
        let pp = PredatorPreyModel(points: 30)
        let ppAutoencoder = ClosureAutoencoder(system: pp, patchShape: [10], closureDimension: 2, random: RandomStream(seed: 3, stage: "ae"))
        let fields = Grid<Float>(components: 2, spatialShape: [30], values: (0..<60).map { Float(sin(Double($0))) })
        var shuffled = fields
        for (target, source) in [(0, 20), (10, 0), (20, 10)] {
            shuffled.insert(fields.patch(origin: [source], size: [10]), at: [target])
        }
        let a = ppAutoencoder.closure([fields], on: pp).data, b = ppAutoencoder.closure([shuffled], on: pp).data
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-5 * max(1, abs(x))) }
    }

    func testTrainingReducesReconstructionLossAndNormalisationCentresLatents() {
        var model = PredatorPreyModel(points: 20)
        model.initialCondition = .training
        let random = RandomStream(seed: 4, stage: "data")
        var snapshots: [Grid<Float>] = []
        for run in 0..<16 {
            var configuration = model.initialConfiguration(run: run, random: random).configuration
            model.simulate(&configuration, steps: 40, random: random) { step, state, _ in
                if step % 4 == 0 { snapshots.append(state) }
            }
        }
        let autoencoder = ClosureAutoencoder(system: model, patchShape: [10], closureDimension: 2, random: RandomStream(seed: 5, stage: "ae"))
        let optimizer = Adam(autoencoder.parameters, learningRate: 3e-3)
        let first = autoencoder.step(snapshots, optimizer: nil)
        for _ in 0..<300 { autoencoder.step(snapshots, optimizer: optimizer) }
        let last = autoencoder.step(snapshots, optimizer: nil)
        XCTAssertLessThan(last, first / 5, "reconstruction loss \(first) → \(last)")

        autoencoder.fitNormalisation(snapshots)
        let latents = autoencoder.latent(of: snapshots, on: model)
        XCTAssertEqual(latents.shape, [snapshots.count, 4])
        for k in 0..<4 {
            let column = (0..<latents.batch).map { Double(latents.data[$0 * 4 + k]) }
            let mean = column.reduce(0, +) / Double(column.count)
            XCTAssertEqual(mean, 0, accuracy: 1e-4)
            XCTAssertEqual(column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count), 1, accuracy: 1e-3)
        }
        // A lone patch is encoded with the same map: its observables and its own closure.
        let patch = snapshots[0].patch(origin: [10], size: [10])
        let patchLatent = autoencoder.latent(of: [patch], on: model.resized(to: [10]))
        let meanU = Double(patch.values[0..<10].reduce(0, +)) / 10
        guard case .meanStd(let mean, let std) = autoencoder.normalization else { return XCTFail("predator–prey latents are standardised") }
        XCTAssertEqual(Double(patchLatent.data[0]), (meanU - Double(mean[0])) / Double(std[0]), accuracy: 1e-4)
    }

    /// Ising latents: magnetization as it is, ρ and the closure variables mapped onto [0, 1] by their range.
    func testIsingNormalisationKeepsMagnetizationAndMapsTheRestToTheUnitInterval() {
        let model = IsingModel(size: 8, temperature: 2.5, field: 0.1)
        let autoencoder = ClosureAutoencoder(system: model, patchShape: [4, 4], closureDimension: 2, random: RandomStream(seed: 6, stage: "ae"))
        let configurations = (0..<20).map { model.initialConfiguration(run: $0, random: RandomStream(seed: 7, stage: "c", index: UInt64($0))).configuration }
        autoencoder.fitNormalisation(configurations)
        let latents = autoencoder.latent(of: configurations, on: model)
        for (row, configuration) in configurations.enumerated() {
            XCTAssertEqual(Double(latents.data[row * 4]), model.observables(of: configuration)[0], accuracy: 1e-6)
        }
        for k in 1..<4 {
            let column = (0..<20).map { latents.data[$0 * 4 + k] }
            XCTAssertEqual(column.min()!, 0, accuracy: 1e-5)
            XCTAssertEqual(column.max()!, 1, accuracy: 1e-5)
        }
        guard case .minMax(let minimum, let range) = autoencoder.normalization else { return XCTFail("Ising latents are min–max normalised") }
        XCTAssertEqual([minimum[0], range[0]], [0, 1], "the magnetization is kept as it is")
        XCTAssertEqual(autoencoder.state.suffix(2).map(\.name), ["latent_min", "latent_range"], "saved under what they hold")
    }

    /// The training step's composite backward — decoder, the closure columns of the latent gradient,
    /// the patch average, the per-item encoder — against central differences of its loss, for the
    /// predator–prey MLPs (K = 2) and the Ising convolutions with batch norm (K = 4). A wrong patch
    /// average factor, column split or item order errs by a factor of K or more in the encoder.
    func testCompositeBackwardMatchesFiniteDifferences() {
        let pp = PredatorPreyModel(points: 20)
        let fields = (0..<6).map { run in pp.initialConfiguration(run: run, random: RandomStream(seed: 8, stage: "pp", index: UInt64(run))).configuration }
        checkCompositeGradient(ClosureAutoencoder(system: pp, patchShape: [10], closureDimension: 2, random: RandomStream(seed: 9, stage: "ae")), fields)

        let ising = IsingModel(size: 8, temperature: 2.5, field: 0.1)
        let spins = (0..<4).map { run in ising.initialConfiguration(run: run, random: RandomStream(seed: 10, stage: "ising", index: UInt64(run))).configuration }
        checkCompositeGradient(ClosureAutoencoder(system: ising, patchShape: [4, 4], closureDimension: 2, random: RandomStream(seed: 11, stage: "ae")), spins)
    }

    /// Compares the gradients g one training step leaves in the parameters (taken with a zero learning
    /// rate, so nothing moves) with central differences of the loss along two unit directions d in
    /// each parameter tensor — g/|g| (where the quotient must equal |g|) and a random one (g·d) — so
    /// that every entry contributes. Step h = 10⁻³: at initialisation (weights ~ N(0, 0.02)) the
    /// pre-activations are ~10⁻², so larger steps cross ReLU and max-pool kinks. Measured with
    /// these seeds: at most 7 % of |g| apart (Ising batch norm; predator–prey below 0.4 %); allowed
    /// 15 %, where a wrong patch-average factor or column split errs by 50 % or more.
    func checkCompositeGradient<System: ClosureSystem>(_ autoencoder: ClosureAutoencoder<System>, _ configurations: [Grid<System.Site>],
                                                      file: StaticString = #filePath, line: UInt = #line) {
        autoencoder.step(configurations, optimizer: Adam(autoencoder.parameters, learningRate: 0))
        let random = RandomStream(seed: 12, stage: "probe")
        let h = 1e-3
        for parameter in autoencoder.parameters {
            let gradient = parameter.gradient.data.map(Double.init)
            let norm = gradient.map { $0 * $0 }.reduce(0, +).squareRoot()
            guard norm > 0 else { continue }
            let randomDirection = gradient.map { _ in random.gaussian() }
            let randomNorm = randomDirection.map { $0 * $0 }.reduce(0, +).squareRoot()
            for direction in [gradient.map { $0 / norm }, randomDirection.map { $0 / randomNorm }] {
                let original = parameter.value.data
                func loss(along sign: Double) -> Double {
                    parameter.value.data = zip(original, direction).map { Float(Double($0) + sign * h * $1) }
                    return autoencoder.step(configurations, optimizer: nil)
                }
                let numeric = (loss(along: 1) - loss(along: -1)) / (2 * h)
                parameter.value.data = original
                let analytic = zip(gradient, direction).map(*).reduce(0, +)
                XCTAssertEqual(analytic, numeric, accuracy: 0.15 * norm + 1e-9,
                               "∂L/∂\(parameter.name) (\(parameter.value.count) entries) of \(System.identifier), |g| = \(norm)", file: file, line: line)
            }
        }
    }
}
