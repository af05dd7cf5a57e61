import Distributed
import MacroSDE

/// The ranks of an `mpirun` job as the processes of data-parallel SDE training: gradients summed
/// by an all-gather (`allGather(rows:width:)`), added in rank order, failures agreed by a
/// collective step.
struct RankGroup: DataParallelGroup {
    let world: Communicator

    var rank: Int { world.rank }
    var size: Int { world.size }

    func sum(_ values: [Double]) -> [Double] {
        world.allGather(rows: [values], width: values.count).reduce(into: [Double](repeating: 0, count: values.count)) { total, row in
            for i in total.indices { total[i] += row[i] }
        }
    }

    func agreeing<Value>(_ body: () throws -> Value) throws -> Value {
        try world.collectively(body)
    }
}
