import Artifacts
import Foundation
@testable import MacroscaleCLI
import Pipeline
import Reports
@testable import Stages
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The pages people read: the evaluate report says what it shows (system, model, λ, K, n_s, seed,
/// named conditions, time unit, physical or normalised latents) and draws loss curves, sample
/// trajectories and histograms; `compare --html` plots against the parameter it reads from the
/// manifests; a reference model (the naive one) is drawn beside the model; the run's index page
/// lists every stage and links only files that exist; all render in headless Chromium.
final class ReportPagesTests: CommandTestCase {
    var tinyPipeline: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PipelineTests/tiny-curie-weiss.yaml").path
    }

    /// The tiny Curie–Weiss pipeline (λ = K = 4 and a naive λ = 1 model, two test conditions m0 = ±0.6),
    /// and one more model at λ = 2 evaluated the same way, for a λ sweep, with the naive model as its reference.
    func runPipelines() throws {
        _ = try macroscale(["run", tinyPipeline, "--out", path("run"), "--quiet"])
        try runMacroscale(["train-sde", "--pairs", path("run/encode/partial.npz"), "--mode", "constantDiagonal", "--hidden", "16,16", "--lambda", "2",
                           "--epochs", "20", "--batch-size", "256", "--learning-rate", "0.01", "--rescale-time", "--seed", "7", "--out", path("run/sde-2")])
        try runMacroscale(["evaluate", "--model", path("run/sde-2"), "--test", path("run/test-up"), "--test", path("run/test-down"),
                           "--seed", "8", "--reference-model", path("run/sde-naive"), "--out", path("run/evaluate-2")])
    }

    /// The stage names of the tiny pipeline, in order.
    func tinyStages() throws -> [String] {
        let definition = try PipelineDefinition(contentsOf: URL(fileURLWithPath: tinyPipeline))
        return try PipelinePlan(definition, profile: "quick", root: dir.file("run"), settings: []).steps.map(\.name)
    }

    /// What `compare` with `arguments` said when it failed (`ran` when it did not).
    func compareRefusal(_ arguments: [String]) -> String {
        do {
            var command = try Macroscale.parseAsRoot(["compare"] + arguments)
            try command.run()
            return "ran"
        } catch {
            return Macroscale.message(for: error)
        }
    }

    func page(_ name: String) throws -> String { try String(contentsOf: dir.file(name), encoding: .utf8) }

    /// The `<svg>…</svg>` elements of `html`.
    static func figures(_ html: String) -> [String] {
        html.components(separatedBy: "<svg").dropFirst().map { "<svg" + $0.components(separatedBy: "</svg>")[0] + "</svg>" }
    }

    func testEvaluateReportSaysWhatItShowsAndComparePlotsAgainstTheManifestParameter() throws {
        try runPipelines()
        let report = try page("run/evaluate/report/index.html")
        XCTAssertTrue(report.contains("<h1>Evaluation of sde on curie-weiss, n = 256 sites</h1>"))
        for phrase in ["stage evaluate, seed 8", "model sde: λ = 4 (K), K = 4, n_s = 64, diffusion constantDiagonal, seed 7",
                       "time in Glauber time", "latents in physical units", ">m0 = 0.6<", ">m0 = -0.6<", "time (Glauber time)", "magnetization (physical)"] {
            XCTAssertTrue(report.contains(phrase), "the report does not say '\(phrase)'")
        }
        let figures = Self.figures(report)
        XCTAssertEqual(figures.count, 2 + 2 + 2, "loss curves, MMD over time; per condition mean ± std and histograms")
        // The loss curve is the model's history: one point per epoch.
        let loss = try XCTUnwrap(figures.first { $0.contains("Training of sde") })
        let points = try XCTUnwrap(loss.components(separatedBy: "<polyline points=\"").dropFirst().first?.components(separatedBy: "\"").first)
        XCTAssertEqual(points.split(separator: " ").count, try NPZArchive.read(dir.file("run/sde/history.npz")).array("trainingLoss").count)
        // Three sample trajectories of the SDE and three of the truth per condition, thin, over the bands.
        for figure in figures where figure.contains("SDE mean ± std") {
            XCTAssertEqual(figure.components(separatedBy: "stroke-opacity=\"0.55\"").count - 1, 6)
            XCTAssertEqual(figure.components(separatedBy: "<polygon").count - 1, 2, "a band for the SDE and one for the truth")
        }
        XCTAssertEqual(figures.filter { $0.contains(">SDE, t = ") && $0.contains(">true, t = ") }.count, 2, "histograms, one plot per condition")
        // MMD² over time shows the noise floor as a reference line.
        XCTAssertTrue(try XCTUnwrap(figures.first { $0.contains("MMD² (V-statistic) over time") }).contains(">noise floor (mean)<"))

        // compare --html: against λ read from the manifests, in λ's order, naive as reference lines.
        let metrics = { (name: String) throws -> EvaluateStage.Summary in
            try JSONDecoder().decode(EvaluateStage.Summary.self, from: Data(contentsOf: self.dir.file("run/\(name)/metrics.json")))
        }
        _ = try macroscale(["compare", path("run/evaluate"), path("run/evaluate-naive"), path("run/evaluate-2"),
                            "--labels", "four,naive,two", "--html", path("compare.html")])
        let compare = try page("compare.html")
        XCTAssertTrue(compare.contains("<h1>Comparison of 3 evaluated runs against λ</h1>"))
        XCTAssertTrue(compare.contains("four: sde: λ = 4 (K)") && compare.contains("naive: sde-naive (naive pairs): λ = 1"))
        let mmd = try XCTUnwrap(Self.figures(compare).first { $0.contains("Average MMD²") })
        XCTAssertTrue(mmd.contains(">naive, V<") && mmd.contains(">naive, U<"), "the naive run is a reference line")
        XCTAssertTrue(mmd.contains(">λ<"), "the axis is named after the parameter")
        // The V-statistic's line runs through λ = 2, then λ = 4: screen y falls as MMD² rises.
        let line = try XCTUnwrap(mmd.components(separatedBy: "<polyline points=\"").dropFirst().first?.components(separatedBy: "\"").first)
        let coordinates = line.split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
        XCTAssertEqual(coordinates.count, 2)
        XCTAssertLessThan(coordinates[0][0], coordinates[1][0])
        let (two, four) = (try metrics("evaluate-2").averageMMDV, try metrics("evaluate").averageMMDV)
        XCTAssertEqual(coordinates[0][1] < coordinates[1][1], two > four, "V(λ=2) = \(two), V(λ=4) = \(four), drawn at \(coordinates)")
        let table = compare.components(separatedBy: "<table>")[1]
        XCTAssertLessThan(try XCTUnwrap(table.range(of: "two</td>")).lowerBound, try XCTUnwrap(table.range(of: "four</td>")).lowerBound, "the table in λ's order")

        // Another parameter by name, and a clear error naming the run that lacks it.
        _ = try macroscale(["compare", path("run/evaluate"), path("run/evaluate-2"), "--html", path("n_s.html"), "--parameter", "n_s"])
        XCTAssertTrue(try page("n_s.html").contains(">n_s (small-system sites)<"))
        try FileManager.default.createDirectory(at: dir.file("copied"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: dir.file("run/evaluate-2/metrics.json"), to: dir.file("copied/metrics.json"))
        let refused = compareRefusal([path("run/evaluate"), path("copied"), "--html", path("x.html"), "--parameter", "n_s"])
        XCTAssertTrue(refused.contains("run 'copied'") && refused.contains("no parameter 'n_s'") && refused.contains("manifests could not be read"), refused)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.html")))
        XCTAssertTrue(compareRefusal([path("run/evaluate"), "--parameter", "n_s"]).contains("give --html too"))
        // Grouped rows: runs of one row must agree on the parameter; when they do, the row is one point with a band.
        let mixed = compareRefusal([path("run/evaluate"), path("run/evaluate-2"), "--labels", "run-1,run-2", "--group-suffix", "--html", path("g.html")])
        XCTAssertTrue(mixed.contains("the runs of row 'run' differ in lambda"), mixed)
        _ = try macroscale(["compare", path("run/evaluate"), path("run/evaluate-2"), "--labels", "run-1,run-2", "--group-suffix",
                            "--html", path("g.html"), "--parameter", "n_s"])
        let grouped = try XCTUnwrap(Self.figures(try page("g.html")).first { $0.contains("Average MMD²") })
        XCTAssertEqual(grouped.components(separatedBy: "<polygon").count - 1, 4, "a mean ± std band for each of the four series")
    }

    func testTheReferenceModelIsTheNaiveModelsOwnEvaluationDrawnBesideTheModel() throws {
        try runPipelines()
        let metrics = { (name: String) throws -> EvaluateStage.Summary in
            try JSONDecoder().decode(EvaluateStage.Summary.self, from: Data(contentsOf: self.dir.file("run/\(name)/metrics.json")))
        }
        let judged = try metrics("evaluate-2"), naive = try metrics("evaluate-naive")
        // Same starts, grid, seed and truth: the reference's numbers are exactly the naive model's own evaluation.
        let reference = try XCTUnwrap(judged.reference, "metrics.json has no reference")
        XCTAssertEqual(URL(fileURLWithPath: reference.model.stage).lastPathComponent, "sde-naive")
        XCTAssertEqual(reference.model, try XCTUnwrap(naive.model))
        XCTAssertEqual(reference.averageMMDV, naive.averageMMDV)
        XCTAssertEqual(reference.averageMMDU, naive.averageMMDU)
        XCTAssertEqual(reference.relativeError, naive.relativeError)
        XCTAssertEqual(reference.transientError, naive.transientError)
        XCTAssertEqual(judged.conditions.map { $0.reference?.temporalMMDV }, naive.conditions.map(\.temporalMMDV))
        XCTAssertEqual(judged.conditions.map { $0.reference?.runawayRollouts }, naive.conditions.map { $0.nonFiniteRollouts + ($0.escapedRollouts ?? 0) })
        XCTAssertNotEqual(judged.averageMMDV, reference.averageMMDV, "the model's own numbers are its own")
        XCTAssertNil(naive.reference, "no reference without --reference-model")
        let referenceMean = try NPYFile.read(dir.file("run/evaluate-2/mean_reference.npy"))
        XCTAssertEqual(referenceMean.doubleValues(), try NPYFile.read(dir.file("run/evaluate-naive/mean_predicted.npy")).doubleValues())
        XCTAssertEqual(referenceMean.shape, [2, 21, 1])
        // The CSV files carry the same numbers by name (pandas reads them; here NumPy's genfromtxt).
        XCTAssertEqual(try Python.run("""
            import sys, numpy as np
            rows = np.genfromtxt(sys.argv[1], delimiter=',', names=True, dtype=None, encoding='utf-8')
            average = np.genfromtxt(sys.argv[2], delimiter=',', names=True, dtype=None, encoding='utf-8')
            print(' '.join(repr(float(v)) for v in list(rows['reference_temporal_mmd_v']) + [average['reference_average_mmd_v']]),
                  str(average['reference_model']).endswith('sde-naive'))
            """, [path("run/evaluate-2/metrics.csv"), path("run/evaluate-2/metrics_average.csv")]),
            (naive.conditions.map { "\($0.temporalMMDV)" } + ["\(naive.averageMMDV)"]).joined(separator: " ") + " True\n")

        // The report: the reference named in the subtitle and the table, its mean a dashed line in every band plot, its MMD² a reference line.
        let report = try page("run/evaluate-2/report/index.html")
        for phrase in ["reference model sde-naive (naive pairs): λ = 1", "<th>MMD² V, sde-naive</th>", "<th>relative error, sde-naive</th>",
                       ">\(SignificantDigits.text(naive.conditions[0].temporalMMDV))<"] {
            XCTAssertTrue(report.contains(phrase), "the report does not say '\(phrase)'")
        }
        let figures = Self.figures(report)
        let bands = figures.filter { $0.contains("SDE mean ± std") }
        XCTAssertEqual(bands.count, 2)
        for figure in bands {
            XCTAssertTrue(figure.contains(">sde-naive mean<"), "the reference's mean is in the legend")
            XCTAssertEqual(figure.components(separatedBy: "stroke-width=\"2\" stroke-dasharray=\"6 4\"").count - 1, 4,
                           "the true mean and the reference's mean, dashed, in the axes and in the legend")
        }
        XCTAssertTrue(try XCTUnwrap(figures.first { $0.contains("MMD² (V-statistic) over time") }).contains(">sde-naive (mean)<"))
        XCTAssertFalse(try page("run/evaluate/report/index.html").contains("sde-naive"), "no reference in a report without one")

        // A reference model whose every rollout runs away (trained on a tiny range with a huge drift): the model is
        // still evaluated, the reference has no metrics, counts its runaways, and its mean is NaN, not a line at 0.
        XCTAssertEqual(try Python.run("""
            import sys, numpy as np
            z = np.random.default_rng(1).uniform(0.59, 0.61, size=(200, 1))
            np.savez(sys.argv[1], start=z, next=z + 5, dt=np.full(200, 0.1))
            print('ok')
            """, [path("runaway.npz")]), "ok\n")
        try runMacroscale(["train-sde", "--pairs", path("runaway.npz"), "--mode", "constantDiagonal", "--hidden", "4", "--epochs", "2", "--out", path("sde-runaway")])
        try runMacroscale(["evaluate", "--model", path("run/sde"), "--test", path("run/test-up"), "--test", path("run/test-down"),
                           "--reference-model", path("sde-runaway"), "--seed", "8", "--out", path("evaluate-runaway")])
        let runaway = try metrics("../evaluate-runaway")
        XCTAssertEqual(runaway.averageMMDV, try metrics("evaluate").averageMMDV, "the model's evaluation is unchanged by its reference")
        XCTAssertEqual(runaway.conditions.map { $0.reference }, Array(repeating: ReferenceModelMetrics.Condition(
            temporalMMDV: nil, temporalMMDU: nil, relativeError: nil, transientError: nil, runawayRollouts: 12), count: 2))
        XCTAssertNil(runaway.reference?.averageMMDV)
        XCTAssertTrue(try NPYFile.read(dir.file("evaluate-runaway/mean_reference.npy")).doubleValues().allSatisfy(\.isNaN))

        // A reference model of other latents is refused, naming both.
        XCTAssertEqual(try Python.run("""
            import sys, numpy as np
            z = np.random.default_rng(1).normal(size=(200, 2))
            np.savez(sys.argv[1], start=z, next=z + 0.01, dt=np.full(200, 0.1))
            print('ok')
            """, [path("pairs2.npz")]), "ok\n")
        try runMacroscale(["train-sde", "--pairs", path("pairs2.npz"), "--mode", "constantDiagonal", "--hidden", "4", "--epochs", "1", "--out", path("sde-2d")])
        let refused = refusal(["evaluate", "--model", path("run/sde"), "--test", path("run/test-up"), "--reference-model", path("sde-2d"), "--out", path("x")])
        XCTAssertTrue(refused.contains("sde-2d") && refused.contains("2 latent components") && refused.contains("the model 1"), refused)
    }

    func testTheRunIndexPageListsEveryStageAndLinksOnlyFilesThatExist() throws {
        _ = try macroscale(["run", tinyPipeline, "--out", path("run"), "--quiet"])
        let index = try page("run/index.html")
        let stages = try tinyStages()
        XCTAssertEqual(stages.count, 11)
        let rows = index.components(separatedBy: "<tr>").dropFirst(2)
        XCTAssertEqual(rows.count, stages.count, "one row per stage")
        for (row, stage) in zip(rows, stages) {
            XCTAssertTrue(row.contains(">\(stage)</a>") && row.contains("macroscale "), "row of \(stage): \(row)")
        }
        // The evaluate rows carry the key metrics: MMD² V, the relative error, their floors, λ and K, as metrics.json has them.
        let evaluation = try JSONDecoder().decode(EvaluateStage.Summary.self, from: Data(contentsOf: dir.file("run/evaluate/metrics.json")))
        let row = try XCTUnwrap(rows.first { $0.contains(">evaluate</a>") })
        for value in [evaluation.averageMMDV, try XCTUnwrap(evaluation.averageNoiseFloorMMDV), evaluation.relativeError, 4] {
            XCTAssertTrue(row.contains("<td>\(SignificantDigits.text(value))</td>"), "\(value) is not in \(row)")
        }
        XCTAssertTrue(row.contains(">report</a>") && row.contains("href=\"evaluate/report/index.html\""), row)
        XCTAssertTrue(row.contains("<code>macroscale evaluate --model=sde --test=test-up"), "commands relative to the run root: \(row)")
        // Every link resolves to a file, relative to the page; every output of every manifest is linked.
        let links = index.components(separatedBy: "href=\"").dropFirst().map { $0.components(separatedBy: "\"")[0] }
        for link in links {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("run").appendingPathComponent(link).path), "\(link) does not exist")
        }
        let outputs = try stages.reduce(0) { $0 + (try StageManifest.read(from: dir.file("run/\($1)")).outputs.count) }
        XCTAssertEqual(links.count, outputs + stages.count, "every output (the reports among them) and every manifest, once")
        // A moved run keeps a working page: nothing in it names the run directory.
        XCTAssertFalse(index.contains(dir.file("run").path))
    }

    /// A run that stops at a failing stage still writes its index page: the stages that ran, and
    /// the failed one with its message.
    func testARunThatFailsStillIndexesWhatRanAndWhatFailed() throws {
        let message = refusal(["run", tinyPipeline, "--out", path("run"), "--quiet", "--set", "sde.pairs=" + path("missing.npz")])
        XCTAssertNotEqual(message, "ran")
        let index = try page("run/index.html")
        let rows = index.components(separatedBy: "<tr>").dropFirst(2)
        XCTAssertEqual(rows.count, 8, "the seven stages before sde, and sde")
        XCTAssertTrue(rows.dropLast().allSatisfy { $0.contains("<td>ran</td>") })
        let failed = try XCTUnwrap(rows.last)
        XCTAssertTrue(failed.contains("<td>sde</td>"), "named, without a link to a manifest it does not have: \(failed)")
        XCTAssertTrue(failed.contains("<td>failed: ") && failed.contains("missing.npz"), "the status says why: \(failed)")
    }

    /// Chromium, where installed (`scripts/setup-system` installs it as root); nil skips the test
    /// on a developer's machine without it, and fails it as root, where setup-system should have run.
    func chromium() throws -> URL {
        let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return URL(fileURLWithPath: found) }
        guard getuid() == 0 else {
            throw XCTSkip("headless Chromium is not installed (Debian: apt-get install chromium, or scripts/setup-system as root); the pages are not rendered")
        }
        XCTFail("headless Chromium is not installed although this runs as root: run scripts/setup-system")
        throw XCTSkip("no Chromium")
    }

    /// `html` rendered by Chromium: for every figure, its title, its size on the page and the
    /// number of coloured pixels inside its axes (drawn data: lines, bands, points; the frame, grid
    /// and reference lines are grey), measured by a script appended to a copy of the page.
    func rendered(_ html: String, chromium: URL, name: String) throws -> (text: String, figures: [[String: Any]]) {
        let file = dir.file("\(name).checked.html")
        try html.replacingOccurrences(of: "</body>", with: "<script>\n\(Self.figureCheck)</script>\n</body>").write(to: file, atomically: true, encoding: .utf8)
        let (status, dom) = try Subprocess.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000", "--dump-dom", file.absoluteString])
        XCTAssertEqual(status, 0)
        let result = try XCTUnwrap(dom.components(separatedBy: "<pre id=\"figure-check\">").dropFirst().first?.components(separatedBy: "</pre>").first,
                                   "the check script did not finish in Chromium")
        let figures = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.utf8)) as? [[String: Any]])
        return (dom, figures)
    }

    /// Draws each figure's SVG into a canvas, counts the coloured pixels inside its axes frame and
    /// writes the results as JSON into `<pre id="figure-check">`.
    static let figureCheck = """
        (async () => {
          const out = [];
          for (const svg of document.querySelectorAll('figure svg')) {
            const frame = [...svg.querySelectorAll('rect')].find(r => r.getAttribute('stroke') === '#333');
            const [x0, y0, w, h] = ['x', 'y', 'width', 'height'].map(a => Number(frame.getAttribute(a)));
            const img = new Image();
            img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
            await img.decode();
            const canvas = document.createElement('canvas');
            canvas.width = img.width; canvas.height = img.height;
            const context = canvas.getContext('2d');
            context.drawImage(img, 0, 0);
            const pixels = context.getImageData(x0 + 2, y0 + 2, w - 4, h - 4).data;
            let coloured = 0;
            for (let i = 0; i < pixels.length; i += 4) {
              if (Math.max(pixels[i], pixels[i + 1], pixels[i + 2]) - Math.min(pixels[i], pixels[i + 1], pixels[i + 2]) > 40) coloured++;
            }
            const shown = svg.getBoundingClientRect();
            out.push({title: svg.querySelector('text').textContent, width: shown.width, height: shown.height, coloured: coloured});
          }
          const result = document.createElement('pre');
          result.id = 'figure-check';
          result.textContent = JSON.stringify(out);
          document.body.appendChild(result);
        })();
        """

    func testEvaluateReportAndComparePageRenderWithContentInEveryFigureInHeadlessChromium() throws {
        let chromium = try chromium()
        // The check can fail: a plot of nothing but NaN has no coloured pixel in its axes.
        var empty = HTMLReport(title: "empty")
        empty.plot(LinePlot(title: "nothing", xLabel: "t", yLabel: "y", series: [.init(name: "NaN", x: [0, 1], y: [.nan, .nan])]))
        XCTAssertEqual(try rendered(empty.html, chromium: chromium, name: "empty").figures.map { $0["coloured"] as? Int }, [0])

        try runPipelines()
        _ = try macroscale(["compare", path("run/evaluate"), path("run/evaluate-naive"), path("run/evaluate-2"), "--html", path("compare.html")])
        for (name, expected, phrases) in [("run/evaluate/report/index.html", 6, ["sde", "λ = 4"]), ("compare.html", 2, ["sde-2", "λ = 2", "λ = 4", "λ = 1"]),
                                          ("run/evaluate-2/report/index.html", 6, ["sde-2", "λ = 2", "reference model sde-naive"])] {
            let (text, figures) = try rendered(try page(name), chromium: chromium, name: (name as NSString).lastPathComponent)
            XCTAssertEqual(figures.count, expected, name)
            for figure in figures {
                XCTAssertGreaterThan(figure["width"] as? Double ?? 0, 200, "\(name): \(figure)")
                XCTAssertGreaterThan(figure["height"] as? Double ?? 0, 150, "\(name): \(figure)")
                XCTAssertGreaterThan(figure["coloured"] as? Int ?? 0, 100, "\(name): a figure with (almost) nothing drawn in its axes: \(figure)")
            }
            for phrase in phrases { XCTAssertTrue(text.contains(phrase), "\(name) rendered does not name '\(phrase)'") }
        }
        // The run's index page renders (no figures) with a link to every stage's manifest, each to a file that exists.
        let (index, none) = try rendered(try page("run/index.html"), chromium: chromium, name: "index")
        XCTAssertEqual(none.count, 0)
        for stage in try tinyStages() {
            XCTAssertTrue(index.contains("href=\"\(stage)/manifest.json\">\(stage)</a>"), "the rendered index does not link \(stage)")
        }
        let links = index.components(separatedBy: "href=\"").dropFirst().map { $0.components(separatedBy: "\"")[0] }
        XCTAssertGreaterThan(links.count, 11)
        for link in links {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("run").appendingPathComponent(link).path), "\(link) on the rendered page does not exist")
        }
    }
}
