import Distributed
import Foundation
import Learning
import MacroSDE

extension Communicator {
    /// `rollout`'s trajectories 0..<`count`, the ranks sharing them in whole chunks of
    /// `Rollout.chunk` (`share(of:chunk:)`, `rollout` given a rank's share) and every rank given
    /// every trajectory, in order, with the counts of runaways summed: the bytes of one process,
    /// whatever the number of ranks (`Rollout`). A collective step.
    func sharedRollout(of count: Int, _ rollout: (Range<Int>) -> Rollout.Result) throws -> Rollout.Result {
        guard size > 1 else { return rollout(0..<count) }
        let local = try collectively { rollout(share(of: count, chunk: Rollout.chunk)) }
        // Each rank's piece: its non-finite and escaped counts (Int64), then its trajectories' values.
        let tallies = [Int64(local.nonFinite).littleEndian, Int64(local.escaped).littleEndian].withUnsafeBytes(Array.init)
        var values: [Float] = [], nonFinite = 0, escaped = 0
        for piece in allGather(tallies + local.trajectories.data.withUnsafeBytes(Array.init)) {
            piece.withUnsafeBytes { bytes in
                nonFinite += Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: Int64.self)))
                escaped += Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int64.self)))
                var part = [Float](repeating: 0, count: (bytes.count - 16) / MemoryLayout<Float>.size)
                part.withUnsafeMutableBytes { $0.copyBytes(from: UnsafeRawBufferPointer(rebasing: bytes[16...])) }
                values += part
            }
        }
        return Rollout.Result(trajectories: Tensor(shape: [count] + local.trajectories.shape.dropFirst(), data: values), nonFinite: nonFinite, escaped: escaped)
    }
}
