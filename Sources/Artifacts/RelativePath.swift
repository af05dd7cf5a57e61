import Foundation

/// Paths written relative to a directory, so that records survive moving the tree they describe.
public enum RelativePath {
    /// `file` as a path relative to `directory` (`../upsample/snapshots.npz`); both are made
    /// absolute against the current directory first.
    public static func of(_ file: URL, from directory: URL) -> String {
        let target = file.standardizedFileURL.pathComponents, base = directory.standardizedFileURL.pathComponents
        let common = zip(target, base).prefix { $0 == $1 }.count
        let parts = Array(repeating: "..", count: base.count - common) + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// The file `path` names relative to `directory` (an absolute `path` is taken as is).
    public static func resolve(_ path: String, in directory: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path).standardizedFileURL
    }
}
