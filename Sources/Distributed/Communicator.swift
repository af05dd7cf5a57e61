import CMPI
import Foundation

/// The processes of one run: rank r of n, started together by `mpirun` — or one process alone.
///
/// A process started by Open MPI's `mpirun` (its environment names the job: `OMPI_COMM_WORLD_SIZE`
/// or `PMIX_RANK`) joins `MPI_COMM_WORLD` when `world` is first used. A process started any other
/// way is rank 0 of 1 and makes no MPI call at all, so it needs no MPI runtime. Every transfer is
/// of bytes, in rank order; calls are collective (every rank makes the same calls in the same
/// order) and come from one thread at a time. A rank waiting for a message sleeps between polls
/// instead of spinning in MPI's progress loop, so waiting ranks leave the cores to working ones
/// (rank 0 training while the others wait for the next sharded stage).
public final class Communicator: Sendable {
    /// The processes of this run (`MPI_COMM_WORLD`, or this process alone).
    public static let world = Communicator(environment: ProcessInfo.processInfo.environment)

    /// This process's index among the run's processes, from 0.
    public let rank: Int
    /// How many processes the run has.
    public let size: Int
    /// Whether this process joined an MPI job (started by a launcher, even as its only rank): MPI
    /// was initialised and must be finalised.
    public let joined: Bool

    /// Rank 0, the process that writes artifacts and prints.
    public var isRoot: Bool { rank == 0 }

    /// How many of the run's ranks share this host (Open MPI's `OMPI_COMM_WORLD_LOCAL_SIZE`; 1 alone).
    public let ranksOnThisHost: Int

    /// The largest message passed in one MPI call (counts are 32-bit).
    private static let largestMessage = 1 << 30

    private init(environment: [String: String]) {
        ranksOnThisHost = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) }.map { max(1, $0) } ?? 1
        guard Communicator.launchedByMPIRun(environment) else {
            (rank, size, joined) = (0, 1, false)
            return
        }
        guard macroscale_mpi_init() == MPI_SUCCESS else {
            FileHandle.standardError.write(Data("macroscale: MPI_Init failed although started by mpirun (\(Communicator.launcherVariables.filter { environment[$0] != nil }.joined(separator: ", ")) set)\n".utf8))
            exit(1)
        }
        (rank, size, joined) = (Int(macroscale_mpi_rank()), Int(macroscale_mpi_size()), true)
    }

    /// The environment variables by which Open MPI's launchers (`mpirun`, `srun` with PMIx) mark their processes.
    static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK"]

    /// Whether `environment` is that of a process started by an MPI launcher.
    static func launchedByMPIRun(_ environment: [String: String]) -> Bool {
        launcherVariables.contains { environment[$0] != nil }
    }

    /// Every rank's `bytes`, in rank order, on the root; nil on the other ranks.
    public func gather(_ bytes: [UInt8]) -> [[UInt8]]? {
        guard size > 1 else { return [bytes] }
        guard isRoot else {
            send(bytes, to: 0)
            return nil
        }
        return [bytes] + (1..<size).map(receive(from:))
    }

    /// The root's `bytes` on every rank (the other ranks' `bytes` are not read).
    public func broadcast(_ bytes: [UInt8]) -> [UInt8] {
        guard size > 1 else { return bytes }
        guard isRoot else { return receive(from: 0) }
        for destination in 1..<size { send(bytes, to: destination) }
        return bytes
    }

    /// Every rank's `bytes`, in rank order, on every rank.
    public func allGather(_ bytes: [UInt8]) -> [[UInt8]] {
        guard size > 1 else { return [bytes] }
        // The root frames the pieces (an 8-byte length before each) and broadcasts them as one message.
        let framed = broadcast(gather(bytes).map { pieces in
            pieces.flatMap { piece in withUnsafeBytes(of: Int64(piece.count).littleEndian, Array.init) + piece }
        } ?? [])
        var pieces: [[UInt8]] = [], offset = 0
        while offset < framed.count {
            let length = Int(Int64(littleEndian: framed[offset..<(offset + 8)].withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }))
            pieces.append(Array(framed[(offset + 8)..<(offset + 8 + length)]))
            offset += 8 + length
        }
        return pieces
    }

    /// Writes `message` on standard error and stops every rank of the run with exit status 1
    /// (`MPI_Abort`; alone, `exit`). The message is out before any rank is stopped.
    public func abort(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
        if joined { _ = macroscale_mpi_abort(1) }
        exit(1)
    }

    /// Ends this rank's part in the run (`MPI_Finalize`): the last call before a successful exit.
    public func finalize() {
        guard joined else { return }
        check(macroscale_mpi_finalize(), "MPI_Finalize")
    }

    private func send(_ bytes: [UInt8], to destination: Int) {
        let count = [Int64(bytes.count)]
        count.withUnsafeBytes { check(macroscale_mpi_send($0.baseAddress, 8, Int32(destination), 0), "MPI_Send") }
        bytes.withUnsafeBytes { whole in
            for start in stride(from: 0, to: whole.count, by: Communicator.largestMessage) {
                let length = min(Communicator.largestMessage, whole.count - start)
                check(macroscale_mpi_send(whole.baseAddress! + start, Int32(length), Int32(destination), 1), "MPI_Send")
            }
        }
    }

    private func receive(from source: Int) -> [UInt8] {
        // Sleep between polls, from 50 µs up to 5 ms, until the length arrives.
        var pause: useconds_t = 50
        while macroscale_mpi_arrived(Int32(source), 0) == 0 {
            usleep(pause)
            pause = min(2 * pause, 5000)
        }
        var count = [Int64(0)]
        count.withUnsafeMutableBytes { check(macroscale_mpi_receive($0.baseAddress, 8, Int32(source), 0), "MPI_Recv") }
        var bytes = [UInt8](repeating: 0, count: Int(count[0]))
        bytes.withUnsafeMutableBytes { whole in
            for start in stride(from: 0, to: whole.count, by: Communicator.largestMessage) {
                let length = min(Communicator.largestMessage, whole.count - start)
                check(macroscale_mpi_receive(whole.baseAddress! + start, Int32(length), Int32(source), 1), "MPI_Recv")
            }
        }
        return bytes
    }

    /// Stops the run with the failing call's name (MPI's default handler aborts first on most errors).
    private func check(_ code: Int32, _ call: String) {
        guard code != MPI_SUCCESS else { return }
        abort("macroscale: rank \(rank) of \(size): \(call) failed with MPI error \(code)")
    }
}
