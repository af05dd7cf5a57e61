import Foundation

/// The check that a stage's output directory is apart from what the stage reads (issue 14,
/// finding 4: `upsample --input D --out D` replaced D's manifest and exited 0).
enum InputOverlap {
    /// Throws an `ArtifactError` naming `directory` if it is one of `inputs` or holds one, however
    /// the paths are spelled: both sides are compared with `.`, `..` and symbolic links resolved.
    static func check(_ directory: URL, against inputs: [String]) throws {
        let out = canonicalPath(directory)
        for input in inputs {
            let path = canonicalPath(URL(fileURLWithPath: input))
            guard path != out, !path.hasPrefix(out == "/" ? "/" : out + "/") else {
                throw ArtifactError(directory.path, "holds the stage's input \(input): a stage cannot write where it reads; choose another --out")
            }
        }
    }

    /// `url`'s absolute path with symbolic links resolved in the part that exists and `.` and `..`
    /// taken away in the part that does not yet.
    static func canonicalPath(_ url: URL) -> String {
        let components = url.path.split(separator: "/").map(String.init)
        var existing = components.count
        while existing > 0 && !FileManager.default.fileExists(atPath: "/" + components[..<existing].joined(separator: "/")) {
            existing -= 1
        }
        var resolved = URL(fileURLWithPath: "/" + components[..<existing].joined(separator: "/")).resolvingSymlinksInPath()
            .path.split(separator: "/").map(String.init)
        for component in components[existing...] {
            switch component {
            case ".": continue
            case "..": _ = resolved.popLast()
            default: resolved.append(component)
            }
        }
        return "/" + resolved.joined(separator: "/")
    }
}
