import Artifacts
import Foundation

/// The configuration every run of an alloy starts from, read from a LAMMPS dump file (`LAMMPSDump`),
/// with the file's path and SHA-256 so that a manifest names the file it was made with.
///
/// A configuration records `initialDump` (the path), `initialDumpSHA256` and `latticeConstant` (Å,
/// default 3.24, by which the box is divided into cells); a system rebuilt from it reads the file
/// again and refuses it if its digest is not the recorded one.
public struct InitialDump: Sendable {
    /// The configuration in the file.
    public let configuration: Grid<Int8>
    /// The file's path, as given.
    public let path: String
    /// The file's SHA-256, of the bytes that were read.
    public let sha256: String
    /// The lattice constant in Å the box was divided by.
    public let latticeConstant: Double

    /// Reads the dump file at `path` on a lattice of constant `latticeConstant` Å.
    public init(contentsOf path: String, latticeConstant: Double = NNKEnvironment.latticeConstant) throws {
        let data = try DumpLines.contents(of: URL(fileURLWithPath: path))
        configuration = try LAMMPSDump.configuration(from: data, source: path, latticeConstant: latticeConstant)
        self.path = path
        sha256 = SHA256.hex(data)
        self.latticeConstant = latticeConstant
    }

    /// The dump a configuration names in `initialDump`, nil if it names none; when it records
    /// `initialDumpSHA256`, the file must still have that digest.
    init?(configuration: SystemConfiguration) throws {
        guard configuration.values["initialDump"] != nil else { return nil }
        let path = try configuration.string("initialDump")
        try self.init(contentsOf: path, latticeConstant: try configuration.number("latticeConstant", default: NNKEnvironment.latticeConstant))
        if configuration.values["initialDumpSHA256"] != nil {
            let recorded = try configuration.string("initialDumpSHA256")
            guard recorded == sha256 else {
                throw ConfigurationError("the initial dump at \(path) has SHA-256 \(sha256), not the recorded \(recorded)")
            }
        }
    }

    /// Cells per axis of the file's box.
    public var cells: Int { configuration.spatialShape[0] }

    /// Sites without an atom.
    public var vacancies: Int { configuration.values.lazy.filter { $0 == AlloySpecies.vacancy.rawValue }.count }

    /// The entries a configuration records.
    var entries: [String: JSONValue] {
        ["initialDump": .string(path), "initialDumpSHA256": .string(sha256), "latticeConstant": .number(latticeConstant)]
    }
}
