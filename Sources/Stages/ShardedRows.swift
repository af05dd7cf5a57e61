import Artifacts
import Distributed
import Foundation
import Systems

/// The transfers of sharded stages: each rank computes the rows of its share of the global
/// indices (`Communicator.share`), and the rows are joined in rank order — that is, in global
/// order — so the result is the same bytes whatever the number of ranks.
extension Communicator {
    /// Every rank's named arrays joined along their first axis, in rank order, on the root; nil
    /// on the other ranks. A rank with no rows passes no arrays; the others pass the same names,
    /// element types and trailing shapes.
    func gatherRows(_ arrays: [(String, NumPyArray)]) throws -> [String: NumPyArray]? {
        guard size > 1 else { return Dictionary(arrays, uniquingKeysWith: { $1 }) }
        let header = arrays.map { RowBlock(name: $0.0, dtype: $0.1.dtype, shape: $0.1.shape) }
        let headerBytes = Array(try JSONEncoder().encode(header))
        var piece = withUnsafeBytes(of: Int64(headerBytes.count).littleEndian, Array.init) + headerBytes
        for (_, array) in arrays { piece += array.bytes }
        guard let pieces = gather(piece) else { return nil }
        var blocks: [String: (block: RowBlock, bytes: Data)] = [:]
        for (source, piece) in pieces.enumerated() {
            let length = Int(Int64(littleEndian: piece.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }))
            var offset = 8 + length
            for block in try JSONDecoder().decode([RowBlock].self, from: Data(piece[8..<offset])) {
                let byteCount = block.shape.reduce(block.dtype.itemSize, *)
                let bytes = Data(piece[offset..<(offset + byteCount)])
                offset += byteCount
                guard let joined = blocks[block.name] else {
                    blocks[block.name] = (block, bytes)
                    continue
                }
                guard joined.block.dtype == block.dtype, joined.block.shape.dropFirst() == block.shape.dropFirst() else {
                    throw ArtifactError(block.name, "rank \(source) computed rows of \(block.dtype.numpyName) \(NumPyArray.describe(block.shape)); "
                                        + "the ranks before it \(joined.block.dtype.numpyName) \(NumPyArray.describe(joined.block.shape))")
                }
                blocks[block.name] = (RowBlock(name: block.name, dtype: block.dtype, shape: [joined.block.shape[0] + block.shape[0]] + block.shape.dropFirst()),
                                      joined.bytes + bytes)
            }
        }
        return try blocks.mapValues { try NumPyArray(dtype: $0.block.dtype, shape: $0.block.shape, bytes: $0.bytes) }
    }

    /// `map` of `items`, the items shared among the ranks in whole chunks (`share(of:chunk:)`) and
    /// every rank given every row of `width` numbers: one process's rows whatever the number of
    /// ranks, where `map` evaluates its items in chunks of `chunk` from the first. A collective
    /// step; fewer than 64 items per rank are not worth a transfer, and every rank maps them all.
    func sharedRows<Item>(of items: [Item], chunk: Int, width: Int, _ map: ([Item]) throws -> [[Double]]) throws -> [[Double]] {
        guard size > 1, items.count >= 64 * size else { return try map(items) }
        let share = share(of: items.count, chunk: chunk)
        let rows = try collectively { try map(Array(items[share])) }
        return allGather(rows: rows, width: width)
    }

    /// Every rank's configurations of `system`'s shape, joined in rank order, on every rank (a
    /// rank with none passes none).
    func allGather<System: MicroscopicSystem>(configurations: [Grid<System.Site>], of system: System) throws -> [Grid<System.Site>] {
        guard size > 1 else { return configurations }
        let stateShape = (system.components > 1 ? [system.components] : []) + system.spatialShape
        let bytesPerConfiguration = stateShape.reduce(MemoryLayout<System.Site>.stride, *)
        return try allGather(configurations.flatMap(\.values).withUnsafeBytes(Array.init)).flatMap { piece -> [Grid<System.Site>] in
            guard !piece.isEmpty else { return [] }
            let array = try NumPyArray(dtype: System.Site.dtype, shape: [piece.count / bytesPerConfiguration] + stateShape, bytes: Data(piece))
            return try system.configurations(from: array, spatialShape: system.spatialShape, source: "a rank's share of the configurations")
        }
    }

    /// Every rank's rows of `width` numbers, in rank order, on every rank.
    func allGather(rows: [[Double]], width: Int) -> [[Double]] {
        precondition(width >= 1)
        guard size > 1 else { return rows }
        let pieces = allGather(rows.flatMap { $0 }.withUnsafeBytes(Array.init))
        return pieces.flatMap { piece -> [[Double]] in
            var values = [Double](repeating: 0, count: piece.count / MemoryLayout<Double>.size)
            values.withUnsafeMutableBytes { $0.copyBytes(from: piece) }
            return Swift.stride(from: 0, to: values.count, by: width).map { Array(values[$0..<($0 + width)]) }
        }
    }
}

/// One named array's element type and shape, as a rank passes its rows.
private struct RowBlock: Codable {
    let name: String
    let dtype: DType
    let shape: [Int]
}
