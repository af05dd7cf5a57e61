import Foundation
import Inflate

/// The subset of the zip format that NumPy's `.npz` files use: stored (uncompressed) members, with
/// zip64 extensions for large members and archives. Reads from one (memory-mapped) buffer.
struct ZipArchive {
    /// One member as listed in the central directory.
    struct Member {
        var name: String
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    let members: [Member]
    private let data: Data
    private let source: String

    private static let localHeaderSignature: UInt32 = 0x0403_4B50
    private static let centralHeaderSignature: UInt32 = 0x0201_4B50
    private static let endRecordSignature: UInt32 = 0x0605_4B50
    private static let zip64EndRecordSignature: UInt32 = 0x0606_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64ExtraID: UInt16 = 0x0001
    private static let saturated32: UInt32 = 0xFFFF_FFFF
    /// Bytes of a central directory entry before its name, extra field and comment.
    private static let centralHeaderSize = 46
    /// Bytes of a local header before its name and extra field.
    private static let localHeaderSize = 30

    /// Parses the central directory of the archive in `data`; `source` names it in errors.
    init(_ data: Data, source: String) throws {
        self.data = data
        self.source = source
        var reader = LittleEndianReader(data, source: source)
        let end = try ZipArchive.findEndRecord(in: data, source: source)
        reader.offset = end + 10
        var entryCount = Int(try reader.uint16())
        var directorySize = Int(try reader.uint32())
        var directoryOffset = Int(try reader.uint32())
        if end >= 20, try reader.uint32(at: end - 20) == ZipArchive.zip64LocatorSignature {
            let record = try reader.int(reader.uint64(at: end - 12), "the zip64 end record offset")
            // The 56-byte zip64 end record lies before its 20-byte locator.
            guard record <= end - 76, try reader.uint32(at: record) == ZipArchive.zip64EndRecordSignature else {
                throw ArtifactError(source, "corrupt zip: zip64 end record missing at offset \(record)")
            }
            entryCount = try reader.int(reader.uint64(at: record + 32), "the zip64 entry count")
            directorySize = try reader.int(reader.uint64(at: record + 40), "the zip64 central directory size")
            directoryOffset = try reader.int(reader.uint64(at: record + 48), "the zip64 central directory offset")
        }
        guard directorySize <= end, directoryOffset <= end - directorySize else {
            throw ArtifactError(source, "corrupt zip: central directory (offset \(directoryOffset), \(directorySize) bytes) lies outside the file")
        }
        guard entryCount <= directorySize / ZipArchive.centralHeaderSize else {
            throw ArtifactError(source, "corrupt zip: \(entryCount) central directory entries cannot fit in its \(directorySize) bytes")
        }
        reader.offset = directoryOffset
        var members: [Member] = []
        for index in 0..<entryCount {
            guard try reader.uint32() == ZipArchive.centralHeaderSignature else {
                throw ArtifactError(source, "corrupt zip: central directory entry \(index) has a bad signature")
            }
            reader.offset += 6
            let method = try reader.uint16()
            reader.offset += 4
            let crc = try reader.uint32()
            let compressed32 = try reader.uint32()
            let uncompressed32 = try reader.uint32()
            let nameLength = Int(try reader.uint16())
            let extraLength = Int(try reader.uint16())
            let commentLength = Int(try reader.uint16())
            reader.offset += 8
            let offset32 = try reader.uint32()
            let name = String(decoding: try reader.bytes(nameLength), as: UTF8.self)
            let extraEnd = reader.offset + extraLength
            var member = Member(name: name, method: method, crc32: crc, compressedSize: Int(compressed32),
                                uncompressedSize: Int(uncompressed32), localHeaderOffset: Int(offset32))
            // The zip64 extra field holds, in this order, only the fields saturated at 0xFFFFFFFF.
            while reader.offset + 4 <= extraEnd {
                let id = try reader.uint16()
                let size = Int(try reader.uint16())
                let fieldEnd = reader.offset + size
                if id == ZipArchive.zip64ExtraID {
                    if uncompressed32 == ZipArchive.saturated32 { member.uncompressedSize = try reader.int(reader.uint64(), "the zip64 size of '\(name)'") }
                    if compressed32 == ZipArchive.saturated32 { member.compressedSize = try reader.int(reader.uint64(), "the zip64 compressed size of '\(name)'") }
                    if offset32 == ZipArchive.saturated32 { member.localHeaderOffset = try reader.int(reader.uint64(), "the zip64 offset of '\(name)'") }
                }
                reader.offset = fieldEnd
            }
            reader.offset = extraEnd + commentLength
            members.append(member)
        }
        self.members = members
    }

    /// The bytes of a member, checked against its CRC-32: for a stored member a slice of the
    /// archive, not a copy; a deflated one (`np.savez_compressed`) is inflated first.
    func contents(of member: Member) throws -> Data {
        let label = "\(source):\(member.name)"
        guard member.method == 0 || member.method == 8 else {
            throw ArtifactError(label, "member is compressed with method \(member.method); only stored (np.savez) and deflated (np.savez_compressed) members are supported")
        }
        let reader = LittleEndianReader(data, source: source)
        guard member.localHeaderOffset <= data.count - ZipArchive.localHeaderSize,
              try reader.uint32(at: member.localHeaderOffset) == ZipArchive.localHeaderSignature else {
            throw ArtifactError(label, "corrupt zip: no local header at offset \(member.localHeaderOffset)")
        }
        let nameLength = Int(try reader.uint16(at: member.localHeaderOffset + 26))
        let extraLength = Int(try reader.uint16(at: member.localHeaderOffset + 28))
        // At most 30 + 2 × 65535 bytes past an offset inside the file: no overflow.
        let start = member.localHeaderOffset + ZipArchive.localHeaderSize + nameLength + extraLength
        guard member.method == 8 || member.compressedSize == member.uncompressedSize, start <= data.count, member.compressedSize <= data.count - start else {
            throw ArtifactError(label, "truncated or corrupt zip: member data (\(member.compressedSize) bytes at offset \(start)) runs past the end of the \(data.count)-byte archive")
        }
        var slice = data[(data.startIndex + start)..<(data.startIndex + start + member.compressedSize)]
        if member.method == 8 {
            // DEFLATE expands at most about 1032-fold: a larger recorded size is a lie, refused before allocating it.
            guard member.uncompressedSize / 1032 <= member.compressedSize else {
                throw ArtifactError(label, "corrupt zip: \(member.compressedSize) compressed bytes cannot inflate to the \(member.uncompressedSize) recorded")
            }
            try MemoryBudget.check(member.uncompressedSize, for: "\(label): inflating this compressed member")
            do { slice = try RawInflate.inflate(slice, expectedSize: member.uncompressedSize) } catch let failure as RawInflate.Failure {
                throw ArtifactError(label, "corrupt compressed member: \(failure.description)")
            }
        }
        let crc = slice.withUnsafeBytes { CRC32.checksum($0) }
        guard crc == member.crc32 else {
            throw ArtifactError(label, "corrupt zip: CRC-32 of the member data is \(String(format: "%08x", crc)), the archive records \(String(format: "%08x", member.crc32))")
        }
        return slice
    }

    /// Finds the end-of-central-directory record, searching back over a possible archive comment.
    private static func findEndRecord(in data: Data, source: String) throws -> Int {
        guard data.count >= 22 else {
            throw ArtifactError(source, "not a zip archive (\(data.count) bytes, too short for an end-of-central-directory record); truncated or corrupt .npz")
        }
        let reader = LittleEndianReader(data, source: source)
        let earliest = max(0, data.count - 22 - 0xFFFF)
        var position = data.count - 22
        while position >= earliest {
            if try reader.uint32(at: position) == endRecordSignature { return position }
            position -= 1
        }
        throw ArtifactError(source, "not a zip archive (no end-of-central-directory record); truncated or corrupt .npz")
    }

    /// Writes stored members in the layout `np.savez` produces, switching to zip64 records where sizes
    /// or offsets exceed 32 bits. Timestamps are fixed (1980-01-01) so equal inputs give equal bytes.
    static func write(members: [(name: String, parts: [Data])], to sink: ByteSink) throws {
        var directory: [UInt8] = []
        for member in members {
            let offset = sink.bytesWritten
            var crc = CRC32()
            var size = 0
            for part in member.parts {
                part.withUnsafeBytes { crc.update($0) }
                size += part.count
            }
            let name = Array(member.name.utf8)
            let large = size >= Int(saturated32)
            let farOffset = offset >= Int(saturated32)
            // Local header: zip64 sizes in its extra field when the member is large.
            var local = LittleEndianWriter()
            local.uint32(localHeaderSignature)
            local.uint16(large ? 45 : 20)
            local.uint16(0); local.uint16(0); local.uint16(0); local.uint16(0x21) // flags, stored, 00:00, 1980-01-01
            local.uint32(crc.value)
            local.uint32(large ? saturated32 : UInt32(size)); local.uint32(large ? saturated32 : UInt32(size))
            local.uint16(UInt16(name.count)); local.uint16(large ? 20 : 0)
            local.bytes.append(contentsOf: name)
            if large {
                local.uint16(zip64ExtraID); local.uint16(16); local.uint64(UInt64(size)); local.uint64(UInt64(size))
            }
            try sink.write(local.bytes)
            for part in member.parts { try sink.write(part) }

            var central = LittleEndianWriter()
            var extra = LittleEndianWriter()
            if large { extra.uint64(UInt64(size)); extra.uint64(UInt64(size)) }
            if farOffset { extra.uint64(UInt64(offset)) }
            central.uint32(centralHeaderSignature)
            central.uint16(45); central.uint16(large || farOffset ? 45 : 20)
            central.uint16(0); central.uint16(0); central.uint16(0); central.uint16(0x21)
            central.uint32(crc.value)
            central.uint32(large ? saturated32 : UInt32(size)); central.uint32(large ? saturated32 : UInt32(size))
            central.uint16(UInt16(name.count)); central.uint16(extra.bytes.isEmpty ? 0 : UInt16(4 + extra.bytes.count)); central.uint16(0)
            central.uint16(0); central.uint16(0); central.uint32(0o600 << 16)
            central.uint32(farOffset ? saturated32 : UInt32(offset))
            central.bytes.append(contentsOf: name)
            if !extra.bytes.isEmpty {
                central.uint16(zip64ExtraID); central.uint16(UInt16(extra.bytes.count))
                central.bytes.append(contentsOf: extra.bytes)
            }
            directory.append(contentsOf: central.bytes)
        }
        let directoryOffset = sink.bytesWritten
        try sink.write(directory)
        var end = LittleEndianWriter()
        let needsZip64 = directoryOffset + directory.count >= Int(saturated32) || members.count >= 0xFFFF
        if needsZip64 {
            let recordOffset = sink.bytesWritten
            end.uint32(zip64EndRecordSignature); end.uint64(44)
            end.uint16(45); end.uint16(45); end.uint32(0); end.uint32(0)
            end.uint64(UInt64(members.count)); end.uint64(UInt64(members.count))
            end.uint64(UInt64(directory.count)); end.uint64(UInt64(directoryOffset))
            end.uint32(zip64LocatorSignature); end.uint32(0); end.uint64(UInt64(recordOffset)); end.uint32(1)
        }
        end.uint32(endRecordSignature)
        end.uint16(0); end.uint16(0)
        end.uint16(needsZip64 ? 0xFFFF : UInt16(members.count)); end.uint16(needsZip64 ? 0xFFFF : UInt16(members.count))
        end.uint32(needsZip64 ? saturated32 : UInt32(directory.count))
        end.uint32(needsZip64 ? saturated32 : UInt32(directoryOffset))
        end.uint16(0)
        try sink.write(end.bytes)
    }
}

/// Bounds-checked little-endian reads from a buffer; running past the end is a "truncated" error.
private struct LittleEndianReader {
    let data: Data
    let source: String
    var offset = 0

    init(_ data: Data, source: String) {
        self.data = data
        self.source = source
    }

    private func read(_ width: Int, at position: Int) throws -> UInt64 {
        guard position >= 0, position <= data.count - width else {
            throw ArtifactError(source, "truncated or corrupt zip: a record at offset \(position) runs past the end of the \(data.count)-byte file")
        }
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(data[data.startIndex + position + i]) << (8 * UInt64(i)) }
        return value
    }

    func uint16(at position: Int) throws -> UInt16 { UInt16(try read(2, at: position)) }
    func uint32(at position: Int) throws -> UInt32 { UInt32(try read(4, at: position)) }
    func uint64(at position: Int) throws -> UInt64 { try read(8, at: position) }

    mutating func uint16() throws -> UInt16 { defer { offset += 2 }; return try uint16(at: offset) }
    mutating func uint32() throws -> UInt32 { defer { offset += 4 }; return try uint32(at: offset) }
    mutating func uint64() throws -> UInt64 { defer { offset += 8 }; return try uint64(at: offset) }

    /// `value` as an `Int`, or a "corrupt zip" error naming `what` when it does not fit.
    func int(_ value: UInt64, _ what: String) throws -> Int {
        guard let exact = Int(exactly: value) else {
            throw ArtifactError(source, "corrupt zip: \(what) (\(value)) is larger than any file")
        }
        return exact
    }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard offset <= data.count - count else {
            throw ArtifactError(source, "truncated or corrupt zip: a name at offset \(offset) runs past the end of the file")
        }
        defer { offset += count }
        return Array(data[(data.startIndex + offset)..<(data.startIndex + offset + count)])
    }
}

/// Appends little-endian integers to a byte array.
private struct LittleEndianWriter {
    var bytes: [UInt8] = []
    mutating func uint16(_ value: UInt16) { for i in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) } }
    mutating func uint32(_ value: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) } }
    mutating func uint64(_ value: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) } }
}
