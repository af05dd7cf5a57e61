import Execution
import Learning
@testable import MacroSDE
import Random
import XCTest

/// Rollouts in fixed chunks of `Rollout.chunk` trajectories: the same bytes whatever the thread
/// count, whatever number of trajectories follows a whole chunk, and for a share of whole chunks
/// rolled out alone (as MPI ranks do).
final class RolloutChunkTests: XCTestCase {
    /// A conditioned model with state-dependent drift and diffusion, so that every step runs the networks.
    let model = SDEModel(dimension: 2, controls: ControlParameters(names: ["temperature"], mean: [2], scale: [0.5]), mode: .diagonal,
                         hidden: [8, 8], random: RandomStream(seed: 11, stage: "m"))

    /// N starts and one control value per trajectory, none alike.
    func starts(_ count: Int) -> (initial: Tensor, controls: [Double]) {
        let random = RandomStream(seed: 12, stage: "starts")
        return (Tensor(shape: [count, 2], data: (0..<(2 * count)).map { _ in Float(random.gaussian(sigma: 0.5)) }),
                (0..<count).map { 1.8 + 0.01 * Double($0) })
    }

    func rollout(_ count: Int, trajectories: Range<Int>? = nil) -> Rollout.Result {
        let (initial, controls) = starts(count)
        return Rollout.run(model, initial: initial, controls: controls, steps: 30, dt: 0.05, substeps: 2, seed: 7, trajectories: trajectories)
    }

    func testThreadCountChangesNoByte() {
        defer { ThreadCount.set(0) }
        let count = 3 * Rollout.chunk + 5
        let results = [1, 2, 3].map { threads -> Rollout.Result in
            ThreadCount.set(threads)
            return rollout(count)
        }
        XCTAssertEqual(results[0].trajectories.shape, [count, 31, 2])
        XCTAssertTrue(results[0].trajectories.data.allSatisfy(\.isFinite))
        for result in results.dropFirst() { XCTAssertEqual(result.trajectories.data, results[0].trajectories.data) }
    }

    /// Trajectory j's path depends on its chunk alone: the first k·C of a larger set are the bytes of
    /// k·C rolled out alone, and a range of whole chunks rolled out by itself is that range of the whole.
    func testWholeChunksAreTheSameBytesWhateverFollowsThem() {
        let whole = rollout(3 * Rollout.chunk + 5), row = 31 * 2
        let firstTwo = rollout(2 * Rollout.chunk)
        XCTAssertEqual(firstTwo.trajectories.data, Array(whole.trajectories.data[0..<(2 * Rollout.chunk * row)]))
        let share = rollout(3 * Rollout.chunk + 5, trajectories: Rollout.chunk..<(3 * Rollout.chunk + 5))
        XCTAssertEqual(share.trajectories.shape, [2 * Rollout.chunk + 5, 31, 2])
        XCTAssertEqual(share.trajectories.data, Array(whole.trajectories.data[(Rollout.chunk * row)...]))
        let none = rollout(3 * Rollout.chunk + 5, trajectories: 0..<0)
        XCTAssertEqual(none.trajectories.shape, [0, 31, 2])
    }

    /// Zero drift and σ = 1: each recorded value is the previous one plus √h ξ, ξ drawn from
    /// trajectory j's own stream (seed, "rollout", j) — also for a trajectory of a later chunk — and
    /// counts of runaways add over the chunks.
    func testEveryChunkDrawsItsTrajectoriesOwnNoise() {
        let brownian = SDEModel(dimension: 2, mode: .constantDiagonal, hidden: [4], random: RandomStream(seed: 5, stage: "m"))
        for parameter in brownian.drift.parameters { parameter.value = Tensor(zeros: parameter.value.shape) }
        let count = 2 * Rollout.chunk + 3, h = 0.01
        var starts = [Float](repeating: 0, count: 2 * count)
        starts[2 * 1] = .nan
        starts[2 * (Rollout.chunk + 4)] = .infinity
        let result = Rollout.run(brownian, initial: Tensor(shape: [count, 2], data: starts), steps: 10, dt: h, seed: 3)
        XCTAssertEqual(result.nonFinite, 2, "one in each of the first two chunks")
        for j in [0, Rollout.chunk + 1, 2 * Rollout.chunk + 2] {
            let stream = RandomStream(seed: 3, stage: "rollout", index: UInt64(j))
            var state: [Float] = [0, 0]
            for step in 1...10 {
                let noise = [stream.gaussian(), stream.gaussian()]
                state = (0..<2).map { Float(Double(state[$0]) + h.squareRoot() * noise[$0]) }
                XCTAssertEqual(Array(result.trajectories.data[((j * 11 + step) * 2)..<((j * 11 + step) * 2 + 2)]), state, "trajectory \(j), step \(step)")
            }
        }
    }
}
