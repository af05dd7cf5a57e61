@testable import Artifacts
import Foundation
import XCTest

/// Hand-built `.npz` archives whose zip64 fields hold values no real file can have (issue 14,
/// finding 2): every one must give an `ArtifactError` naming the archive, never an arithmetic trap.
final class CraftedZipTests: XCTestCase {
    /// The fields of a one-member stored archive that a crafted file may lie about.
    struct Fields {
        /// The member's sizes and local header offset, recorded in its zip64 extra field.
        var memberSize: UInt64?
        var memberOffset: UInt64 = 0
        /// The zip64 end record: entries, central directory size and offset (nil: the true values).
        var entries: UInt64?
        var directorySize: UInt64?
        var directoryOffset: UInt64?
        /// Where the zip64 locator says the zip64 end record is (nil: where it is).
        var recordOffset: UInt64?
    }

    let member = NPYFile.encode(NumPyArray([1.0, 2.0, 3.0]))

    /// A stored archive of `member` as `x.npy`, its central directory entry and end records zip64
    /// (sizes and offset saturated in the 32-bit fields), with `fields` written where they say.
    func archive(_ fields: Fields = Fields()) -> Data {
        func le(_ value: UInt64, _ bytes: Int) -> [UInt8] { (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }
        let name = Array("x.npy".utf8)
        let crc = member.withUnsafeBytes { CRC32.checksum($0) }
        let size = UInt64(member.count)
        var out: [UInt8] = []
        out += le(0x0403_4B50, 4) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0x21, 2) + le(UInt64(crc), 4)
        out += le(size, 4) + le(size, 4) + le(UInt64(name.count), 2) + le(0, 2) + name
        out += member
        let directoryOffset = UInt64(out.count)
        out += le(0x0201_4B50, 4) + le(45, 2) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0x21, 2) + le(UInt64(crc), 4)
        out += le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(UInt64(name.count), 2) + le(28, 2) + le(0, 2)
        out += le(0, 2) + le(0, 2) + le(0, 4) + le(0xFFFF_FFFF, 4) + name
        out += le(1, 2) + le(24, 2) + le(fields.memberSize ?? size, 8) + le(fields.memberSize ?? size, 8) + le(fields.memberOffset, 8)
        let directorySize = UInt64(out.count) - directoryOffset
        let recordOffset = UInt64(out.count)
        out += le(0x0606_4B50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4)
        out += le(fields.entries ?? 1, 8) + le(fields.entries ?? 1, 8)
        out += le(fields.directorySize ?? directorySize, 8) + le(fields.directoryOffset ?? directoryOffset, 8)
        out += le(0x0706_4B50, 4) + le(0, 4) + le(fields.recordOffset ?? recordOffset, 8) + le(1, 4)
        out += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2) + le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(0, 2)
        return Data(out)
    }

    func assertRefused(_ fields: Fields, mentioning fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try NPZArchive.decode(archive(fields), source: "crafted.npz"), file: file, line: line) { error in
            guard let error = error as? ArtifactError else { return XCTFail("unexpected error \(error)", file: file, line: line) }
            XCTAssertTrue(error.path.hasPrefix("crafted.npz"), "\(error)", file: file, line: line)
            XCTAssertTrue(error.problem.contains(fragment), "'\(error.problem)' should mention '\(fragment)'", file: file, line: line)
        }
    }

    func testHonestZip64ArchiveIsRead() throws {
        XCTAssertEqual(try NPZArchive.decode(archive(), source: "honest.npz").array("x").elements(as: Double.self), [1, 2, 3])
    }

    func testMemberSizesBeyondIntAreRefused() {
        assertRefused(Fields(memberSize: .max), mentioning: "the zip64 size of 'x.npy' (18446744073709551615) is larger than any file")
        assertRefused(Fields(memberSize: UInt64(Int.max)), mentioning: "runs past the end")
        assertRefused(Fields(memberSize: UInt64(Int.max) - 40), mentioning: "runs past the end")
    }

    func testMemberOffsetsBeyondTheFileAreRefused() {
        assertRefused(Fields(memberOffset: .max), mentioning: "the zip64 offset of 'x.npy'")
        assertRefused(Fields(memberOffset: UInt64(Int.max)), mentioning: "no local header at offset \(Int.max)")
        assertRefused(Fields(memberOffset: UInt64(Int.max) - 27), mentioning: "no local header")
    }

    func testZip64EndRecordFieldsBeyondTheFileAreRefused() {
        assertRefused(Fields(entries: .max), mentioning: "the zip64 entry count")
        assertRefused(Fields(entries: UInt64(Int.max)), mentioning: "central directory entries cannot fit")
        assertRefused(Fields(directorySize: .max), mentioning: "the zip64 central directory size")
        assertRefused(Fields(directorySize: UInt64(Int.max), directoryOffset: UInt64(Int.max)), mentioning: "lies outside the file")
        assertRefused(Fields(directoryOffset: .max), mentioning: "the zip64 central directory offset")
        assertRefused(Fields(recordOffset: .max), mentioning: "the zip64 end record offset")
        assertRefused(Fields(recordOffset: UInt64(Int.max) - 10), mentioning: "zip64 end record missing")
    }
}
