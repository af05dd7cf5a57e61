import Artifacts
import Foundation
import TestSupport
import XCTest

/// Every kind of bad input gives an error naming the file and the problem, never a crash.
final class MalformedInputTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.remove() }

    /// Reads `url` expecting an error whose text names the file and contains `fragment`.
    func assertFails(_ url: URL, npz: Bool = false, mentioning fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            if npz { _ = try NPZArchive.read(url) } else { _ = try NPYFile.read(url) }
            XCTFail("reading \(url.lastPathComponent) should fail", file: file, line: line)
        } catch let error as ArtifactError {
            XCTAssertTrue(error.path.hasPrefix(url.path), "error should name \(url.path): \(error)", file: file, line: line)
            XCTAssertTrue(error.problem.contains(fragment), "'\(error.problem)' should mention '\(fragment)'", file: file, line: line)
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
    }

    /// `data` with the first occurrence of the ASCII text `old` replaced by `new` (same length).
    func replacing(_ old: String, with new: String, in data: Data) -> Data {
        var result = data
        let range = data.range(of: Data(old.utf8))!
        result.replaceSubrange(range, with: Data(new.utf8))
        return result
    }

    var valid: Data { NPYFile.encode(try! NumPyArray((0..<12).map(Double.init), shape: [3, 4])) }

    func testTruncatedInsidePreamble() throws {
        try valid.prefix(7).write(to: dir.file("short.npy"))
        assertFails(dir.file("short.npy"), mentioning: "truncated")
    }

    func testTruncatedInsideHeader() throws {
        try valid.prefix(60).write(to: dir.file("header.npy"))
        assertFails(dir.file("header.npy"), mentioning: "truncated")
    }

    func testTruncatedData() throws {
        try valid.dropLast(5).write(to: dir.file("data.npy"))
        assertFails(dir.file("data.npy"), mentioning: "truncated: shape (3, 4) of float64 needs 96 data bytes but only 91")
    }

    func testWrongMagic() throws {
        var data = valid
        data[1] = UInt8(ascii: "X")
        try data.write(to: dir.file("magic.npy"))
        assertFails(dir.file("magic.npy"), mentioning: "not a .npy file")
    }

    func testUnsupportedVersion() throws {
        var data = valid
        data[6] = 9
        try data.write(to: dir.file("version.npy"))
        assertFails(dir.file("version.npy"), mentioning: "unsupported .npy format version 9.0")
    }

    func testUnsupportedDtypeFromNumPy() throws {
        try Python.run("import numpy as np, sys; np.save(sys.argv[1], np.zeros(3, dtype=np.complex128))", [dir.file("complex.npy").path])
        assertFails(dir.file("complex.npy"), mentioning: "unsupported dtype '<c16'")
        try Python.run("import numpy as np, sys; np.save(sys.argv[1], np.zeros(3, dtype='>f8'))", [dir.file("big.npy").path])
        assertFails(dir.file("big.npy"), mentioning: "unsupported dtype '>f8'")
    }

    func testShapeByteCountMismatch() throws {
        var data = valid
        data.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])
        try data.write(to: dir.file("extra.npy"))
        assertFails(dir.file("extra.npy"), mentioning: "shape/byte-count mismatch: shape (3, 4) of float64 needs 96 data bytes but 104")
    }

    func testFortranOrderFromNumPy() throws {
        try Python.run("import numpy as np, sys; np.save(sys.argv[1], np.asfortranarray(np.ones((2, 3))))", [dir.file("fortran.npy").path])
        assertFails(dir.file("fortran.npy"), mentioning: "Fortran-ordered")
    }

    func testFortranFlagOnAVectorIsHarmless() throws {
        // A 1-d array has the same bytes in either order; NumPy may flag it either way.
        let data = replacing("'fortran_order': False", with: "'fortran_order': True ", in: NPYFile.encode(NumPyArray([1.0, 2.0, 3.0])))
        try data.write(to: dir.file("vector.npy"))
        XCTAssertEqual(try NPYFile.read(dir.file("vector.npy")).elements(as: Double.self), [1, 2, 3])
    }

    func testMalformedHeaderDictionary() throws {
        try replacing("'shape': (3, 4)", with: "'shape': [3, 4]", in: valid).write(to: dir.file("dict.npy"))
        assertFails(dir.file("dict.npy"), mentioning: "malformed .npy header (shape is not a tuple of integers)")
    }

    func testMissingFileAndDirectory() {
        assertFails(dir.file("absent.npy"), mentioning: "no such file")
        assertFails(dir.url, mentioning: "is a directory")
    }

    func testCorruptZipCRC() throws {
        try NPZArchive([("x", NumPyArray((0..<100).map(Double.init)))]).write(to: dir.file("crc.npz"))
        var data = try Data(contentsOf: dir.file("crc.npz"))
        data[400] ^= 0xFF // inside the member's array data
        try data.write(to: dir.file("crc.npz"))
        assertFails(dir.file("crc.npz"), npz: true, mentioning: "CRC-32")
    }

    func testTruncatedZip() throws {
        try NPZArchive([("x", NumPyArray((0..<100).map(Double.init)))]).write(to: dir.file("cut.npz"))
        let data = try Data(contentsOf: dir.file("cut.npz"))
        try data.prefix(data.count / 2).write(to: dir.file("cut.npz"))
        assertFails(dir.file("cut.npz"), npz: true, mentioning: "not a zip archive (no end-of-central-directory record)")
        try Data([1, 2, 3]).write(to: dir.file("tiny.npz"))
        assertFails(dir.file("tiny.npz"), npz: true, mentioning: "too short")
    }

    func testCentralDirectoryOutsideFile() throws {
        try NPZArchive([("x", NumPyArray([1.0]))]).write(to: dir.file("offset.npz"))
        var data = try Data(contentsOf: dir.file("offset.npz"))
        // End record: the central directory offset is at bytes 16..<20 of the last 22.
        let at = data.count - 22 + 16
        data.replaceSubrange(at..<(at + 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
        try data.write(to: dir.file("offset.npz"))
        assertFails(dir.file("offset.npz"), npz: true, mentioning: "central directory")
    }

    /// `np.savez_compressed` archives read like stored ones (issue 19): every dtype and an empty
    /// array; a corrupted deflate stream or a wrong recorded size is refused by member name.
    func testCompressedNPZReadsAndCorruptionIsRefused() throws {
        try Python.run("""
            import numpy as np, sys
            rng = np.random.default_rng(3)
            np.savez_compressed(sys.argv[1], f=rng.normal(size=(40, 3)), i=np.arange(1000, dtype=np.int8).reshape(10, 100),
                                h=np.float32([1.5, -2]), e=np.zeros((0, 4)), z=np.zeros(100000))
            """, [dir.file("deflate.npz").path])
        let archive = try NPZArchive.read(dir.file("deflate.npz"))
        XCTAssertEqual(try archive.array("f").shape, [40, 3])
        XCTAssertEqual(try archive.array("i").elements(as: Int8.self), (0..<1000).map { Int8(truncatingIfNeeded: $0) })
        XCTAssertEqual(try archive.array("h").elements(as: Float.self), [1.5, -2])
        XCTAssertEqual(try archive.array("e").shape, [0, 4])
        XCTAssertEqual(try archive.array("z").doubleValues(), [Double](repeating: 0, count: 100000))
        try NPYFile.write(try archive.array("f"), to: dir.file("f.npy"))
        try Python.run("""
            import numpy as np, sys
            assert np.array_equal(np.load(sys.argv[1]), np.load(sys.argv[2])['f'])
            """, [dir.file("f.npy").path, dir.file("deflate.npz").path])

        // The zeros member compresses to a short stream: flip a byte in its middle.
        var data = try Data(contentsOf: dir.file("deflate.npz"))
        let marker = Data("z.npy".utf8)
        let local = try XCTUnwrap(data.range(of: marker)).upperBound
        data[local + 60] ^= 0xFF
        try data.write(to: dir.file("corrupt.npz"))
        assertFails(dir.file("corrupt.npz"), npz: true, mentioning: "corrupt compressed member")

        // Found by the reader fuzzer: a member recording 4 GB uncompressed was allocated before
        // its 80-byte stream could say otherwise. More than DEFLATE's ~1032-fold expansion is refused.
        try Python.run("""
            import struct, sys
            data = bytearray(open(sys.argv[1], 'rb').read())
            for signature, offset in ((b'PK\\x03\\x04', 22), (b'PK\\x01\\x02', 24)):
                at = data.find(signature)
                while at >= 0:
                    data[at + offset:at + offset + 4] = struct.pack('<I', 0xF0000000)
                    at = data.find(signature, at + 4)
            open(sys.argv[2], 'wb').write(data)
            """, [dir.file("deflate.npz").path, dir.file("bomb.npz").path])
        assertFails(dir.file("bomb.npz"), npz: true, mentioning: "cannot inflate to the 4026531840 recorded")
    }

    func testBadMemberInsideNPZNamesTheMember() throws {
        try Python.run("import numpy as np, sys; np.savez(sys.argv[1], ok=np.arange(3.0), bad=np.zeros(2, dtype=np.complex64))", [dir.file("member.npz").path])
        assertFails(dir.file("member.npz"), npz: true, mentioning: "unsupported dtype '<c8'")
        XCTAssertThrowsError(try NPZArchive.read(dir.file("member.npz"))) { error in
            XCTAssertEqual((error as? ArtifactError)?.path, dir.file("member.npz").path + ":bad.npy")
        }
    }

    /// NumPy reads the last of two members with one name; we refuse the ambiguous archive (finding 7).
    func testDuplicatedMemberNamesAreRefused() throws {
        let script = """
            import numpy as np, sys, io, zipfile, warnings
            warnings.simplefilter('ignore')
            def npy(a):
                b = io.BytesIO(); np.save(b, a); return b.getvalue()
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                z.writestr('x.npy', npy(np.zeros(2))); z.writestr('x.npy', npy(np.ones(2)))
            with zipfile.ZipFile(sys.argv[2], 'w') as z:
                z.writestr('x', npy(np.zeros(2))); z.writestr('x.npy', npy(np.ones(2)))
            print(np.load(sys.argv[1])['x'][0])
            """
        XCTAssertEqual(try Python.run(script, [dir.file("twice.npz").path, dir.file("suffix.npz").path]), "1.0\n", "NumPy reads the last member")
        assertFails(dir.file("twice.npz"), npz: true, mentioning: "two members, 'x.npy' and 'x.npy', both hold the array 'x'")
        assertFails(dir.file("suffix.npz"), npz: true, mentioning: "two members, 'x' and 'x.npy', both hold the array 'x'")
    }

    /// A shape whose byte count overflows names the file, not `<array>` (finding 9).
    func testOverflowingShapeNamesTheFile() throws {
        try replacing("'shape': (3, 4)", with: "'shape': (3, 4, 999999999999999999)", in: valid).write(to: dir.file("huge.npy"))
        assertFails(dir.file("huge.npy"), mentioning: "shape (3, 4, 999999999999999999) of float64 is too large to address")
    }

    /// Safetensors data offsets near `Int.max` are refused, not added up until they trap.
    func testSafetensorsOffsetsBeyondTheFileAreRefused() throws {
        for offsets in ["[0, 9223372036854775807]", "[9223372036854775800, 9223372036854775807]", "[8, 4]"] {
            var header = Data("{\"t\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":\(offsets)}}".utf8)
            header.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8))
            var file = Data((0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) })
            file.append(header)
            file.append(Data(count: 8))
            try file.write(to: dir.file("t.safetensors"))
            XCTAssertThrowsError(try SafeTensors.read(dir.file("t.safetensors")), offsets) { error in
                XCTAssertEqual((error as? ArtifactError)?.path, dir.file("t.safetensors").path)
                XCTAssertTrue("\(error)".contains("tensor 't': data range"), "\(error)")
            }
        }
    }

    func testArrayConstructorsRejectInconsistentShapes() {
        XCTAssertThrowsError(try NumPyArray([1.0, 2.0, 3.0], shape: [2, 2]))
        XCTAssertThrowsError(try NumPyArray([Float](), shape: [-1]))
        XCTAssertThrowsError(try NumPyArray([1.0]).elements(as: Float.self)) { error in
            XCTAssertTrue("\(error)".contains("array holds float64, not float32"))
        }
    }
}
