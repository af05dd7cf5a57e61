import CZlib
import Foundation

/// Decompression of raw DEFLATE streams (RFC 1951), as zip archives store compressed members,
/// through zlib.
public enum RawInflate {
    /// A stream that is not valid DEFLATE data or does not inflate to the size its archive records.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The bytes `compressed` inflates to, which must be exactly `expectedSize` bytes.
    public static func inflate(_ compressed: Data, expectedSize: Int) throws -> Data {
        guard expectedSize >= 0 else { throw Failure(description: "negative uncompressed size \(expectedSize)") }
        var output = Data(count: expectedSize)
        var stream = z_stream()
        // Negative window bits: a raw stream without the zlib header, as zip members are stored.
        guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        // zlib counts bytes in 32 bits; one call inflates the whole member.
        guard compressed.count <= Int(UInt32.max), expectedSize <= Int(UInt32.max) else {
            throw Failure(description: "compressed members of 4 GiB or more are not supported (store large arrays uncompressed, np.savez)")
        }
        let status: Int32 = compressed.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            throw Failure(description: status == Z_BUF_ERROR ? "inflates to more than the \(expectedSize) bytes its archive records"
                                                             : "not a valid DEFLATE stream (zlib status \(status))")
        }
        guard Int(stream.total_out) == expectedSize else {
            throw Failure(description: "inflates to \(stream.total_out) bytes; its archive records \(expectedSize)")
        }
        return output
    }
}
