import Artifacts
import Foundation
import Linalg

/// The NNK barrier network of Xing et al. (Nat. Commun. 15, 3879 (2024)), loaded from the `.npz`
/// file whose path the user gives (Docs/SYSTEMS.md, *NbMoTa alloy*).
///
/// Layout of the file (float32 arrays, `weight` as [in, out] so that y = x·W + b): four hidden
/// blocks `hidden{0…3}` of [x·W + b → BatchNorm in eval mode (eps 10⁻⁵; `bn_gamma`, `bn_beta`,
/// `bn_running_mean`, `bn_running_var`) → ReLU], 729 → 128 → 128 → 128 → 128, then `output`
/// (128 → 1), the barrier in eV. Each BatchNorm is folded into its linear layer when the file is
/// read: y = x·(W s) + (b − μ) s + β with s = γ/√(σ² + eps).
///
/// The inputs are the 729 voxels of `NNKEnvironment`, of which only the 113 sites inside the cutoff
/// can be non-zero, so the first layer only needs the 113 rows of W of the sphere's inputs, gathered
/// when the file is read. The hops of a `BarrierBatch` are evaluated together: the [8B, 113] rows of
/// their sphere inputs (each vacancy's 113 codes, permuted per direction) go through every layer
/// as one matrix product, Wᵀ [128, 113 or 128] times [·, 8B] (OpenBLAS through `Linalg`), the
/// activations feature-major and held by the batch.
public struct NNKBarrierModel: HopBarrierModel {
    /// Units of every hidden layer.
    public static let width = 128
    /// The BatchNorm epsilon of the reference network.
    public static let batchNormEpsilon: Float = 1e-5

    /// Folded weights of the first layer, [729, 128] row-major.
    let inputWeights: [Float]
    let inputBias: [Float]
    /// The rows of `inputWeights` of the sphere's inputs, [113, 128] row-major.
    let sphereWeights: [Float]
    /// Folded weights of the three deeper hidden layers, each [128, 128] row-major.
    let hiddenWeights: [[Float]]
    let hiddenBiases: [[Float]]
    let outputWeights: [Float]
    let outputBias: Float
    let environment = NNKEnvironment()

    /// Reads the network from the `.npz` file at `url`.
    public init(contentsOf url: URL) throws {
        try self.init(archive: NPZArchive.read(url), source: url.path)
    }

    /// Reads the network from an archive with the layout above; `source` names it in errors.
    public init(archive: NPZArchive, source: String) throws {
        func layer(_ name: String, inputs: Int) throws -> (weights: [Float], bias: [Float]) {
            let width = NNKBarrierModel.width
            let weights = try NNKBarrierModel.floats(archive, "\(name).weight", shape: [inputs, width], source: source)
            let bias = try NNKBarrierModel.floats(archive, "\(name).bias", shape: [width], source: source)
            let gamma = try NNKBarrierModel.floats(archive, "\(name).bn_gamma", shape: [width], source: source)
            let beta = try NNKBarrierModel.floats(archive, "\(name).bn_beta", shape: [width], source: source)
            let mean = try NNKBarrierModel.floats(archive, "\(name).bn_running_mean", shape: [width], source: source)
            let variance = try NNKBarrierModel.floats(archive, "\(name).bn_running_var", shape: [width], source: source)
            guard variance.allSatisfy({ $0 >= 0 }) else {
                throw ArtifactError(source, "\(name).bn_running_var has a negative variance")
            }
            let scale = (0..<width).map { gamma[$0] / (variance[$0] + NNKBarrierModel.batchNormEpsilon).squareRoot() }
            let folded = weights.indices.map { weights[$0] * scale[$0 % width] }
            let shift = (0..<width).map { (bias[$0] - mean[$0]) * scale[$0] + beta[$0] }
            return (folded, shift)
        }
        let first = try layer("hidden0", inputs: NNKEnvironment.inputCount)
        let deeper = try (1...3).map { try layer("hidden\($0)", inputs: NNKBarrierModel.width) }
        inputWeights = first.weights
        inputBias = first.bias
        let width = NNKBarrierModel.width
        sphereWeights = NNKEnvironment().inputs.flatMap { first.weights[($0 * width)..<(($0 + 1) * width)] }
        hiddenWeights = deeper.map(\.weights)
        hiddenBiases = deeper.map(\.bias)
        outputWeights = try NNKBarrierModel.floats(archive, "output.weight", shape: [NNKBarrierModel.width, 1], source: source)
        outputBias = try NNKBarrierModel.floats(archive, "output.bias", shape: [1], source: source)[0]
    }

    /// The float32 array `name` of the archive, checked for its shape and for finite values.
    private static func floats(_ archive: NPZArchive, _ name: String, shape: [Int], source: String) throws -> [Float] {
        let array = try archive.array(name, in: source)
        guard array.shape == shape else {
            throw ArtifactError(source, "\(name) has shape \(NumPyArray.describe(array.shape)), expected \(NumPyArray.describe(shape))")
        }
        guard array.dtype == .float32 else {
            throw ArtifactError(source, "\(name) holds \(array.dtype.numpyName), expected float32")
        }
        let values = try array.elements(as: Float.self)
        guard values.allSatisfy(\.isFinite) else { throw ArtifactError(source, "\(name) holds a value that is not finite") }
        return values
    }

    /// The cube reaches ±4 voxels along each axis, but only the sites within the cutoff are read.
    public var reachSquared: Int { 21 }

    /// Taken as 3 eV: a network has no bound of its own, and barriers of NbMoTa lie well below it.
    public var highestBarrier: Double { 3 }

    /// 32 chains, 256 hops per product: as fast per hop as 64 (`macroscale bench simulate`).
    public var lockstepChains: Int { 32 }

    /// Reads the vacancy's 113 codes and appends the eight rows of its hops' sphere inputs (the
    /// codes permuted per direction) to the batch; the barriers follow in `evaluate`.
    public func addVacancy(at vacancy: Int, on lattice: BCCLattice, occupation: [Int8], to batch: BarrierBatch) {
        let origin = lattice.voxel(of: vacancy)
        let sites = environment.offsets.count
        if batch.codes.count < sites { batch.codes = [Float](repeating: 0, count: sites) }
        batch.codes.withUnsafeMutableBufferPointer { codes in
            for (m, p) in environment.offsets.enumerated() {
                codes[m] = Float(occupation[lattice.site(from: origin, offset: p.x, p.y, p.z)])
            }
        }
        let first = batch.inputs.count
        batch.inputs.append(contentsOf: repeatElement(0, count: 8 * sites))
        batch.inputs.withUnsafeMutableBufferPointer { inputs in
            batch.codes.withUnsafeBufferPointer { codes in
                environment.sources.withUnsafeBufferPointer { sources in
                    for k in 0..<(8 * sites) { inputs[first + k] = codes[sources[k]] }
                }
            }
        }
        var open = SIMD8<Double>(repeating: .infinity)
        for direction in 0..<8 {
            let d = BCCLattice.offset(ofDirection: direction)
            if occupation[lattice.site(from: origin, offset: d.x, d.y, d.z)] != AlloySpecies.vacancy.rawValue { open[direction] = 0 }
        }
        batch.barriers.append(open)
    }

    /// All the batch's hops through the network together: one product per layer, [128, 113 or 128]
    /// by [·, 8 × vacancies].
    public func evaluate(_ batch: BarrierBatch) {
        let hops = 8 * batch.count
        guard hops > 0 else { return }
        forward(batch, inputs: environment.offsets.count, firstWeights: sphereWeights, hops: hops)
        batch.layer.withUnsafeBufferPointer { barriers in
            for v in 0..<batch.count {
                for direction in 0..<8 where batch.barriers[v][direction] == 0 {
                    batch.barriers[v][direction] = Double(barriers[8 * v + direction])
                }
            }
        }
    }

    /// The barrier (eV) the network gives for `inputs`, the 729 voxels of one hop's environment in
    /// the hop's frame (`NNKEnvironment`): the reference featurisation, evaluated densely.
    public func barrier(forInputs inputs: [Float]) -> Double {
        precondition(inputs.count == NNKEnvironment.inputCount, "the network takes \(NNKEnvironment.inputCount) inputs, got \(inputs.count)")
        let batch = BarrierBatch()
        batch.inputs = inputs
        forward(batch, inputs: inputs.count, firstWeights: inputWeights, hops: 1)
        return Double(batch.layer[0])
    }

    /// The barriers of the `hops` rows of `batch.inputs` (`inputs` values each), with
    /// `firstWeights` the first layer's rows for those inputs, left in the first `hops` values of
    /// `batch.layer`. Activations are feature-major, [128, hops].
    private func forward(_ batch: BarrierBatch, inputs: Int, firstWeights: [Float], hops: Int) {
        let width = NNKBarrierModel.width
        if batch.layer.count < width * hops {
            batch.layer = [Float](repeating: 0, count: width * hops)
            batch.nextLayer = batch.layer
        }
        batch.inputs.withUnsafeBufferPointer { rows in
            batch.layer.withUnsafeMutableBufferPointer { out in
                NNKBarrierModel.denseReLU(rows, rowsOfHops: true, inputs: inputs, hops: hops, weights: firstWeights, bias: inputBias, into: out)
            }
        }
        for (weights, bias) in zip(hiddenWeights, hiddenBiases) {
            swap(&batch.layer, &batch.nextLayer)
            batch.nextLayer.withUnsafeBufferPointer { previous in
                batch.layer.withUnsafeMutableBufferPointer { out in
                    NNKBarrierModel.denseReLU(previous, rowsOfHops: false, inputs: width, hops: hops, weights: weights, bias: bias, into: out)
                }
            }
        }
        // The output unit, summed over the features in order for every hop at once (row by row,
        // so that the loop over hops vectorises).
        batch.layer.withUnsafeMutableBufferPointer { activations in
            let barriers = activations.baseAddress!
            let first = outputWeights[0]
            for r in 0..<hops { barriers[r] = outputBias + barriers[r] * first }
            for j in 1..<width {
                let row = barriers + j * hops, weight = outputWeights[j]
                for r in 0..<hops { barriers[r] += row[r] * weight }
            }
        }
    }

    /// ReLU(Wᵀx + b) into `out` ([128, hops], feature-major) for `hops` columns x of `inputs`
    /// features, W [inputs, 128] row-major; `input` holds x feature-major, [inputs, hops], or one
    /// row per hop, [hops, inputs], when `rowsOfHops`. Called from several `parallelFor` workers at
    /// once while OpenBLAS keeps its own threads, these products ran several times slower (Docs/SYSTEMS.md,
    /// *Performance*), so the stages hold OpenBLAS to one thread around their parallel loops
    /// (`BLASLibrary.withSingleThread`).
    private static func denseReLU(_ input: UnsafeBufferPointer<Float>, rowsOfHops: Bool, inputs: Int, hops: Int, weights: [Float], bias: [Float],
                                  into out: UnsafeMutableBufferPointer<Float>) {
        let base = out.baseAddress!
        for j in 0..<width { (base + j * hops).update(repeating: bias[j], count: hops) }
        weights.withUnsafeBufferPointer { w in
            matrixMultiply(w, transposed: true, input, transposed: rowsOfHops, into: out, m: width, n: hops, k: inputs, beta: 1)
        }
        for i in 0..<(width * hops) { base[i] = max(base[i], 0) }
    }
}
