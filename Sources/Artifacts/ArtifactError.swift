/// An error reading or writing an on-disk artifact, naming the file and what is wrong with it.
public struct ArtifactError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (or archive member, as `archive.npz:member.npy`) the problem was found in.
    public let path: String
    /// A sentence saying what is wrong, for a person to act on.
    public let problem: String

    /// Creates an error for `path` describing `problem`.
    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
