import Foundation

extension Communicator {
    /// Runs `body` on every rank, then lets every rank know whether any failed: all return their
    /// value, or the lowest failing rank rethrows its error and every other rank throws its
    /// `RankFailure`. No rank is left waiting in a later transfer for one that failed.
    public func collectively<Value>(_ body: () throws -> Value) throws -> Value {
        guard size > 1 else { return try body() }
        let outcome: Result<Value, Error>
        do { outcome = .success(try body()) } catch { outcome = .failure(error) }
        var status: [UInt8] = []
        if case .failure(let error) = outcome {
            // A failure learnt from another rank is passed on as that rank's.
            let failure = error as? RankFailure ?? RankFailure(rank: rank, message: String(describing: error))
            status = withUnsafeBytes(of: Int64(failure.rank).littleEndian, Array.init) + Array(failure.message.utf8)
        }
        let failures = allGather(status).compactMap { piece -> RankFailure? in
            guard piece.count >= 8 else { return nil }
            let origin = Int(Int64(littleEndian: piece.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }))
            return RankFailure(rank: origin, message: String(decoding: piece.dropFirst(8), as: UTF8.self))
        }
        guard let first = failures.min(by: { $0.rank < $1.rank }) else { return try outcome.get() }
        if case .failure(let error) = outcome, first.rank == rank { throw error }
        throw first
    }

    /// Runs `body` on the root alone while the other ranks wait: its value on the root, nil
    /// elsewhere; a failure on the root is thrown on every rank (`collectively`).
    public func onRoot<Value>(_ body: () throws -> Value) throws -> Value? {
        try collectively { isRoot ? try body() : nil }
    }

    /// Runs `body` on the root alone and gives its value to every rank (sent as JSON).
    public func fromRoot<Value: Codable>(_ body: () throws -> Value) throws -> Value {
        guard size > 1 else { return try body() }
        let local = try onRoot { () -> (Value, [UInt8]) in
            let value = try body()
            return (value, Array(try JSONEncoder().encode(value)))
        }
        let bytes = broadcast(local?.1 ?? [])
        return try local?.0 ?? JSONDecoder().decode(Value.self, from: Data(bytes))
    }

    /// This rank's share of the global indices 0..<`count`: contiguous blocks in rank order, each
    /// a whole number of `chunk`s except the last rank's, as even as whole chunks allow.
    public func share(of count: Int, chunk: Int = 1) -> Range<Int> {
        Communicator.share(of: count, chunk: chunk, rank: rank, size: size)
    }

    /// Rank `rank`'s share of 0..<`count` among `size` ranks (`share(of:chunk:)`).
    static func share(of count: Int, chunk: Int, rank: Int, size: Int) -> Range<Int> {
        precondition(count >= 0 && chunk >= 1 && (0..<size).contains(rank))
        let chunks = (count + chunk - 1) / chunk
        return min(chunks * rank / size * chunk, count)..<min(chunks * (rank + 1) / size * chunk, count)
    }
}
