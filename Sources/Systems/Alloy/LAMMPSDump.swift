import Artifacts
import Foundation

/// An alloy configuration as one snapshot of a LAMMPS text dump file (Docs/SYSTEMS.md, *NbMoTa
/// alloy*, *Dump files*).
///
/// Written: `ITEM: TIMESTEP`, `ITEM: NUMBER OF ATOMS`, `ITEM: BOX BOUNDS pp pp pp` with 0 … n·a on
/// each axis, then `ITEM: ATOMS id type x y z`: the atoms only (a vacancy is a site without an
/// atom), types 1 Nb, 2 Mo, 3 Ta (the site codes), ids 1 … A in site order, site (c, i, j, k) at
/// ((i + c/2)·a, (j + c/2)·a, (k + c/2)·a) Å.
///
/// Read: the box must be orthogonal, periodic (`pp pp pp`) and cubic, n = L/a an integer within
/// 10⁻³ relative on every axis; the ATOMS header names the columns, in any order, with positions as
/// `x y z` or `xu yu zu` (Å) or `xs ys zs` or `xsu ysu zsu` (fractions of the box), further columns
/// ignored. Every atom is snapped to its BCC site, periodically, and refused if it lies farther than
/// `siteTolerance` from it; sites without an atom are vacancies. Refused, with the line: a type
/// outside 1–3, two atoms on one site, repeated ids, non-finite or malformed numbers, a file that
/// ends early or holds more atoms than its header, and a second snapshot.
public enum LAMMPSDump {
    /// How far from its BCC site an atom may lie, in Å.
    public static let siteTolerance = 0.25
    /// How far from an integer the box length over the lattice constant may be, relative.
    public static let cellTolerance = 1e-3
    /// The position columns understood, each with whether it is a fraction of the box.
    static let positionColumns: [(names: [String], scaled: Bool)] = [
        (["x", "y", "z"], false), (["xu", "yu", "zu"], false), (["xs", "ys", "zs"], true), (["xsu", "ysu", "zsu"], true),
    ]

    /// The dump text of `configuration` (two components on [n, n, n] cells, site codes 0–3) on a
    /// lattice of constant `latticeConstant` Å, labelled with `timestep`.
    public static func text(of configuration: Grid<Int8>, latticeConstant: Double = NNKEnvironment.latticeConstant,
                            timestep: Int = 0) -> String {
        let shape = configuration.spatialShape
        precondition(configuration.components == 2 && shape.count == 3 && Set(shape).count == 1,
                     "a dump holds an alloy configuration of n × n × n cells, got \(configuration.components) components on \(shape)")
        let lattice = BCCLattice(shape: shape), cells = shape[0]
        let coordinates = (0..<(2 * cells)).map { String(format: "%.6f", Double($0) * latticeConstant / 2) }
        let length = String(format: "%.6f", Double(cells) * latticeConstant)
        let atoms = configuration.values.indices.filter { configuration.values[$0] != AlloySpecies.vacancy.rawValue }
        var lines = ["ITEM: TIMESTEP", "\(timestep)", "ITEM: NUMBER OF ATOMS", "\(atoms.count)", "ITEM: BOX BOUNDS pp pp pp"]
        lines += [String](repeating: "0.000000 \(length)", count: 3)
        lines.append("ITEM: ATOMS id type x y z")
        for (number, site) in atoms.enumerated() {
            let code = configuration.values[site]
            precondition(AlloyModel.isValidSite(code), "site \(site) holds \(code), not a species code")
            let voxel = lattice.voxel(of: site)
            lines.append("\(number + 1) \(code) \(coordinates[voxel.x]) \(coordinates[voxel.y]) \(coordinates[voxel.z])")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `configuration` as a dump file at `url` (atomically).
    public static func write(_ configuration: Grid<Int8>, to url: URL, latticeConstant: Double = NNKEnvironment.latticeConstant,
                             timestep: Int = 0) throws {
        try AtomicFile.write(Data(text(of: configuration, latticeConstant: latticeConstant, timestep: timestep).utf8), to: url)
    }

    /// The configuration in the dump text `data`, on a lattice of constant `latticeConstant` Å;
    /// `source` names the file in errors.
    public static func configuration(from data: Data, source: String,
                                     latticeConstant: Double = NNKEnvironment.latticeConstant) throws -> Grid<Int8> {
        guard latticeConstant.isFinite, latticeConstant > 0 else {
            throw ArtifactError(source, "the lattice constant must be a finite positive number of Å, got \(latticeConstant)")
        }
        var reader = DumpLines(data: data, source: source)
        try reader.item("TIMESTEP")
        _ = try reader.integer("the timestep")
        try reader.item("NUMBER OF ATOMS")
        let (atomCount, countLine) = try reader.integer("the number of atoms")
        guard atomCount >= 0 else { throw reader.error(countLine, "the number of atoms is negative (\(atomCount))") }
        let box = try PeriodicBox(reading: &reader, latticeConstant: latticeConstant)
        let sites = box.lattice.siteCount
        guard atomCount <= sites else {
            throw reader.error(countLine, "\(atomCount) atoms do not fit on the \(sites) sites of \(box.cells)³ cells")
        }
        try MemoryBudget.check(MemoryBudget.bytes(sites, 2), for: "reading \(source): \(sites) sites")
        let columns = try AtomColumns(header: try reader.item("ATOMS"), line: reader.lineNumber, source: source)
        var values = [Int8](repeating: AlloySpecies.vacancy.rawValue, count: sites)
        var lineOfID: [Int: Int] = [:], lineOfSite: [Int: Int] = [:]
        lineOfID.reserveCapacity(atomCount)
        lineOfSite.reserveCapacity(atomCount)
        for atom in 0..<atomCount {
            guard let (line, fields) = reader.nextLine() else {
                throw ArtifactError(source, "ends after \(atom) of the \(atomCount) atoms announced at line \(countLine)")
            }
            guard fields.first != "ITEM:" else {
                throw reader.error(line, "an ITEM where atom \(atom + 1) of the \(atomCount) announced at line \(countLine) was expected")
            }
            let (id, code, position) = try columns.atom(fields, line: line)
            if let first = lineOfID.updateValue(line, forKey: id) {
                throw reader.error(line, "atom id \(id) again (first at line \(first))")
            }
            let site = try box.site(of: position, scaled: columns.scaled, line: line, source: source)
            if let first = lineOfSite.updateValue(line, forKey: site) {
                throw reader.error(line, "atom id \(id) is on the site of the atom at line \(first): two atoms on one site")
            }
            values[site] = code
        }
        if let (line, fields) = reader.nextLine() {
            throw reader.error(line, fields.starts(with: ["ITEM:", "TIMESTEP"])
                ? "a second snapshot: the file must hold one timestep (extract one, e.g. with LAMMPS' rerun or a text editor)"
                : "more atom lines than the \(atomCount) announced at line \(countLine)")
        }
        return Grid(components: 2, spatialShape: box.lattice.shape, values: values)
    }

    /// The configuration in the dump file at `url`.
    public static func configuration(contentsOf url: URL, latticeConstant: Double = NNKEnvironment.latticeConstant) throws -> Grid<Int8> {
        try configuration(from: DumpLines.contents(of: url), source: url.path, latticeConstant: latticeConstant)
    }
}

/// The lines of a dump file, read one after another, split into whitespace-separated fields.
struct DumpLines {
    let lines: [Substring]
    let source: String
    /// Lines read so far: the 1-based number of the last one read.
    private(set) var lineNumber = 0

    init(data: Data, source: String) {
        // Split as bytes: splitting a 20 MB text by Characters is ten times slower.
        var lines = String(decoding: data, as: UTF8.self).utf8
            .split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Substring.init)
        while lines.last.map({ DumpLines.fields(of: $0).isEmpty }) == true { lines.removeLast() }
        self.lines = lines
        self.source = source
    }

    /// The bytes of the file at `url`, or an error naming it.
    static func contents(of url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ArtifactError(url.path, "cannot read the dump file: \(error.localizedDescription)")
        }
    }

    /// An error at line `line`.
    func error(_ line: Int, _ problem: String) -> ArtifactError {
        ArtifactError(source, "line \(line): \(problem)")
    }

    /// The next line's number and fields, or nil at the end.
    mutating func nextLine() -> (number: Int, fields: [Substring])? {
        guard lineNumber < lines.count else { return nil }
        lineNumber += 1
        return (lineNumber, DumpLines.fields(of: lines[lineNumber - 1]))
    }

    /// The fields of `line`, separated by spaces, tabs and carriage returns.
    static func fields(of line: Substring) -> [Substring] {
        line.utf8.split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }.map(Substring.init)
    }

    /// The next line, which `what` describes for the error if the file ends.
    mutating func requiredLine(_ what: String) throws -> (number: Int, fields: [Substring]) {
        guard let line = nextLine() else { throw ArtifactError(source, "ends where \(what) was expected") }
        return line
    }

    /// Reads the line `ITEM: name …` and returns the fields after the name.
    @discardableResult
    mutating func item(_ name: String) throws -> [Substring] {
        let (line, fields) = try requiredLine("ITEM: \(name)")
        let words: [Substring] = ["ITEM:"] + name.split(separator: " ")
        guard fields.starts(with: words) else {
            throw error(line, "expected 'ITEM: \(name)', found '\(fields.joined(separator: " ").prefix(80))'")
        }
        return Array(fields.dropFirst(words.count))
    }

    /// Reads a line holding one integer, `what`.
    mutating func integer(_ what: String) throws -> (value: Int, line: Int) {
        let (line, fields) = try requiredLine(what)
        guard fields.count == 1, let value = Int(fields[0]) else {
            throw error(line, "expected \(what), one integer, found '\(fields.joined(separator: " ").prefix(80))'")
        }
        return (value, line)
    }
}

/// The `ITEM: ATOMS` header: where the id, the type and the three coordinates are among the columns.
struct AtomColumns {
    let count: Int
    let id: Int
    let type: Int
    let position: [Int]
    /// Whether positions are fractions of the box (`xs ys zs`) rather than Å.
    let scaled: Bool
    let source: String

    init(header: [Substring], line: Int, source: String) throws {
        let names = header.map(String.init)
        if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw ArtifactError(source, "line \(line): the ATOMS column '\(repeated)' appears twice")
        }
        guard let id = names.firstIndex(of: "id"), let type = names.firstIndex(of: "type"),
              let (columns, scaled) = LAMMPSDump.positionColumns.first(where: { $0.names.allSatisfy(names.contains) }) else {
            throw ArtifactError(source, "line \(line): the ATOMS columns '\(names.joined(separator: " "))' need id, type and positions (x y z, xu yu zu, xs ys zs or xsu ysu zsu)")
        }
        self.count = names.count
        self.id = id
        self.type = type
        position = columns.map { names.firstIndex(of: $0)! }
        self.scaled = scaled
        self.source = source
    }

    /// The id, species code and position of the atom on a line with `fields`.
    func atom(_ fields: [Substring], line: Int) throws -> (id: Int, code: Int8, position: [Double]) {
        func refuse(_ problem: String) -> ArtifactError { ArtifactError(source, "line \(line): \(problem)") }
        guard fields.count == count else { throw refuse("\(fields.count) values where the ATOMS header has \(count) columns") }
        guard let id = Int(fields[id]), id >= 1 else { throw refuse("the atom id '\(fields[id])' is not a positive integer") }
        guard let type = Int(fields[type]), (1...3).contains(type) else {
            throw refuse("atom id \(id) has type '\(fields[type])': types are 1 (Nb), 2 (Mo) and 3 (Ta)")
        }
        let position = try self.position.map { column -> Double in
            guard let value = Double(fields[column]), value.isFinite else {
                throw refuse("atom id \(id) has coordinate '\(fields[column])', not a finite number")
            }
            return value
        }
        return (id, Int8(type), position)
    }
}

/// The periodic cubic box of a dump, with the BCC lattice that fills it.
struct PeriodicBox {
    let lower: [Double]
    let length: [Double]
    let cells: Int
    let lattice: BCCLattice

    /// Reads `ITEM: BOX BOUNDS pp pp pp` and its three lines of bounds.
    init(reading reader: inout DumpLines, latticeConstant: Double) throws {
        let flags = try reader.item("BOX BOUNDS")
        let header = reader.lineNumber
        guard flags.count == 3 else {
            throw reader.error(header, flags.count == 6 ? "a triclinic box (tilt factors \(flags.prefix(3).joined(separator: " "))): only orthogonal boxes hold the cubic lattice"
                : "expected the boundary flags 'pp pp pp', found '\(flags.joined(separator: " "))'")
        }
        guard flags.allSatisfy({ $0 == "pp" }) else {
            throw reader.error(header, "the box must be periodic on every axis ('pp pp pp'), found '\(flags.joined(separator: " "))'")
        }
        var lower: [Double] = [], length: [Double] = [], cells: [Int] = []
        for axis in ["x", "y", "z"] {
            let (line, fields) = try reader.requiredLine("the \(axis) bounds")
            let bounds = fields.compactMap { Double($0) }
            guard fields.count == 2, bounds.count == 2, bounds.allSatisfy(\.isFinite), bounds[1] > bounds[0] else {
                throw reader.error(line, "expected the \(axis) bounds 'lo hi', two finite numbers with lo < hi, found '\(fields.joined(separator: " ").prefix(80))'")
            }
            let ratio = (bounds[1] - bounds[0]) / latticeConstant
            let whole = ratio.rounded()
            guard whole >= 1, abs(ratio - whole) <= LAMMPSDump.cellTolerance * ratio,
                  whole <= Double(AlloyModel.cellRange.upperBound) else {
                throw reader.error(line, "the \(axis) length \(bounds[1] - bounds[0]) Å is \(ratio) lattice constants of \(latticeConstant) Å, not a whole number of cells from 1 to \(AlloyModel.cellRange.upperBound) (give the lattice constant the file was written with)")
            }
            lower.append(bounds[0])
            length.append(bounds[1] - bounds[0])
            cells.append(Int(whole))
        }
        guard Set(cells).count == 1 else {
            throw reader.error(reader.lineNumber, "the box is \(cells.map(String.init).joined(separator: " × ")) cells, not cubic")
        }
        self.lower = lower
        self.length = length
        self.cells = cells[0]
        lattice = BCCLattice(shape: cells)
    }

    /// The site an atom at `position` (Å, or fractions of the box if `scaled`) sits on, wrapped
    /// periodically; an error if it lies farther than `LAMMPSDump.siteTolerance` from every site.
    func site(of position: [Double], scaled: Bool, line: Int, source: String) throws -> Int {
        let voxels = 2 * cells
        var voxel: [Int] = [], squaredOffset = 0.0
        for axis in 0..<3 {
            let spacing = length[axis] / Double(voxels)
            let relative = scaled ? position[axis] * length[axis] : position[axis] - lower[axis]
            let wrapped = relative - (relative / length[axis]).rounded(.down) * length[axis]
            let nearest = (wrapped / spacing).rounded()
            guard nearest.isFinite else {
                throw ArtifactError(source, "line \(line): the coordinate \(position[axis]) does not fit the box")
            }
            squaredOffset += (wrapped - nearest * spacing) * (wrapped - nearest * spacing)
            // `wrapped` lies in [0, length]: `nearest` in [0, voxels], an index once wrapped.
            voxel.append(Int(max(0, min(nearest, Double(voxels)))) % voxels)
        }
        let coordinates = position.map { String($0) }.joined(separator: " ")
        guard squaredOffset.squareRoot() <= LAMMPSDump.siteTolerance, voxel[0] % 2 == voxel[1] % 2, voxel[1] % 2 == voxel[2] % 2 else {
            throw ArtifactError(source, "line \(line): the atom at (\(coordinates)) is farther than \(LAMMPSDump.siteTolerance) Å from every BCC site")
        }
        return lattice.site(from: (voxel[0], voxel[1], voxel[2]), offset: 0, 0, 0)
    }
}
