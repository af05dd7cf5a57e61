import Foundation

/// Estimates of functions of sample means from correlated series, with errors by blocking and the
/// jackknife.
///
/// The series (independent runs, each correlated along itself) are cut into about `blocks`
/// contiguous blocks: whole runs grouped together when there are at least as many runs as
/// blocks, otherwise each run cut into ⌊blocks / runs⌋ pieces. Blocks much longer than the
/// autocorrelation time are nearly independent. A function f of the feature means is estimated
/// as f(all samples) with the jackknife error √((B − 1)/B · Σ_b (f₋b − f̄₋)²), f₋b computed
/// without block b; for f a single mean this is the standard error of the block means.
public struct BlockJackknife {
    /// Per block, the sum of each feature over its samples.
    public let blockSums: [[Double]]
    /// Samples in each block.
    public let blockCounts: [Int]

    /// Blocks the `features` of every sample of `runs` (each run a series in time).
    public init<Sample>(runs: [[Sample]], blocks: Int, features: [(Sample) -> Double]) {
        precondition(blocks >= 1 && !runs.isEmpty, "BlockJackknife needs runs and at least one block")
        // Each (run, piece) is a segment of a run; segments are then grouped into blocks.
        let pieces = max(1, blocks / runs.count)
        var segments: [ArraySlice<Sample>] = []
        for run in runs {
            let pieceCount = min(pieces, run.count)
            for piece in 0..<pieceCount {
                segments.append(run[(piece * run.count / pieceCount)..<((piece + 1) * run.count / pieceCount)])
            }
        }
        let groups = min(blocks, segments.count)
        var sums = [[Double]](repeating: [Double](repeating: 0, count: features.count), count: groups)
        var counts = [Int](repeating: 0, count: groups)
        for (index, segment) in segments.enumerated() {
            let block = index * groups / segments.count
            for sample in segment {
                for (feature, function) in features.enumerated() { sums[block][feature] += function(sample) }
            }
            counts[block] += segment.count
        }
        blockSums = sums
        blockCounts = counts
    }

    /// Number of blocks.
    public var blocks: Int { blockCounts.count }
    /// Number of samples.
    public var samples: Int { blockCounts.reduce(0, +) }

    /// f of the feature means with its jackknife error (0 with a single block).
    public func estimate(_ f: ([Double]) -> Double) -> (value: Double, error: Double) {
        let total = blockSums.reduce(into: [Double](repeating: 0, count: blockSums[0].count)) { sum, block in
            for index in block.indices { sum[index] += block[index] }
        }
        let count = Double(samples)
        let value = f(total.map { $0 / count })
        guard blocks > 1 else { return (value, 0) }
        let leftOut = blockSums.indices.map { b in
            f(total.indices.map { (total[$0] - blockSums[b][$0]) / (count - Double(blockCounts[b])) })
        }
        let mean = leftOut.reduce(0, +) / Double(blocks)
        let spread = leftOut.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (value, (Double(blocks - 1) / Double(blocks) * spread).squareRoot())
    }
}
