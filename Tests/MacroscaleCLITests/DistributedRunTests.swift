import Artifacts
import Foundation
@testable import MacroscaleCLI
import TestSupport
import XCTest

/// `macroscale` under `mpirun --oversubscribe -np 3` (Docs/DISTRIBUTED.md): the sharded stages
/// write the bytes one process writes, and a rank that fails stops the job with its message.
/// Skipped where Open MPI's `mpirun` is not installed (scripts/setup-system installs it).
final class DistributedRunTests: CommandTestCase {
    /// Every sharded stage — simulate (small system and large with pairs), upsample (600 snapshots
    /// and their LocalRelax, every rank given the whole level), evolve (Richardson, 2
    /// replicas: 1200 patches, shared unevenly), check-estimator, encode with a closure model
    /// (evaluated in chunks of 256, shared in whole chunks) — between the non-sharded ones.
    let pipeline = """
        pipeline: mpi-shards
        stages:
          - {name: simulate, run: simulate ising, with: {size: 8, runs: 20, steps: 20, seed: 1}}
          - {name: validation, run: simulate ising, with: {size: 16, runs: 4, steps: 10, pairs: true, seed: 2}}
          - {name: upsample, run: upsample, with: {input: $simulate, burn-in: 5, target-size: 16, snapshots: 600, boundary: frozen-halo, relax-time: 2, seed: 5}}
          - {name: evolve, run: evolve, with: {input: $upsample, boundary: frozen-halo, estimator: richardson, time: 1, replicas: 2, seed: 6}}
          - {name: check, run: check-estimator, with: {evolved: $evolve, samples: 100, allow-bias: true, seed: 7}}
          - {name: closure, run: train-closure, with: {input: $upsample, epochs: 1, batch-size: 256, seed: 8}}
          - {name: encode, run: encode, with: {evolved: $evolve, validation: $validation, closure: $closure}}
        """

    func testShardedStagesUnderMPIRunWriteTheBytesOfOneProcess() throws {
        let run = try mpirun(["run", try pipelineFile(), "--out", path("ranks"), "--quiet"], ranks: 3)
        XCTAssertEqual(run.status, 0, run.errors)
        try runMacroscale(["run", try pipelineFile(), "--out", path("alone")])

        let alone = try outputDigests(path("alone")), ranks = try outputDigests(path("ranks"))
        XCTAssertEqual(alone.count, 12, "every output of the seven stages: \(alone.keys.sorted())")
        XCTAssertEqual(ranks, alone)
        for stage in ["simulate", "validation", "upsample", "evolve", "check", "encode"] {
            XCTAssertEqual(try StageManifest.read(from: dir.file("ranks/\(stage)")).ranks, 3, "\(stage) was shared by the three ranks")
            XCTAssertNil(try StageManifest.read(from: dir.file("alone/\(stage)")).ranks)
        }
        XCTAssertNil(try StageManifest.read(from: dir.file("ranks/closure")).ranks, "train-closure ran on rank 0 alone")
    }

    /// Two hosts: rank 0 in one network namespace and ranks 1 and 2 in another, joined by a veth
    /// pair, Open MPI over TCP between them (no shared-memory transport), mpirun starting the
    /// other host's daemon through `ip netns exec` as it would through ssh; the run directory is
    /// on the filesystem both see. The same bytes as one process. The test makes and removes its
    /// namespaces; it is skipped where it may not (not root, no `ip`, no network namespaces).
    func testTwoHostsOverTCPWriteTheBytesOfOneProcess() throws {
        let hosts = try NetworkNamespacePair(directory: dir.url)
        defer { hosts.remove() }
        let run = try mpirun(["run", try pipelineFile(), "--out", path("hosts"), "--quiet"], ranks: 3, launcher: hosts.launcher, options: hosts.mpirunOptions)
        XCTAssertEqual(run.status, 0, run.errors)
        try runMacroscale(["run", try pipelineFile(), "--out", path("alone")])
        XCTAssertEqual(try outputDigests(path("hosts")), try outputDigests(path("alone")))
    }

    /// Rank 2 of 3 cannot open its input: its message is out, and the job stops at once (MPI_Abort)
    /// with a non-zero status; the other ranks, which could, write no manifest.
    func testARankThatFailsStopsTheJobWithItsMessage() throws {
        try runMacroscale(["simulate", "ising", "--size", "8", "--runs", "4", "--steps", "4", "--out", path("sim")])
        let started = Date()
        let run = try mpirun(["evolve", "--input", path("sim"), "--time", "1", "--out", path("evolve"), "--quiet"], ranks: 2,
                             then: ["evolve", "--input", path("missing"), "--time", "1", "--out", path("evolve"), "--quiet"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.errors.contains("Error: rank 2 of 3: \(path("missing")): no manifest.json"), run.errors)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "stopped at once, not after the waiting ranks' fallback")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("evolve/manifest.json")))
    }

    /// train-sde shares every batch among the ranks and sums their gradients: two runs on three
    /// ranks write the same model, and it differs from one process's only as rounding grows over
    /// the epochs — the final training loss within 1 % (measured on the alloy's pairs, Docs/DISTRIBUTED.md).
    func testDataParallelTrainingIsDeterministicAndCloseToOneProcess() throws {
        try encodeCurieWeissPairs()
        let train = ["train-sde", "--pairs", path("enc/partial.npz"), "--mode", "diagonal", "--hidden", "16,16", "--lambda", "K", "--epochs", "10",
                     "--batch-size", "64", "--rescale-time", "--seed", "5", "--quiet"]
        for name in ["ranks-a", "ranks-b"] {
            let run = try mpirun(train + ["--out", path(name)], ranks: 3)
            XCTAssertEqual(run.status, 0, run.errors)
        }
        try runMacroscale(train + ["--out", path("alone")])
        XCTAssertEqual(try Data(contentsOf: dir.file("ranks-a/model.safetensors")), try Data(contentsOf: dir.file("ranks-b/model.safetensors")))
        XCTAssertEqual(try StageManifest.read(from: dir.file("ranks-a")).ranks, 3)
        func finalLoss(_ name: String) throws -> Double {
            try XCTUnwrap(try NPZArchive.read(dir.file("\(name)/history.npz")).array("trainingLoss").elements(as: Double.self).last)
        }
        let (shared, alone) = (try finalLoss("ranks-a"), try finalLoss("alone"))
        XCTAssertNotEqual(try Data(contentsOf: dir.file("ranks-a/model.safetensors")), try Data(contentsOf: dir.file("alone/model.safetensors")),
                          "summed in another order, the gradients round differently")
        XCTAssertEqual(shared, alone, accuracy: 0.01 * abs(alone))
    }

    /// A command that is not sharded runs on rank 0 alone; when it fails there, rank 0 writes its
    /// message once and stops the ranks waiting for it.
    func testAFailureOnRankZeroStopsTheWaitingRanks() throws {
        let started = Date()
        let run = try mpirun(["train-closure", "--input", path("nothing"), "--out", path("closure"), "--quiet"], ranks: 3)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(run.errors.components(separatedBy: "Error: rank 0 of 3: \(path("nothing")): no manifest.json").count, 2, run.errors)
        XCTAssertFalse(run.errors.contains("rank 1 of 3"), run.errors)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "stopped at once, not after the waiting ranks' fallback")
    }

    /// The pipeline file, written into the test's directory.
    func pipelineFile() throws -> String {
        let file = dir.file("shards.yaml")
        try pipeline.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// Every rank parses the same command line: a usage error is written once, by rank 0, and stops
    /// the run; `--help` is printed by rank 0 and every rank ends normally.
    func testAUsageErrorIsWrittenOnceAndHelpEndsNormally() throws {
        let usage = try mpirun(["evolve", "--out", path("evolve")], ranks: 3)
        XCTAssertNotEqual(usage.status, 0)
        XCTAssertEqual(usage.errors.components(separatedBy: "Missing expected argument '--input <input>'").count, 2, usage.errors)
        XCTAssertTrue(usage.errors.contains("Error: rank 0 of 3: Missing expected argument"), usage.errors)
        XCTAssertEqual(try mpirun(["evolve", "--help"], ranks: 3).status, 0)
    }

    /// Each output of each stage under `root` with its SHA-256, as the file is now (and as its manifest records it).
    func outputDigests(_ root: String) throws -> [String: String] {
        var digests: [String: String] = [:]
        for stage in try FileManager.default.contentsOfDirectory(atPath: root) where !stage.hasPrefix(".") && stage != RunIndexPage.fileName {
            let directory = URL(fileURLWithPath: root).appendingPathComponent(stage)
            for output in try StageManifest.read(from: directory).outputs {
                let digest = try SHA256.hex(fileAt: directory.appendingPathComponent(output.path))
                XCTAssertEqual(digest, output.sha256, "\(stage)/\(output.path) as its manifest records it")
                digests["\(stage)/\(output.path)"] = digest
            }
        }
        return digests
    }

    /// Runs the built `macroscale` under `mpirun` on `ranks` ranks with `arguments` (and, given
    /// `then`, one more rank with those), mpirun itself started through `launcher` with `options`:
    /// its exit status and standard error. Skips the test where `mpirun` is not installed.
    func mpirun(_ arguments: [String], ranks: Int, then other: [String]? = nil, launcher: [String] = [],
                options: [String] = []) throws -> (status: Int32, errors: String) {
        let searched = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/mpirun" }
        guard let mpirun = searched.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw XCTSkip("Open MPI's mpirun is not installed (scripts/setup-system installs openmpi-bin)")
        }
        let binary = try executable().path
        let process = Process(), errors = Pipe()
        let command = [mpirun, "--allow-run-as-root", "--oversubscribe"] + options + ["-np", String(ranks), binary] + arguments
            + (other.map { [":", "-np", "1", binary] + $0 } ?? [])
        process.executableURL = URL(fileURLWithPath: (launcher + command)[0])
        process.arguments = Array((launcher + command).dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

/// Two network namespaces joined by a veth pair, each a "host" of an MPI job: mpirun runs in the
/// first (`launcher`) and starts the second's Open MPI daemon through a remote shell that enters
/// that namespace (`mpirunOptions`). Made by `init`, removed by `remove()`.
struct NetworkNamespacePair {
    let names: [String]
    let addresses: [String]
    let agent: URL

    /// Makes the namespaces, the veth pair between them with an address in each, and the remote
    /// shell in `directory`; throws `XCTSkip` where this process may not (not root, no `ip`).
    init(directory: URL) throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") else {
            throw XCTSkip("two hosts need root and iproute2's ip, to make network namespaces")
        }
        let id = getpid() % 250
        names = ["macroscale-a\(getpid())", "macroscale-b\(getpid())"]
        addresses = ["10.211.\(id).1", "10.211.\(id).2"]
        agent = directory.appendingPathComponent("netns-agent")
        let links = ["msa\(getpid())", "msb\(getpid())"]
        guard NetworkNamespacePair.ip(["netns", "add", names[0]]) else { throw XCTSkip("ip netns add failed: no network namespaces here") }
        let steps: [[String]] = [
            ["netns", "add", names[1]],
            ["link", "add", links[0], "type", "veth", "peer", "name", links[1]],
            ["link", "set", links[0], "netns", names[0]], ["link", "set", links[1], "netns", names[1]],
            ["-n", names[0], "addr", "add", addresses[0] + "/24", "dev", links[0]], ["-n", names[1], "addr", "add", addresses[1] + "/24", "dev", links[1]],
            ["-n", names[0], "link", "set", links[0], "up"], ["-n", names[1], "link", "set", links[1], "up"],
            ["-n", names[0], "link", "set", "lo", "up"], ["-n", names[1], "link", "set", "lo", "up"],
        ]
        for step in steps where !NetworkNamespacePair.ip(step) {
            remove()
            throw XCTSkip("ip \(step.joined(separator: " ")) failed")
        }
        // What ssh would do: run the command line, in the namespace of the host it names.
        try """
            #!/bin/sh
            host=$1; shift
            case "$host" in
              \(addresses[0])) ns=\(names[0]) ;;
              \(addresses[1])) ns=\(names[1]) ;;
              *) echo "netns-agent: unknown host $host" >&2; exit 1 ;;
            esac
            exec ip netns exec "$ns" /bin/sh -c "$*"
            """.write(to: agent, atomically: true, encoding: .utf8)
        chmod(agent.path, 0o755)
    }

    /// Starts mpirun in the first namespace.
    var launcher: [String] { ["/usr/sbin/ip", "netns", "exec", names[0]] }

    /// One rank on the first host and two on the second; TCP between them, on the veth pair only.
    var mpirunOptions: [String] {
        let subnet = addresses[0].split(separator: ".").prefix(3).joined(separator: ".") + ".0/24"
        return ["--host", "\(addresses[0]):1,\(addresses[1]):2", "--mca", "plm_rsh_agent", agent.path,
                "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", subnet, "--mca", "oob_tcp_if_include", subnet]
    }

    /// Deletes the namespaces (and with them the veth pair).
    func remove() {
        for name in names { _ = NetworkNamespacePair.ip(["netns", "delete", name]) }
    }

    /// Runs `ip` with `arguments`, its output discarded: whether it succeeded.
    private static func ip(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
