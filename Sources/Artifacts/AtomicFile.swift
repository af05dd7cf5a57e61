import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that it is either absent or complete: bytes go to a temporary file in the same
/// directory, which is flushed to disk (`fsync`) and then renamed over the destination.
///
/// An interrupted write (Ctrl-C, `kill -9`, power loss after the rename) never leaves a partial file
/// under the final name; at worst a `.<name>.tmp-*` file remains, which nothing reads and
/// the stage's next run removes (`removeLeftovers`).
public enum AtomicFile {
    /// Streams the file's contents through `body` and publishes it atomically at `url`.
    public static func write(to url: URL, _ body: (ByteSink) throws -> Void) throws {
        let directory = url.deletingLastPathComponent()
        try DirectoryCreation.create(directory)
        let temporary = temporaryFile(for: url)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ArtifactError(url.path, "cannot create a temporary file beside it: \(String(cString: strerror(errno)))")
        }
        var published = false
        defer {
            if !published { unlink(temporary.path) }
        }
        do {
            let sink = ByteSink(descriptor: descriptor, path: url.path)
            try body(sink)
            try sink.flush()
            guard fsync(descriptor) == 0 else { throw ArtifactError(url.path, "fsync failed: \(String(cString: strerror(errno)))") }
        } catch {
            close(descriptor)
            throw error
        }
        close(descriptor)
        guard rename(temporary.path, url.path) == 0 else {
            throw ArtifactError(url.path, "cannot move the finished file into place: \(String(cString: strerror(errno)))")
        }
        published = true
        syncDirectory(directory)
    }

    /// Publishes `data` atomically at `url`.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { try $0.write(data) }
    }

    /// The temporary file `write` publishes `url` from: `.NAME.tmp-PID-RANDOM` beside it.
    private static func temporaryFile(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent)\(temporaryMarker)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    }

    private static let temporaryMarker = ".tmp-"

    /// Whether `name` is a temporary file of `write`'s, `.NAME.tmp-PID-RANDOM`.
    static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), let marker = name.range(of: temporaryMarker, options: .backwards),
              marker.lowerBound > name.index(after: name.startIndex) else { return false }
        let numbers = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        return numbers.count == 2 && numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }
    }

    /// Deletes the temporary files that writes interrupted by a kill left in `directory` and in
    /// its subdirectories (a report folder) that are not directories of another stage or run —
    /// run by the one process that holds `directory`'s `DirectoryLock`, so no write is under way.
    public static func removeLeftovers(in directory: URL) throws {
        let manager = FileManager.default
        for name in (try? manager.contentsOfDirectory(atPath: directory.path)) ?? [] {
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
            if !isDirectory.boolValue {
                if isTemporaryName(name) { try removeLeftover(url) }
            } else if ![StageManifest.fileName, DirectoryLock.fileName].contains(where: { manager.fileExists(atPath: url.appendingPathComponent($0).path) }) {
                for inner in (try? manager.contentsOfDirectory(atPath: url.path)) ?? [] where isTemporaryName(inner) {
                    try removeLeftover(url.appendingPathComponent(inner))
                }
            }
        }
    }

    private static func removeLeftover(_ url: URL) throws {
        guard unlink(url.path) == 0 || errno == ENOENT else {
            throw ArtifactError(url.path, "cannot remove this temporary file left by an interrupted write: \(String(cString: strerror(errno)))")
        }
    }

    /// Flushes a directory entry so that a completed rename survives a crash.
    private static func syncDirectory(_ directory: URL) {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}

/// A buffered, write-only byte stream over a file descriptor that counts what it has written.
public final class ByteSink {
    private let descriptor: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private static let bufferLimit = 1 << 20
    /// Bytes accepted so far (written or buffered).
    public private(set) var bytesWritten = 0

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
        buffer.reserveCapacity(ByteSink.bufferLimit)
    }

    /// Appends raw bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        bytesWritten += bytes.count
        if buffer.count + bytes.count <= ByteSink.bufferLimit {
            buffer.append(contentsOf: bytes)
            return
        }
        try flush()
        try writeFully(bytes)
    }

    /// Appends the contents of `data`.
    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    /// Appends `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Hands every buffered byte to the operating system.
    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeFully($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = posixWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw ArtifactError(path, "write failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}

/// The POSIX `write(2)`, named apart from `ByteSink.write`.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
