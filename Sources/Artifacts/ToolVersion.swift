import Foundation

/// The version of Macroscale recorded in every manifest: a release number and the git commit.
public enum ToolVersion {
    /// The release number.
    public static let release = "0.1.0"

    /// The git commit of the source tree this binary was built from (`-dirty` if it had local changes),
    /// or `unknown` when the tree is not at hand. `MACROSCALE_GIT_COMMIT` overrides it.
    public static let commit: String = {
        if let override = ProcessInfo.processInfo.environment["MACROSCALE_GIT_COMMIT"], !override.isEmpty {
            return override
        }
        // This file lives at <root>/Sources/Artifacts/ToolVersion.swift.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", root.path, "describe", "--always", "--dirty", "--abbrev=40", "--match=NO-TAGS"]
        let output = Pipe()
        git.standardOutput = output
        git.standardError = FileHandle.nullDevice
        do {
            try git.run()
        } catch {
            return "unknown"
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        git.waitUntilExit()
        return git.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
    }()

    /// `release (commit)`, as manifests and `macroscale version` show it.
    public static var description: String { "\(release) (\(commit))" }
}
