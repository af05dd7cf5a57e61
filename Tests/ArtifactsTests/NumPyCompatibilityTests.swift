import Artifacts
import Foundation
import TestSupport
import XCTest

/// Swift's .npy/.npz files against NumPy's, in both directions and byte for byte.
final class NumPyCompatibilityTests: XCTestCase {
    /// Shapes exercised for every dtype: scalar, empty, vector, matrix, 3-d.
    static let shapes: [[Int]] = [[], [0], [7], [3, 4], [2, 3, 5]]

    /// The same deterministic values NumPy builds in `numpyValues` below.
    static func array(_ dtype: DType, shape: [Int]) -> NumPyArray {
        let n = shape.reduce(1, *)
        let centred = (0..<n).map { $0 - n / 2 }
        switch dtype {
        case .float32: return try! NumPyArray(centred.map { Float($0) * 0.37 }, shape: shape)
        case .float64: return try! NumPyArray(centred.map { Double($0) * 0.37 }, shape: shape)
        case .int8: return try! NumPyArray(centred.map { Int8($0) }, shape: shape)
        case .uint8: return try! NumPyArray((0..<n).map { UInt8($0 * 7 % 256) }, shape: shape)
        case .bool: return try! NumPyArray((0..<n).map { $0 % 3 == 0 }, shape: shape)
        case .int32: return try! NumPyArray(centred.map { Int32($0 * 100_003) }, shape: shape)
        case .int64: return try! NumPyArray(centred.map { Int64($0) * 10_000_000_019 }, shape: shape)
        }
    }

    static let numpyValues = """
        import numpy as np
        def values(descr, shape):
            n = int(np.prod(shape, dtype=np.int64))
            centred = np.arange(n) - n // 2
            dt = np.dtype(descr)
            if dt.kind == 'f':
                v = (centred.astype(dt) * dt.type(0.37)) if dt.itemsize == 4 else centred * 0.37
            elif descr == '|u1':
                v = (np.arange(n) * 7) % 256
            elif descr == '|b1':
                v = np.arange(n) % 3 == 0
            elif descr == '<i4':
                v = centred * 100003
            elif descr == '<i8':
                v = centred * 10000000019
            else:
                v = centred
            return np.asarray(v).astype(dt).reshape(shape)
        """

    func testSwiftBytesEqualNumPySaveForEveryDtypeAndShape() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var cases: [String] = []
        for dtype in DType.allCases {
            for (s, shape) in Self.shapes.enumerated() {
                cases.append("\(dtype.rawValue);\(shape.map(String.init).joined(separator: ","));\(dtype.numpyName)_\(s).npy")
            }
        }
        try Python.run(Self.numpyValues + """

            import sys, os
            out = sys.argv[1]
            for case in sys.argv[2:]:
                descr, shape, name = case.split(';')
                shape = tuple(int(x) for x in shape.split(',') if x)
                np.save(os.path.join(out, name), values(descr, shape))
            """, [dir.url.path] + cases)
        for dtype in DType.allCases {
            for (s, shape) in Self.shapes.enumerated() {
                let numpyBytes = try Data(contentsOf: dir.file("\(dtype.numpyName)_\(s).npy"))
                let swiftBytes = NPYFile.encode(Self.array(dtype, shape: shape))
                XCTAssertEqual(swiftBytes, numpyBytes, "np.save bytes differ for \(dtype) \(shape)")
            }
        }
    }

    func testSwiftWrittenFilesLoadInNumPyWithEqualValues() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var cases: [String] = []
        for dtype in DType.allCases {
            for (s, shape) in Self.shapes.enumerated() {
                let name = "swift_\(dtype.numpyName)_\(s).npy"
                try NPYFile.write(Self.array(dtype, shape: shape), to: dir.file(name))
                cases.append("\(dtype.rawValue);\(shape.map(String.init).joined(separator: ","));\(name)")
            }
        }
        let output = try Python.run(Self.numpyValues + """

            import sys, os
            checked = 0
            for case in sys.argv[2:]:
                descr, shape, name = case.split(';')
                shape = tuple(int(x) for x in shape.split(',') if x)
                a = np.load(os.path.join(sys.argv[1], name))
                expected = values(descr, shape)
                assert a.dtype == expected.dtype, (name, a.dtype)
                assert a.shape == expected.shape, (name, a.shape)
                assert np.array_equal(a, expected), name
                checked += 1
            print(checked)
            """, [dir.url.path] + cases)
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "\(cases.count)")
    }

    func testNumPyWrittenFilesLoadInSwiftWithEqualValues() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Python.run(Self.numpyValues + """

            import sys, os
            np.save(os.path.join(sys.argv[1], 'f8.npy'), values('<f8', (4, 6)))
            np.save(os.path.join(sys.argv[1], 'i4.npy'), values('<i4', (9,)))
            # A non-contiguous view is written in C order by np.save.
            np.save(os.path.join(sys.argv[1], 'view.npy'), values('<f4', (6, 4))[::2, 1:])
            with open(os.path.join(sys.argv[1], 'v2.npy'), 'wb') as f:
                np.lib.format.write_array(f, values('<i8', (3, 2)), version=(2, 0))
            """, [dir.url.path])
        XCTAssertEqual(try NPYFile.read(dir.file("f8.npy")), Self.array(.float64, shape: [4, 6]))
        XCTAssertEqual(try NPYFile.read(dir.file("i4.npy")), Self.array(.int32, shape: [9]))
        let view = try NPYFile.read(dir.file("view.npy"))
        XCTAssertEqual(view.shape, [3, 3])
        let full = try Self.array(.float32, shape: [6, 4]).elements(as: Float.self)
        let expected = [0, 2, 4].flatMap { row in (1..<4).map { full[row * 4 + $0] } }
        XCTAssertEqual(try view.elements(as: Float.self), expected)
        XCTAssertEqual(try NPYFile.read(dir.file("v2.npy")), Self.array(.int64, shape: [3, 2]))
    }

    func testVersion2BytesEqualNumPy() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Python.run(Self.numpyValues + """

            import sys
            with open(sys.argv[1], 'wb') as f:
                np.lib.format.write_array(f, values('<f4', (5, 2)), version=(2, 0))
            """, [dir.file("v2.npy").path])
        let swiftBytes = NPYFile.encode(Self.array(.float32, shape: [5, 2]), version: .v2)
        XCTAssertEqual(swiftBytes, try Data(contentsOf: dir.file("v2.npy")))
    }

    func testNPZRoundTripsThroughNumPyBothWays() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let archive = NPZArchive([
            ("states", Self.array(.int8, shape: [2, 3, 5])),
            ("times", Self.array(.float64, shape: [7])),
            ("mask", Self.array(.bool, shape: [3, 4])),
            ("scalar", Self.array(.float32, shape: [])),
        ])
        try archive.write(to: dir.file("swift.npz"))
        let output = try Python.run(Self.numpyValues + """

            import sys
            z = np.load(sys.argv[1])
            assert list(z.keys()) == ['states', 'times', 'mask', 'scalar'], list(z.keys())
            assert np.array_equal(z['states'], values('|i1', (2, 3, 5)))
            assert np.array_equal(z['times'], values('<f8', (7,)))
            assert np.array_equal(z['mask'], values('|b1', (3, 4)))
            assert np.array_equal(z['scalar'], values('<f4', ()))
            np.savez(sys.argv[2], b=values('<i8', (4, 4)), a=values('|u1', (300,)), c=values('<f4', (0,)))
            print('ok')
            """, [dir.file("swift.npz").path, dir.file("numpy.npz").path])
        XCTAssertEqual(output, "ok\n")
        let loaded = try NPZArchive.read(dir.file("numpy.npz"))
        XCTAssertEqual(loaded.names, ["b", "a", "c"])
        XCTAssertEqual(loaded["b"], Self.array(.int64, shape: [4, 4]))
        XCTAssertEqual(loaded["a"], Self.array(.uint8, shape: [300]))
        XCTAssertEqual(loaded["c"], Self.array(.float32, shape: [0]))
    }

    func testNumPyNPZMembersUseZip64AndStillLoad() throws {
        // np.savez forces zip64 local headers; make sure the reader is exercised on them.
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Python.run("""
            import numpy as np, sys, zipfile
            np.savez(sys.argv[1], x=np.arange(10.0))
            raw = open(sys.argv[1], 'rb').read()
            extra_len = int.from_bytes(raw[28:30], 'little')
            assert extra_len > 0 and raw[30 + len('x.npy'):][:2] == b'\\x01\\x00', 'expected a zip64 extra field'
            """, [dir.file("z.npz").path])
        let loaded = try NPZArchive.read(dir.file("z.npz"))
        XCTAssertEqual(try loaded.array("x").elements(as: Double.self), (0..<10).map(Double.init))
    }
}
