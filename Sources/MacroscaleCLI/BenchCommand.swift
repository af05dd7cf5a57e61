import ArgumentParser
import Dispatch
import Execution
import Foundation
import Random
import Systems

/// `macroscale bench`: throughput benchmarks that print numbers (build with `-c release`).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput of the simulators (and, later, of learning).",
        subcommands: [BenchSimulate.self, BenchLearn.self])
}

struct BenchSimulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Glauber events/s (Ising 64², Curie–Weiss 64²), heat-bath updates/s, SPDE steps/s (50 × 200 points).",
        discussion: "Single-threaded per measurement, so the numbers are per core. Build with -c release.")

    @Option(help: "Approximate seconds per measurement.")
    var seconds = 2.0

    @Option(help: "Run only the measurements whose label contains this text (e.g. 'Ising', 'spectral').")
    var only: String?

    func run() throws {
        let ising = IsingModel(size: 64, temperature: 2.5, field: 0.1)
        print(measure("Ising 64² Glauber (n-fold way)", unit: "events/s") { steps in
            runSteps(ising, steps: steps) * 4096
        })
        var heatBath = ising
        heatBath.dynamics = .heatBath
        print(measure("Ising 64² heat bath", unit: "spin updates/s") { steps in
            runSteps(heatBath, steps: steps) * 4096
        })
        let curieWeiss = CurieWeissModel(size: 64, temperature: 1.1, field: 0.1)
        print(measure("Curie–Weiss 64² Glauber", unit: "events/s") { steps in
            runSteps(curieWeiss, steps: steps) * 4096
        })
        for scheme in PredatorPreyModel.Scheme.allCases {
            var model = PredatorPreyModel(points: 200)
            model.scheme = scheme
            print(measure("predator–prey \(scheme.rawValue), batch 50 × 200 points", unit: "batch steps/s") { steps in
                for run in 0..<50 { _ = runSteps(model, steps: steps, run: run) }
                return steps
            })
        }
    }

    /// Simulates `steps` steps of one trajectory; returns the number of steps.
    private func runSteps<System: MicroscopicSystem>(_ system: System, steps: Int, run: Int = 0) -> Int {
        let random = RandomStream(seed: 1, stage: "bench", index: UInt64(run))
        var (configuration, _) = system.initialConfiguration(run: run, random: random)
        system.simulate(&configuration, steps: steps, random: random) { _, _, _ in }
        return steps
    }

    /// Doubles the work until one call takes `seconds`, then reports units per second.
    private func measure(_ label: String, unit: String, _ work: (Int) -> Int) -> String {
        if let only, !label.contains(only) { return "\(label): skipped" }
        var steps = 1
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            let units = work(steps)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if elapsed >= seconds || steps >= 1 << 30 {
                return "\(label.padding(toLength: 48, withPad: " ", startingAt: 0)) \(String(format: "%12.4g", Double(units) / elapsed)) \(unit)"
            }
            steps *= elapsed > 0.01 ? max(2, Int(seconds / elapsed)) : 2
        }
    }
}
