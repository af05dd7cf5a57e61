import Foundation

/// Named arrays in NumPy's `.npz` format (`np.savez` / `np.load`), in archive order.
public struct NPZArchive: Sendable {
    /// The arrays with their names (without the `.npy` suffix), in the order they are stored.
    public var entries: [(name: String, array: NumPyArray)]

    /// Creates an archive from named arrays.
    public init(_ entries: [(name: String, array: NumPyArray)]) {
        self.entries = entries
    }

    /// The member names in archive order.
    public var names: [String] { entries.map(\.name) }

    /// The array called `name`, if present.
    public subscript(name: String) -> NumPyArray? {
        entries.first { $0.name == name }?.array
    }

    /// The array called `name`, or an error naming the archive and the members it does have.
    public func array(_ name: String, in source: String = "<npz>") throws -> NumPyArray {
        guard let found = self[name] else {
            throw ArtifactError(source, "no array named '\(name)' (members: \(names.joined(separator: ", ")))")
        }
        return found
    }

    /// Loads every member of the `.npz` file at `url`; member data stays memory-mapped.
    public static func read(_ url: URL) throws -> NPZArchive {
        try decode(try NPYFile.mappedContents(of: url), source: url.path)
    }

    /// Decodes a complete `.npz` image; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> NPZArchive {
        let zip = try ZipArchive(data, source: source)
        var entries: [(name: String, array: NumPyArray)] = []
        var seen: [String: String] = [:]
        for member in zip.members {
            let name = member.name.hasSuffix(".npy") ? String(member.name.dropLast(4)) : member.name
            if let earlier = seen.updateValue(member.name, forKey: name) {
                throw ArtifactError(source, "two members, '\(earlier)' and '\(member.name)', both hold the array '\(name)'; NumPy would read the last one, so the archive is ambiguous and refused")
            }
            let contents = try zip.contents(of: member)
            entries.append((name, try NPYFile.decode(contents, source: "\(source):\(member.name)")))
        }
        return NPZArchive(entries)
    }

    /// Writes the archive to `url` atomically, one stored `name.npy` member per array as `np.savez` does.
    public func write(to url: URL) throws {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw ArtifactError(url.path, "two arrays are both named '\(name)'")
        }
        let members = entries.map { entry in
            (name: entry.name + ".npy", parts: [NPYFile.header(for: entry.array), entry.array.bytes])
        }
        try AtomicFile.write(to: url) { try ZipArchive.write(members: members, to: $0) }
    }
}
