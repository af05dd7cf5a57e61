import Artifacts
import Foundation

/// The NNK barrier network of Xing et al. (Nat. Commun. 15, 3879 (2024)), loaded from the `.npz`
/// file whose path the user gives (Docs/ALLOY.md).
///
/// Layout of the file (float32 arrays, `weight` as [in, out] so that y = x·W + b): four hidden
/// blocks `hidden{0…3}` of [x·W + b → BatchNorm in eval mode (eps 10⁻⁵; `bn_gamma`, `bn_beta`,
/// `bn_running_mean`, `bn_running_var`) → ReLU], 729 → 128 → 128 → 128 → 128, then `output`
/// (128 → 1), the barrier in eV. Each BatchNorm is folded into its linear layer when the file is
/// read: y = x·(W s) + (b − μ) s + β with s = γ/√(σ² + eps).
///
/// The inputs are the 729 voxels of `NNKEnvironment`, of which only the 113 sites inside the cutoff
/// can be non-zero, so the first layer is a sum of at most 112 rows of W scaled by species codes.
/// The eight directions of a vacancy go through the deeper layers together.
public struct NNKBarrierModel: HopBarrierModel {
    /// Units of every hidden layer.
    public static let width = 128
    /// The BatchNorm epsilon of the reference network.
    public static let batchNormEpsilon: Float = 1e-5

    /// Folded weights of the first layer, [729, 128] row-major.
    let inputWeights: [Float]
    let inputBias: [Float]
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

    public func barriers(ofVacancyAt vacancy: Int, on lattice: BCCLattice, occupation: [Int8]) -> SIMD8<Double> {
        let origin = lattice.voxel(of: vacancy)
        let sites = environment.offsets.count
        let codes = environment.offsets.map { occupation[lattice.site(from: origin, offset: $0.x, $0.y, $0.z)] }
        var directions: [Int] = []
        for direction in 0..<8 {
            let d = BCCLattice.offset(ofDirection: direction)
            if occupation[lattice.site(from: origin, offset: d.x, d.y, d.z)] != AlloySpecies.vacancy.rawValue { directions.append(direction) }
        }
        var result = SIMD8<Double>(repeating: .infinity)
        guard !directions.isEmpty else { return result }
        let width = NNKBarrierModel.width, batch = directions.count
        var activations = [Float](repeating: 0, count: batch * width)
        // First layer: the bias plus, for every occupied site of the sphere, its code times its row of W.
        activations.withUnsafeMutableBufferPointer { rowsOut in
            inputWeights.withUnsafeBufferPointer { weights in
                environment.rows.withUnsafeBufferPointer { rows in
                    for (r, direction) in directions.enumerated() {
                        let out = r * width
                        for j in 0..<width { rowsOut[out + j] = inputBias[j] }
                        for m in 0..<sites where codes[m] != 0 {
                            let code = Float(codes[m]), row = rows[direction * sites + m] * width
                            for j in 0..<width { rowsOut[out + j] += code * weights[row + j] }
                        }
                        for j in 0..<width { rowsOut[out + j] = max(rowsOut[out + j], 0) }
                    }
                }
            }
        }
        for (r, barrier) in output(ofFirstLayer: activations, batch: batch).enumerated() { result[directions[r]] = barrier }
        return result
    }

    /// The barrier (eV) the network gives for `inputs`, the 729 voxels of one hop's environment in
    /// the hop's frame (`NNKEnvironment`): the reference featurisation, evaluated densely.
    public func barrier(forInputs inputs: [Float]) -> Double {
        precondition(inputs.count == NNKEnvironment.inputCount, "the network takes \(NNKEnvironment.inputCount) inputs, got \(inputs.count)")
        let width = NNKBarrierModel.width
        var activations = inputBias
        for (i, x) in inputs.enumerated() where x != 0 {
            for j in 0..<width { activations[j] += x * inputWeights[i * width + j] }
        }
        return output(ofFirstLayer: activations.map { max($0, 0) }, batch: 1)[0]
    }

    /// The barriers of `batch` environments from their first hidden layer's activations.
    private func output(ofFirstLayer first: [Float], batch: Int) -> [Double] {
        let width = NNKBarrierModel.width
        var activations = first
        for (weights, bias) in zip(hiddenWeights, hiddenBiases) {
            activations = NNKBarrierModel.denseReLU(activations, batch: batch, weights: weights, bias: bias)
        }
        return (0..<batch).map { r in
            var sum = outputBias
            for j in 0..<width { sum += activations[r * width + j] * outputWeights[j] }
            return Double(sum)
        }
    }

    /// ReLU(x·W + b) for `batch` rows of 128 inputs, W [128, 128] row-major: each row of W is read
    /// once for the whole batch.
    private static func denseReLU(_ input: [Float], batch: Int, weights: [Float], bias: [Float]) -> [Float] {
        let width = NNKBarrierModel.width
        var output = [Float](repeating: 0, count: batch * width)
        output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    for r in 0..<batch {
                        for j in 0..<width { out[r * width + j] = bias[j] }
                    }
                    for k in 0..<width {
                        let row = k * width
                        for r in 0..<batch {
                            let a = x[r * width + k], target = r * width
                            if a == 0 { continue }
                            for j in 0..<width { out[target + j] += a * w[row + j] }
                        }
                    }
                    for i in 0..<(batch * width) { out[i] = max(out[i], 0) }
                }
            }
        }
        return output
    }
}
