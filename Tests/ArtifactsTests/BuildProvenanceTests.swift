import Foundation
import TestSupport
import XCTest

/// `scripts/build-provenance`, which the BuildProvenance plugin runs before every build: the commit
/// of a clean tree, `-dirty` after a local change, `unknown` outside a git checkout.
final class BuildProvenanceTests: XCTestCase {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/build-provenance")

    @discardableResult
    func shell(_ arguments: [String], in directory: URL) throws -> String {
        let (status, output) = try Subprocess.run(URL(fileURLWithPath: "/usr/bin/env"), arguments, in: directory)
        XCTAssertEqual(status, 0, arguments.joined(separator: " "))
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stamped(_ tree: URL, _ output: URL) throws -> String {
        try shell(["sh", script.path, tree.path, output.path], in: tree)
        let text = try String(contentsOf: output, encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("static let commit") })
        return String(line.split(separator: "\"")[1])
    }

    func testTheCommitAndDirtyFlagOfTheTreeAtBuildTime() throws {
        let tree = FileManager.default.temporaryDirectory.appendingPathComponent("provenance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tree) }
        let output = tree.appendingPathComponent("out/BuildProvenance.swift")
        XCTAssertEqual(try stamped(tree, output), "unknown", "not a git checkout")

        try shell(["git", "init", "-q"], in: tree)
        try "a\n".write(to: tree.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        try shell(["git", "add", "file"], in: tree)
        try shell(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c"], in: tree)
        let commit = try shell(["git", "rev-parse", "HEAD"], in: tree)
        XCTAssertEqual(try stamped(tree, output), commit, "a clean clone")
        let modified = try FileManager.default.attributesOfItem(atPath: output.path)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.01)
        XCTAssertEqual(try stamped(tree, output), commit)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: output.path)[.modificationDate] as? Date, modified,
                       "an unchanged tree leaves the file alone, so nothing recompiles")
        try "b\n".write(to: tree.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try stamped(tree, output), commit + "-dirty", "local changes")
    }
}
