import Artifacts
import Foundation
import Learning
import Linalg
import MacroSDE

/// Latent pairs read for SDE learning: a pair file of an `encode` stage, or a file of the same
/// form made elsewhere.
///
/// The file holds `start` and `next` `[P, n_z]`, `dt` `[P]` (float32 or float64), optionally
/// `patches` (0-d, the number K of tiling patches), `varianceFactor` `[P]`, `controls` `[P, c]` and
/// `conditionalCovariance` `[P, n_z, n_z]`; every number is checked finite, every δt and variance
/// factor positive, K at least 1, every conditional covariance symmetric with a non-negative diagonal. A file in a
/// finished stage directory must be one of that stage's outputs with its recorded digest; from an
/// `encode` or `generator` manifest the pairs also carry their `LatentLineage`, whose control names must match the
/// file's `controls` columns. A file outside any stage has no lineage, so it cannot name controls and
/// must hold none.
public struct PairSource {
    /// The pair file.
    public let file: URL
    /// The file with its checksum, for the next stage's manifest.
    public let input: StageManifest.Input
    /// The pairs, checked.
    public let pairs: PairSet
    /// K, the number of tiling patches the pairs were estimated with (nil: not recorded).
    public let patches: Int?
    /// What the latents are, from the encode stage that wrote them (nil for a file outside a stage).
    public let lineage: LatentLineage?

    /// Reads and checks the pairs in `file`.
    public init(file: URL) throws {
        self.file = file
        let directory = file.deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent(StageManifest.fileName).path) {
            let manifest = try StageSource.finishedManifest(in: directory)
            input = StageSource.input(try StageSource.output([file.lastPathComponent], of: manifest, in: directory), of: manifest)
            lineage = [EncodeStage.name, GeneratorStage.name].contains(manifest.stage) ? try LatentLineage(encodedBy: manifest, in: directory) : nil
        } else {
            input = .init(path: file.path, sha256: try SHA256.hex(fileAt: file))
            lineage = nil
        }
        let archive = try NPZArchive.read(file)
        (pairs, patches) = try PairSource.read(archive, from: file.path)
        let named = lineage?.controls.count ?? 0
        guard pairs.controlCount == named else {
            throw ArtifactError(file.path, named == 0 && lineage == nil
                ? "holds controls but no encode manifest beside it names them; control parameters come from encode --control"
                : "holds \(pairs.controlCount) control value(s) per pair; its encode manifest names \(named) (\(lineage?.controls.joined(separator: ", ") ?? ""))")
        }
    }

    /// The pairs of `archive` and their K, checked; `path` names the file in errors.
    static func read(_ archive: NPZArchive, from path: String) throws -> (PairSet, Int?) {
        let start = try archive.array("start", in: path).doubleValues(), next = try archive.array("next", in: path).doubleValues()
        let startShape = try archive.array("start", in: path).shape, nextShape = try archive.array("next", in: path).shape
        let dt = try archive.array("dt", in: path).doubleValues()
        guard startShape.count == 2, startShape == nextShape, dt.count == startShape[0] else {
            throw ArtifactError(path, "pairs must be start [P, n_z], next [P, n_z], dt [P]; got \(NumPyArray.describe(startShape)), "
                                + "\(NumPyArray.describe(nextShape)), [\(dt.count)]")
        }
        guard startShape[0] >= 1, startShape[1] >= 1 else { throw ArtifactError(path, "holds no pairs") }
        guard start.allSatisfy(\.isFinite), next.allSatisfy(\.isFinite) else { throw ArtifactError(path, "start and next must be finite") }
        guard dt.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw ArtifactError(path, "every dt must be positive and finite") }
        var varianceFactor: [Double]?
        if archive.names.contains("varianceFactor") {
            let factors = try archive.array("varianceFactor", in: path).doubleValues()
            guard factors.count == dt.count, factors.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ArtifactError(path, "varianceFactor must hold one positive, finite number per pair")
            }
            varianceFactor = factors
        }
        var patches: Int?
        if archive.names.contains("patches") {
            let recorded = try archive.array("patches", in: path).doubleValues()
            guard recorded.count == 1, let k = recorded.first, k >= 1, k <= Double(Int32.max), k == k.rounded() else {
                throw ArtifactError(path, "patches must be one whole number K ≥ 1 (the tiling patches); got \(recorded)")
            }
            patches = Int(k)
        }
        var controls: [Double] = []
        if archive.names.contains("controls") {
            let array = try archive.array("controls", in: path)
            controls = array.doubleValues()
            guard array.shape.count == 2, array.shape[0] == dt.count, array.shape[1] >= 1, controls.allSatisfy(\.isFinite) else {
                throw ArtifactError(path, "controls must be [P, c] finite numbers with P = \(dt.count) pairs; got \(NumPyArray.describe(array.shape))")
            }
        }
        let conditionalCovariance = try archive.names.contains("conditionalCovariance")
            ? conditionalCovariances(try archive.array("conditionalCovariance", in: path), pairs: dt.count, dimension: startShape[1], path: path) : []
        let (startTensor, nextTensor) = (Tensor(shape: startShape, data: start.map(Float.init)), Tensor(shape: startShape, data: next.map(Float.init)))
        guard startTensor.data.allSatisfy(\.isFinite), nextTensor.data.allSatisfy(\.isFinite) else {
            throw ArtifactError(path, "start and next must lie within single precision (|z| < 3.4e38)")
        }
        return (PairSet(start: startTensor, next: nextTensor, dt: dt, varianceFactor: varianceFactor, controls: controls,
                        conditionalCovariance: conditionalCovariance), patches)
    }

    /// The conditional covariances in `array`, checked: shape [P, n_z, n_z], finite, symmetric to
    /// within 10⁻⁹ of the larger diagonal entry (then symmetrised), and positive semidefinite
    /// (C + 10⁻¹²·max C_ii·I has a Cholesky factor) — a covariance with a negative eigenvalue would
    /// let the likelihood fall without bound. The first failing pair is named.
    private static func conditionalCovariances(_ array: NumPyArray, pairs: Int, dimension n: Int, path: String) throws -> [Double] {
        guard array.shape == [pairs, n, n] else {
            throw ArtifactError(path, "conditionalCovariance must be [P, n_z, n_z] = [\(pairs), \(n), \(n)]; got \(NumPyArray.describe(array.shape))")
        }
        var values = array.doubleValues()
        for p in 0..<pairs {
            let offset = p * n * n
            let scale = (0..<n).map { values[offset + $0 * n + $0] }.max() ?? 0
            func refuse(_ what: String) -> ArtifactError {
                ArtifactError(path, "conditionalCovariance of pair \(p) \(what): \(Array(values[offset..<(offset + n * n)]))")
            }
            guard values[offset..<(offset + n * n)].allSatisfy(\.isFinite) else { throw refuse("is not finite") }
            for i in 0..<n {
                for j in 0..<i {
                    let (upper, lower) = (values[offset + j * n + i], values[offset + i * n + j])
                    guard abs(upper - lower) <= 1e-9 * scale else { throw refuse("is not symmetric") }
                    values[offset + j * n + i] = (upper + lower) / 2
                    values[offset + i * n + j] = (upper + lower) / 2
                }
            }
            let shifted = (0..<(n * n)).map { values[offset + $0] + ($0 % (n + 1) == 0 ? 1e-12 * scale + .leastNormalMagnitude : 0) }
            guard Cholesky(shifted, size: n) != nil else { throw refuse("is not positive semidefinite") }
        }
        return values
    }
}
