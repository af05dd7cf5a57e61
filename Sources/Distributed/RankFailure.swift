/// A step that failed on another rank, as the ranks that did not fail it learn of it.
///
/// `Communicator.collectively` throws the failing rank's own error on that rank (which reports it)
/// and this on every other rank, which then only waits to be stopped.
public struct RankFailure: Error, CustomStringConvertible, Equatable {
    /// The lowest rank that failed.
    public let rank: Int
    /// Its error, as it describes itself.
    public let message: String

    public var description: String { "rank \(rank): \(message)" }
}
