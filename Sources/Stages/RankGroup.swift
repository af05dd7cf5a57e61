import Distributed
import MacroSDE

/// The ranks of an `mpirun` job as the processes of data-parallel SDE training: gradients summed
/// by an all-gather, added in rank order, failures agreed by a collective step.
struct RankGroup: DataParallelGroup {
    let world: Communicator

    var rank: Int { world.rank }
    var size: Int { world.size }

    func sum(_ values: [Double]) -> [Double] {
        let pieces = world.allGather(values.withUnsafeBytes { Array($0) })
        var total = [Double](repeating: 0, count: values.count)
        for piece in pieces {
            precondition(piece.count == values.count * MemoryLayout<Double>.size, "ranks summed arrays of different lengths")
            piece.withUnsafeBytes { bytes in
                for i in total.indices { total[i] += bytes.loadUnaligned(fromByteOffset: i * MemoryLayout<Double>.size, as: Double.self) }
            }
        }
        return total
    }

    func agreeing<Value>(_ body: () throws -> Value) throws -> Value {
        try world.collectively(body)
    }
}
