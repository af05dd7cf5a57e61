import Artifacts
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

/// Issue 14, finding 5: an MMD of one sample is refused with a message instead of a trap.
final class ResourceBoundTests: CommandTestCase {
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
