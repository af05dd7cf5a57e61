import Foundation
@testable import MacroscaleCLI
import XCTest

extension CommandTestCase {
    /// What a command that should fail said, run in this process: its error message, or `ran` when it succeeded.
    func refusal(_ arguments: [String]) -> String {
        do {
            try runMacroscale(arguments)
            return "ran"
        } catch {
            return Macroscale.message(for: error)
        }
    }

    /// Starts the built `macroscale` with `arguments` in a process of its own, standard output
    /// discarded and standard error kept in `errors`; with `asNobody` (for a test run by root), as
    /// the user nobody, through setpriv.
    func launch(_ arguments: [String], asNobody: Bool = false) throws -> (process: Process, errors: Pipe) {
        let process = Process(), errors = Pipe()
        if asNobody {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", try executable().path] + arguments
        } else {
            process.executableURL = try executable()
            process.arguments = arguments
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        return (process, errors)
    }

    /// Runs the built `macroscale` to its end: its exit status and what it printed on standard error.
    func runExecutable(_ arguments: [String], asNobody: Bool = false) throws -> (status: Int32, errors: String) {
        let (process, errors) = try launch(arguments, asNobody: asNobody)
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
