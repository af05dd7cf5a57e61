import Foundation

/// The memory a command may ask for, and the check that refuses more before it is allocated: a
/// request beyond it fails with a message naming what needed the memory, instead of an abort in
/// the allocator ("failed to allocate") or a visit from the kernel's out-of-memory killer.
///
/// The limit is `MACROSCALE_MEMORY_LIMIT` when set, else the memory the kernel reports available
/// (`MemAvailable` in `/proc/meminfo`), else the machine's physical memory. A container's own
/// memory limit is not read: set the variable there.
///
/// ```swift
/// try MemoryBudget.check(MemoryBudget.bytes(runs, records, sites, 4), for: "the simulated states")
/// ```
public enum MemoryBudget {
    /// The variable that sets the limit: a number of bytes, optionally with K, M, G or T (powers
    /// of 1024), e.g. `64G`; a limit above the machine's memory lets swap take the excess.
    public static let environmentVariable = "MACROSCALE_MEMORY_LIMIT"

    /// The limit in bytes and where it comes from, for messages.
    public static func limit() throws -> (bytes: Int, source: String) {
        if let text = ProcessInfo.processInfo.environment[environmentVariable] {
            guard let bytes = parse(text) else {
                throw MemoryBudgetError("\(environmentVariable)=\(text) is not a number of bytes (e.g. 8000000000, 512M or 64G)")
            }
            return (bytes, "\(environmentVariable)=\(text)")
        }
        if let available = availableMemory() { return (available, "available memory (MemAvailable in /proc/meminfo)") }
        return (Int(clamping: ProcessInfo.processInfo.physicalMemory), "physical memory")
    }

    /// Requests smaller than this always pass: reading the limit costs more than they do.
    public static let negligible = 1 << 20

    /// Throws a `MemoryBudgetError` if `bytes` exceeds the limit; `what` says what needs them
    /// ("simulate: the states of 10 runs × 201 records × 256 sites").
    public static func check(_ bytes: Int, for what: String) throws {
        guard bytes >= negligible else { return }
        let (limit, source) = try limit()
        guard bytes <= limit else {
            throw MemoryBudgetError("\(what) needs \(describe(bytes)) of memory, more than the \(describe(limit)) of \(source); ask for less, or set \(environmentVariable) (e.g. 64G) to allow more")
        }
    }

    /// The product of `factors` — counts and a byte size — or `Int.max`, which `check` refuses,
    /// when it overflows.
    public static func bytes(_ factors: Int...) -> Int {
        factors.reduce(1) { product, factor in
            let (result, overflow) = product.multipliedReportingOverflow(by: max(factor, 0))
            return overflow ? .max : result
        }
    }

    /// A byte count for people: `410.2 TB`, `12.0 GB`, `512 bytes`.
    public static func describe(_ bytes: Int) -> String {
        if bytes == .max { return "more than \(describe(Int.max - 1))" }
        for (unit, size) in [("EB", 1e18), ("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] where Double(bytes) >= size {
            return String(format: "%.1f", Double(bytes) / size) + " " + unit
        }
        return "\(bytes) bytes"
    }

    /// `64G`, `512M`, `100000`: bytes with an optional binary suffix; nil for anything else.
    static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let scales: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        let scale = trimmed.last.flatMap { scales[$0] } ?? 1
        guard let number = Double(scale == 1 ? trimmed : String(trimmed.dropLast())), number.isFinite, number >= 0,
              number * Double(scale) < Double(Int.max) else { return nil }
        return Int(number * Double(scale))
    }

    /// `MemAvailable` from `/proc/meminfo` in bytes, where the kernel reports it.
    private static func availableMemory() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }) else { return nil }
        let fields = line.split(separator: " ")
        guard fields.count == 3, fields[2] == "kB", let kilobytes = Int(fields[1]) else { return nil }
        return MemoryBudget.bytes(kilobytes, 1024)
    }
}

/// A request for more memory than `MemoryBudget` allows, or an unreadable limit.
public struct MemoryBudgetError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
