import Execution
import Foundation
import Learning
import Linalg
import Random

/// Euler–Maruyama rollouts of an `SDEModel`: z_{k+1} = z_k + b(z_k) Δt + σ(z_k) √Δt ξ_k.
///
/// The trajectories advance in fixed chunks of `chunk` consecutive ones (trajectory j in chunk
/// ⌊j/C⌋, the last chunk shorter), each chunk through all steps on its own — one network
/// evaluation per step for its [≤ C, n_z] batch, on a copy of the model and one OpenBLAS thread
/// — and the chunks in parallel over the worker threads (`parallelMap`). Trajectory j draws its
/// noise from stream (seed, "rollout", j). Its path therefore depends on the seed, its index, and
/// its chunk — the starts and controls of trajectories ⌊j/C⌋·C ..< min(⌊j/C⌋·C + C, N) of the N
/// rolled out, whose number sets the shape of the networks' matrix products and so their rounding
/// — and on nothing else: not the thread count, nor how many other chunks run. The first k·C
/// trajectories of a larger set are the bytes of a rollout of those k·C alone, and a share of
/// whole chunks rolled out by itself (`trajectories`, as MPI ranks do) is that share of the whole.
/// A trajectory that becomes non-finite, or leaves `bounds` (a model running away where it was
/// never trained), is frozen at NaN from then on and counted, never averaged silently.
public enum Rollout {
    /// C, the number of consecutive trajectories advanced together: large enough for the networks'
    /// matrix products to be efficient, small enough for 160 trajectories to keep 5 workers busy.
    public static let chunk = 32

    public struct Result {
        /// [trajectories, steps + 1, n_z], the initial state first.
        public var trajectories: Tensor
        /// Trajectories that became NaN or infinite.
        public var nonFinite: Int
        /// Trajectories that left the bounds (and stayed finite).
        public var escaped: Int

        public init(trajectories: Tensor, nonFinite: Int, escaped: Int) {
            self.trajectories = trajectories
            self.nonFinite = nonFinite
            self.escaped = escaped
        }
    }

    /// `steps` recorded steps of length `dt` (model time units) from the rows of `initial` in
    /// `trajectories` (all by default; a sub-range must start at a multiple of `chunk`), each
    /// step taken as `substeps` Euler–Maruyama steps of dt / substeps; a conditioned model runs
    /// trajectory j at the physical control values in row j of `controls` (flattened; empty
    /// without controls). The result holds the trajectories of the range, in order.
    public static func run(_ model: SDEModel, initial: Tensor, controls: [Double] = [], steps: Int, dt: Double, substeps: Int = 1,
                           bounds: SDECheckpoint.LatentRange? = nil, seed: UInt64, trajectories: Range<Int>? = nil) -> Result {
        precondition(substeps >= 1, "rollout: at least one substep")
        let n = model.dimension, count = initial.batch, width = model.controls?.count ?? 0
        precondition(initial.itemCount == n, "rollout: initial states have \(initial.itemCount) components, the model \(n)")
        precondition(controls.count == count * width, "rollout: one row of the model's control values per trajectory")
        let rows = trajectories ?? 0..<count
        precondition(rows.lowerBound % chunk == 0 && (rows.upperBound % chunk == 0 || rows.upperBound == count) && rows.clamped(to: 0..<count) == rows,
                     "rollout: trajectories \(rows) are not whole chunks of 0..<\(count) from a multiple of \(chunk)")
        let chunks = Swift.stride(from: rows.lowerBound, to: rows.upperBound, by: chunk).map { $0..<min($0 + chunk, count) }
        let results = BLASLibrary.withSingleThread {
            parallelMap(chunks.count) { c in
                let members = chunks[c]
                return advance(model.replica(), initial: Tensor(shape: [members.count, n], data: Array(initial.data[(members.lowerBound * n)..<(members.upperBound * n)])),
                               controls: Array(controls[(members.lowerBound * width)..<(members.upperBound * width)]), first: members.lowerBound,
                               steps: steps, dt: dt, substeps: substeps, bounds: bounds, seed: seed)
            }
        }
        return Result(trajectories: Tensor(shape: [rows.count, steps + 1, n], data: results.flatMap(\.trajectories.data)),
                      nonFinite: results.reduce(0) { $0 + $1.nonFinite }, escaped: results.reduce(0) { $0 + $1.escaped })
    }

    /// One chunk's rollouts, all its trajectories advanced together: row j is trajectory `first` + j.
    private static func advance(_ model: SDEModel, initial: Tensor, controls: [Double], first: Int, steps: Int, dt: Double, substeps: Int,
                                bounds: SDECheckpoint.LatentRange?, seed: UInt64) -> Result {
        let n = model.dimension, count = initial.batch
        let streams = (0..<count).map { RandomStream(seed: seed, stage: "rollout", index: UInt64(first + $0)) }
        var output = Tensor(zeros: [count, steps + 1, n])
        var state = initial
        var alive = [Bool](repeating: true, count: count)
        var escaped = 0
        func store(_ step: Int) {
            for j in 0..<count {
                for i in 0..<n { output.data[(j * (steps + 1) + step) * n + i] = alive[j] ? state.data[j * n + i] : .nan }
            }
        }
        store(0)
        let h = dt / Double(substeps), root = h.squareRoot()
        /// One Euler–Maruyama step of length h for every live trajectory.
        func step() {
            let drift = model.driftValues(state, controls: controls), sigma = model.diffusionMatrices(state, controls: controls)
            for j in 0..<count where alive[j] {
                let noise = (0..<n).map { _ in streams[j].gaussian() }
                var finite = true
                var next = [Float](repeating: 0, count: n)
                for i in 0..<n {
                    var value = Double(state.data[j * n + i]) + Double(drift.data[j * n + i]) * h
                    for k in 0..<n { value += Double(sigma.data[j * n * n + i * n + k]) * root * noise[k] }
                    next[i] = Float(value)
                    finite = finite && next[i].isFinite
                }
                let inside = bounds.map { b in (0..<n).allSatisfy { b.lower[$0] <= Double(next[$0]) && Double(next[$0]) <= b.upper[$0] } } ?? true
                if finite && inside {
                    for i in 0..<n { state.data[j * n + i] = next[i] }
                } else {
                    if finite { escaped += 1 }
                    alive[j] = false
                    for i in 0..<n { state.data[j * n + i] = 0 } // keeps the network's inputs finite
                }
            }
        }
        for recorded in Swift.stride(from: 1, through: steps, by: 1) {
            for _ in 0..<substeps { step() }
            store(recorded)
        }
        return Result(trajectories: output, nonFinite: alive.filter { !$0 }.count - escaped, escaped: escaped)
    }
}

extension SDEModel {
    /// A model with this one's architecture and weights whose layers keep their own forward state:
    /// one per worker, as layers remember their last input.
    fileprivate func replica() -> SDEModel {
        let widths = drift.layers.compactMap { ($0 as? Linear)?.weight.value.shape[0] }
        let copy = SDEModel(dimension: dimension, controls: controls, mode: mode, hidden: Array(widths.dropLast()), random: RandomStream(seed: 0, stage: "replica"))
        precondition(copy.state.count == state.count, "rollout: the model's replica has other parameters than the model")
        for (target, source) in zip(copy.state, state) {
            precondition(target.name == source.name && target.tensor.value.shape == source.tensor.value.shape, "rollout: the model's replica differs from it")
            target.tensor.value = source.tensor.value
        }
        return copy
    }
}
