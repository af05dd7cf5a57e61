/// The names a pipeline turns into directories — its own name, its profiles, its stages and the
/// copies of swept stages — kept to one ordinary directory name each, so that every stage writes
/// under the run root (issue 14, finding 4: a stage named `../../x` wrote outside it).
enum DirectoryName {
    /// The longest name a file system takes for one directory.
    static let maximumBytes = 255
    private static let alphanumerics = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    private static let punctuation = Set("._-+,".utf8)

    /// Throws unless `name` is at most 255 bytes of ASCII letters, digits and `.` `_` `-` `+` `,`,
    /// starting with a letter or a digit — never `.`, `..`, a hidden name, a path or an option;
    /// `what` says whose name it is in the error.
    static func check(_ name: String, _ what: String) throws {
        guard let first = name.utf8.first, alphanumerics.contains(first), name.utf8.count <= maximumBytes,
              name.utf8.allSatisfy({ alphanumerics.contains($0) || punctuation.contains($0) }) else {
            throw PipelineError("\(what) '\(name)' cannot name a directory: use 1 to \(maximumBytes) letters, digits, '.', '_', '-', '+' or ',', starting with a letter or a digit")
        }
    }
}
