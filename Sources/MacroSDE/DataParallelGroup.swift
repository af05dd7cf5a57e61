/// The processes of a data-parallel training run (`SDETraining.group`): each takes its part of
/// every batch, and their gradients and losses are summed, so that every process takes the same
/// optimizer step on identical parameters.
public protocol DataParallelGroup {
    /// This process's index, from 0, and the number of processes.
    var rank: Int { get }
    var size: Int { get }
    /// The element-wise sum of every process's `values`, added in process order, so that every
    /// process gets the same numbers.
    func sum(_ values: [Double]) -> [Double]
    /// Runs `body` in every process and lets every one know whether any failed: all return, or all
    /// throw (the failing process its own error), so that none waits for a sum another never joins.
    func agreeing<Value>(_ body: () throws -> Value) throws -> Value
}

extension DataParallelGroup {
    /// This process's part of `count` items: a contiguous block, the blocks in process order.
    func share(of count: Int) -> Range<Int> {
        (count * rank / size)..<(count * (rank + 1) / size)
    }
}
