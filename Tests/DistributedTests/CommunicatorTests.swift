@testable import Distributed
import XCTest

final class CommunicatorTests: XCTestCase {
    /// A process not started by mpirun is rank 0 of 1 (and made no MPI call: MPI is not initialised).
    func testAProcessAloneIsRankZeroOfOne() {
        XCTAssertFalse(Communicator.launchedByMPIRun(ProcessInfo.processInfo.environment))
        XCTAssertEqual(Communicator.world.rank, 0)
        XCTAssertEqual(Communicator.world.size, 1)
        XCTAssertTrue(Communicator.launchedByMPIRun(["OMPI_COMM_WORLD_SIZE": "3"]))
        XCTAssertTrue(Communicator.launchedByMPIRun(["PMIX_RANK": "0"]))
    }

    /// The shares tile 0..<count in rank order, each a whole number of chunks but the last rank's,
    /// and differ by at most one chunk — for counts below, at and above the number of ranks.
    func testSharesTileTheIndicesInWholeChunks() {
        for size in 1...5 {
            for chunk in [1, 3, 256] {
                for count in [0, 1, 2, 4, 7, 255, 256, 257, 1000] {
                    let shares = (0..<size).map { Communicator.share(of: count, chunk: chunk, rank: $0, size: size) }
                    XCTAssertEqual(shares.first?.lowerBound, 0)
                    XCTAssertEqual(shares.last?.upperBound, count)
                    for (a, b) in zip(shares, shares.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound, "\(shares)") }
                    for share in shares.dropLast() { XCTAssertEqual(share.count % chunk, 0, "\(shares)") }
                    let chunks = shares.map { ($0.count + chunk - 1) / chunk }
                    XCTAssertLessThanOrEqual(chunks.max()! - chunks.min()!, 1, "count \(count), chunk \(chunk): \(shares)")
                }
            }
        }
    }

    /// Alone, a collective step is the step itself: its value, or its own error (not a `RankFailure`).
    func testACollectiveStepAloneGivesItsValueOrItsOwnError() throws {
        struct Refused: Error {}
        XCTAssertEqual(try Communicator.world.collectively { 42 }, 42)
        XCTAssertThrowsError(try Communicator.world.collectively { throw Refused() }) { XCTAssertTrue($0 is Refused) }
        XCTAssertEqual(try Communicator.world.onRoot { "root" }, "root")
        XCTAssertEqual(try Communicator.world.fromRoot { [1.5, 2.5] }, [1.5, 2.5])
        XCTAssertEqual(Communicator.world.allGather([1, 2, 3]), [[1, 2, 3]])
        XCTAssertEqual(Communicator.world.gather([7]), [[7]])
        XCTAssertEqual(Communicator.world.broadcast([9]), [9])
    }
}
