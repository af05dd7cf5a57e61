import Foundation

/// Runs Python with NumPy from tests, so that Swift's artifacts are checked by an independent reader.
public enum Python {
    /// Runs `script` with `python3`, passing `arguments` as `sys.argv[1:]`; returns standard output.
    /// Fails loudly if python3 or NumPy is missing: these tests must not pass silently.
    @discardableResult
    public static func run(_ script: String, _ arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonError(message: String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: outData, as: UTF8.self)
    }
}

/// A Python script that exited with an error; carries its standard error.
public struct PythonError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "python3 failed: \(message)" }
}

/// A fresh temporary directory for one test, removed by `remove()`.
public struct TemporaryDirectory {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("macroscale-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    public func remove() { try? FileManager.default.removeItem(at: url) }
}
