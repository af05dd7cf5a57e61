import Artifacts
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

/// Issue 14, findings 3, 5 and 8: requests for more memory or work than any machine has, and an
/// MMD of one sample, are refused with a message instead of an abort, a trap or a run "forever".
final class ResourceBoundTests: CommandTestCase {
    /// A simulation of 410 TB of states aborted in the allocator ("failed to allocate").
    func testASimulationBeyondTheMemoryIsRefused() {
        let message = refusal(["simulate", "ising", "--size", "46340", "--runs", "1000", "--steps", "200", "--out", path("huge")])
        XCTAssertTrue(message.hasPrefix("simulate: 1000 runs × 201 records × 2147395600 values × 1 byte, held 3 times over while written, needs 1.3 PB of memory"), message)
        XCTAssertTrue(message.contains("set MACROSCALE_MEMORY_LIMIT (e.g. 64G) to allow more"), message)
        XCTAssertTrue(refusal(["simulate", "curie-weiss", "--size", "4", "--runs", "2", "--steps", "\(Int.max)", "--out", path("huge")])
            .contains("× 9223372036854775807 records × 16 values × 1 byte"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("huge")))
    }

    /// A spin system's `--time 1e300` was accepted by evolve and upsample and ran for as long as it said.
    func testSpinDurationsBeyondAnyUsefulWorkAreRefused() throws {
        try runMacroscale(["simulate", "curie-weiss", "--size", "8", "--runs", "2", "--steps", "2", "--out", path("s")])
        let fragment = "time 1e+300 on 8×8 sites asks for up to 6.4e+301 flip events, more than 10¹⁵"
        XCTAssertTrue(refusal(["evolve", "--input", path("s"), "--patch-size", "4", "--time", "1e300", "--out", path("e")]).contains(fragment))
        // Upsample's windows run on the large lattice: the bound counts its sites.
        let upsampled = refusal(["upsample", "--input", path("s"), "--target-size", "16", "--snapshots", "2", "--relax-time", "1e300", "--out", path("u")])
        XCTAssertTrue(upsampled.contains("time 1e+300 on 16×16 sites asks for up to 2.56e+302 flip events, more than 10¹⁵"), upsampled)
        XCTAssertTrue(refusal(["upsample", "--input", path("s"), "--target-size", "16", "--snapshots", "2", "--relax-steps", "9000000000000000000", "--out", path("u")])
            .contains("9000000000000000000 flip events, more than 10¹⁵"))
        for name in ["e", "u"] { XCTAssertFalse(FileManager.default.fileExists(atPath: path(name)), name) }
    }

    /// A fixed predator–prey initial condition of density 1e300 simulated infinite states, exit 0.
    func testAbsurdPredatorPreyDensitiesAreRefused() {
        XCTAssertTrue(refusal(["simulate", "system", "predator-prey", "--parameter", "points=8", "--parameter", "initial=fixed k=0 m=1e300",
                               "--runs", "1", "--steps", "1", "--out", path("pp")])
            .contains("initial 'fixed k=0.0 m=1e+300' gives densities from 1e+300 to 1e+300; densities must be finite and non-negative, and at most 1000000"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("pp")))
    }

    /// `macroscale mmd` on one sample hit the MMD's precondition (SIGILL).
    func testMMDOfOneSampleIsAnError() throws {
        try NPYFile.write(try NumPyArray([0.0, 1, 2], shape: [1, 3]), to: dir.file("one.npy"))
        try NPYFile.write(try NumPyArray((0..<15).map(Double.init), shape: [5, 3]), to: dir.file("five.npy"))
        try NPYFile.write(try NumPyArray([Double](), shape: [5, 0]), to: dir.file("empty.npy"))
        try NPYFile.write(try NumPyArray([0.0, 1, .nan, 2, 3, 4], shape: [2, 3]), to: dir.file("nan.npy"))
        XCTAssertEqual(refusal(["mmd", path("one.npy"), path("five.npy")]),
                       "\(path("one.npy")): MMD needs at least two samples on each side, got 1 and 5 (shapes (1, 3) and (5, 3))")
        XCTAssertEqual(refusal(["mmd", path("five.npy"), path("one.npy")]),
                       "\(path("one.npy")): MMD needs at least two samples on each side, got 5 and 1 (shapes (5, 3) and (1, 3))")
        XCTAssertEqual(refusal(["mmd", path("empty.npy"), path("empty.npy")]), "\(path("empty.npy")): shape (5, 0) has no time steps or no components")
        XCTAssertEqual(refusal(["mmd", path("nan.npy"), path("five.npy")]), "\(path("nan.npy")): value nan of trajectory 0 is not finite; MMD compares finite samples")
        XCTAssertEqual(refusal(["mmd", path("five.npy"), path("five.npy")]), "ran")
    }
}
