import Foundation

/// The version of Macroscale recorded in every manifest: a release number and the git commit.
public enum ToolVersion {
    /// The release number.
    public static let release = "0.1.0"

    /// The git commit of the source tree this binary was built from (`-dirty` if it had local
    /// changes, `unknown` outside a git checkout), stamped at build time by the BuildProvenance
    /// plugin. `MACROSCALE_GIT_COMMIT` overrides it.
    public static let commit: String = {
        if let override = ProcessInfo.processInfo.environment["MACROSCALE_GIT_COMMIT"], !override.isEmpty {
            return override
        }
        return BuildProvenance.commit
    }()

    /// `release (commit)`, as manifests and `macroscale version` show it.
    public static var description: String { "\(release) (\(commit))" }
}
