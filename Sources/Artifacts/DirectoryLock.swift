import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a directory that one `macroscale` process writes — a stage directory, or a
/// pipeline's run root — so that a second process writing there is refused at once instead of
/// replacing the first one's outputs.
///
/// The lock is `flock(2)` on the file `.macroscale.lock` in the directory, created the first time
/// and kept (it holds the process id of the latest holder, for the message). The kernel releases
/// the lock when its holder ends, however it ends, so a killed run leaves no stale lock behind.
public final class DirectoryLock {
    /// The lock file's name in a locked directory.
    public static let fileName = ".macroscale.lock"
    private var descriptor: Int32

    /// Locks `directory`, which must exist; if another process holds the lock, throws an
    /// `ArtifactError` naming the directory and that process. `what` says what is being written
    /// (`this stage`, `this pipeline run`), for the message.
    public init(_ directory: URL, for what: String) throws {
        let url = directory.appendingPathComponent(Self.fileName)
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ArtifactError(directory.path, "cannot create its lock file \(Self.fileName): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            close(descriptor)
            descriptor = -1
            guard reason == EWOULDBLOCK else {
                throw ArtifactError(url.path, "cannot lock: \(String(cString: strerror(reason)))")
            }
            let holder = (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ArtifactError(directory.path, "another macroscale process\(holder.map { " (pid \($0))" } ?? "") is writing \(what) here; wait for it to finish, or write elsewhere")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        try? handle.truncate(atOffset: 0)
        try? handle.write(contentsOf: Data("\(getpid())\n".utf8))
    }

    /// Releases the lock (also released when the lock is deallocated or the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
