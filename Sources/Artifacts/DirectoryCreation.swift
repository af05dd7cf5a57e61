import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creating output directories with errors that say what is in the way.
public enum DirectoryCreation {
    /// Creates `directory` and any missing parents, or checks that an existing one is a writable
    /// directory; an `ArtifactError` names the path and the reason (a file in the way, an
    /// unwritable directory or parent) instead of Foundation's error text.
    public static func create(_ directory: URL) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ArtifactError(directory.path, "is a file, not a directory") }
            guard access(directory.path, W_OK | X_OK) == 0 else { throw ArtifactError(directory.path, "is a directory this user cannot write to") }
            return
        }
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            var ancestor = directory.deletingLastPathComponent()
            while !manager.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), ancestor.path != "/" {
                ancestor = ancestor.deletingLastPathComponent()
            }
            let reason = !isDirectory.boolValue ? "\(ancestor.path) is a file"
                : access(ancestor.path, W_OK) != 0 ? "\(ancestor.path) is not writable" : "\(error.localizedDescription)"
            throw ArtifactError(directory.path, "cannot create the directory: \(reason)")
        }
    }
}
