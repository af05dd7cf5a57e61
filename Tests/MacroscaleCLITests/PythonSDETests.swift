import Foundation
import TestSupport
import XCTest

/// scripts/python/macroscale_sde.py against `macroscale rollout`: the one-step increments of the
/// Swift rollouts have the mean b(z)·h and covariance σσᵀ(z)·h that the Python module computes from
/// the checkpoint alone, and the module's own rollouts agree with them; a temperature-conditioned
/// model's drift and diffusion equal `check-dynamics`' learned ones and its rollouts agree with
/// `rollout --control`; the closure encoder gives `encode-trajectories`' latents.
final class PythonSDETests: CommandTestCase {
    var module: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/python").path
    }

    func testOneStepIncrementsAgreeWithMacroscaleRollout() throws {
        // A 2-D Ornstein–Uhlenbeck process, pairs at δt = 0.1; time rescaled, so the model's unit is 0.1.
        XCTAssertEqual(try Python.run("""
            import sys, numpy as np
            rng = np.random.default_rng(3)
            B = np.array([[-1.0, 0.5], [-0.3, -0.8]]); S = np.array([[0.6, 0.0], [0.3, 0.4]])
            start = rng.uniform(-2, 2, (4000, 2))
            nxt = start + 0.1 * start @ B.T + np.sqrt(0.1) * rng.standard_normal((4000, 2)) @ S.T
            np.savez(sys.argv[1], start=start, next=nxt, dt=np.full(4000, 0.1))
            states = np.array([[1.5, -1.0], [-1.0, 0.5]])
            np.save(sys.argv[2], np.repeat(states, 4000, axis=0))
            print('ok')
            """, [path("pairs.npz"), path("initial.npy")]), "ok\n")
        try runMacroscale(["train-sde", "--pairs", path("pairs.npz"), "--mode", "arbitrary", "--hidden", "16,16", "--epochs", "30", "--learning-rate", "0.01",
                           "--batch-size", "256", "--rescale-time", "--seed", "5", "--out", path("sde")])
        for (dt, name) in [("0.1", "one"), ("0.2", "two")] {
            try runMacroscale(["rollout", "--model", path("sde"), "--initial", path("initial.npy"), "--steps", "1", "--dt", dt, "--seed", "9", "--out", path(name)])
        }
        let output = try Python.run("""
            import sys, numpy as np
            sys.path.insert(0, sys.argv[1])
            import macroscale_sde
            sde = macroscale_sde.load(sys.argv[2])
            _, metadata = macroscale_sde.read_safetensors(sys.argv[2] + '/model.safetensors')
            assert metadata['activation'] == 'relu', metadata
            assert abs(sde.time_scale - 0.1) < 1e-12 and sde.substeps(0.1) == 1 and sde.substeps(0.2) == 2, (sde.time_scale, sde.training_step)
            states = np.array([[1.5, -1.0], [-1.0, 0.5]])
            R = 4000
            def increments(paths, c):
                return paths[c * R:(c + 1) * R, 1].astype(np.float64) - states[c]
            one = np.load(sys.argv[3] + '/rollouts.npz')['trajectories']
            two = np.load(sys.argv[4] + '/rollouts.npz')['trajectories']
            mine = sde.rollout(np.repeat(states, R, axis=0), steps=1, dt=0.2, rng=np.random.default_rng(4))
            worst = {'mean': 0.0, 'covariance': 0.0, 'rollout': 0.0}
            for c, z in enumerate(states):
                # dt = 0.1 is one Euler–Maruyama step of one model time unit: mean b(z), covariance σσᵀ(z).
                b, s = sde.drift(z[None])[0], sde.diffusion(z[None])[0]
                sigma2 = s @ s.T
                x = increments(one, c)
                worst['mean'] = max(worst['mean'], np.max(np.abs(x.mean(0) - b) / np.sqrt(np.diag(sigma2) / R)))
                se = np.sqrt((np.outer(np.diag(sigma2), np.diag(sigma2)) + sigma2 ** 2) / R)
                worst['covariance'] = max(worst['covariance'], np.max(np.abs(np.cov(x.T) - sigma2) / se))
                # dt = 0.2 is two substeps: the module's rollout and macroscale's agree in distribution.
                y, ours = increments(two, c), increments(mine, c)
                se = np.sqrt((y.var(0) + ours.var(0)) / R)
                worst['rollout'] = max(worst['rollout'], np.max(np.abs(y.mean(0) - ours.mean(0)) / se))
                # The test has teeth: the drift moves the mean by many standard errors.
                assert np.max(np.abs(b) / np.sqrt(np.diag(sigma2) / R)) > 20, (b, sigma2)
            print(' '.join(f'{k} {v:.3f}' for k, v in worst.items()))
            """, [module, path("sde"), path("one"), path("two")])
        let values = output.split(separator: " ").map(String.init)
        for (name, index) in [("mean", 1), ("covariance", 3), ("rollout", 5)] {
            let z = try XCTUnwrap(Double(values[index].trimmingCharacters(in: .whitespacesAndNewlines)), output)
            XCTAssertLessThan(z, 4.5, "\(name): the largest deviation is \(z) standard errors (\(output))")
        }
    }

    func testConditionedModelAgreesWithCheckDynamicsAndRolloutControl() throws {
        // Curie–Weiss encoded at two temperatures (L_s = 8 → L = 16), one model conditioned on the temperature.
        for t in ["1.2", "1.6"] {
            try runMacroscale(["simulate", "curie-weiss", "--size", "8", "--runs", "20", "--steps", "12", "--temperature", t, "--seed", "1", "--out", path("sim-\(t)")])
            try runMacroscale(["upsample", "--input", path("sim-\(t)"), "--target-size", "16", "--snapshots", "300", "--window", "8", "--stride", "4",
                               "--seed", "3", "--out", path("up-\(t)")])
            try runMacroscale(["evolve", "--input", path("up-\(t)"), "--seed", "4", "--out", path("ev-\(t)")])
            try runMacroscale(["encode", "--evolved", path("ev-\(t)"), "--control", "temperature", "--out", path("enc-\(t)")])
            try runMacroscale(["simulate", "curie-weiss", "--size", "16", "--runs", "6", "--steps", "12", "--m0", "0.5", "--temperature", t, "--seed", "6",
                               "--out", path("test-\(t)")])
        }
        try runMacroscale(["train-sde", "--pairs", path("enc-1.2/partial.npz"), "--pairs", path("enc-1.6/partial.npz"), "--mode", "diagonal", "--hidden", "8",
                           "--lambda", "K", "--epochs", "5", "--batch-size", "64", "--rescale-time", "--seed", "5", "--out", path("sde")])
        try runMacroscale(["check-dynamics", "--model", path("sde"), "--test", path("test-1.2"), "--test", path("test-1.6"), "--grid-points", "5",
                           "--out", path("dynamics")])
        XCTAssertEqual(try Python.run("""
            import sys, numpy as np
            z = np.array([[0.6], [-0.2]])
            np.save(sys.argv[1], np.repeat(z, 4000, axis=0))
            print('ok')
            """, [path("initial.npy")]), "ok\n")
        try runMacroscale(["rollout", "--model", path("sde"), "--initial", path("initial.npy"), "--steps", "1", "--dt", "1",
                           "--control", "temperature=1.4", "--seed", "9", "--out", path("roll")])
        let output = try Python.run("""
            import sys, json, numpy as np
            sys.path.insert(0, sys.argv[1])
            import macroscale_sde
            sde = macroscale_sde.load(sys.argv[2])
            assert sde.controls == ['temperature'], sde.controls
            # Every point of check-dynamics: learned drift b/τ and diffusion diag σσᵀ/τ at its latent and temperature.
            points = json.load(open(sys.argv[3] + '/dynamics.json'))['points']
            assert len(points) == 10 and {p['controls']['temperature'] for p in points} == {1.2, 1.6}, points
            worst = 0.0
            for p in points:
                z, c = np.array([p['latent']]), p['controls']
                b = sde.drift(z, controls=c)[0] / sde.time_scale
                s = sde.diffusion(z, controls=[c['temperature']])[0]
                d = np.diag(s @ s.T) / sde.time_scale
                for mine, theirs in ((b, p['learnedDrift']), (d, p['learnedDiffusion'])):
                    worst = max(worst, float(np.max(np.abs(mine - np.array(theirs)) / (1e-6 + np.abs(np.array(theirs))))))
            # The temperature enters: the drift at the same latent differs between 1.2 and 1.6.
            z = np.array([[0.3]])
            apart = abs(sde.drift(z, controls={'temperature': 1.2})[0, 0] - sde.drift(z, controls={'temperature': 1.6})[0, 0])
            assert apart > 1e-3 * abs(sde.drift(z, controls={'temperature': 1.2})[0, 0]), apart
            # Refusals: no controls, and names the model does not have.
            for bad in (None, {'pressure': 1.0}):
                try:
                    sde.drift(z, controls=bad)
                    raise AssertionError(f'accepted {bad}')
                except ValueError:
                    pass
            # rollout --control temperature=1.4 against the module's rollout at the same temperature, in distribution.
            R, states = 4000, np.array([[0.6], [-0.2]])
            theirs = np.load(sys.argv[4] + '/rollouts.npz')['trajectories'].astype(np.float64)
            mine = sde.rollout(np.repeat(states, R, axis=0), steps=1, dt=1.0, rng=np.random.default_rng(4), controls={'temperature': 1.4})
            z_mean = 0.0
            for k in range(2):
                x, y = theirs[k * R:(k + 1) * R, 1, 0], mine[k * R:(k + 1) * R, 1, 0]
                z_mean = max(z_mean, abs(x.mean() - y.mean()) / np.sqrt((x.var() + y.var()) / R))
                assert 0.85 < x.var() / y.var() < 1.15, (x.var(), y.var())
            print(f'{worst:.3g} {z_mean:.3f}')
            """, [module, path("sde"), path("dynamics"), path("roll")])
        let values = output.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        XCTAssertEqual(values.count, 2, output)
        XCTAssertLessThan(values.first ?? .infinity, 1e-4, "relative difference of drift and diffusion from check-dynamics' (single-precision networks): \(output)")
        XCTAssertLessThan(values.last ?? .infinity, 4.5, "the rollouts' means differ by this many standard errors: \(output)")
    }

    func testClosureEncoderGivesEncodeTrajectoriesLatents() throws {
        let common = ["--threads", "1"]
        // Ising: the convolutional encoder (8² patches of a 16² lattice, two blocks); predator–prey: the MLP on 10-point patches.
        try runMacroscale(["simulate", "ising", "--size", "8", "--runs", "8", "--steps", "6", "--seed", "1", "--out", path("small")] + common)
        try runMacroscale(["simulate", "ising", "--size", "16", "--runs", "3", "--steps", "6", "--seed", "2", "--out", path("large")] + common)
        try runMacroscale(["upsample", "--input", path("small"), "--target-size", "16", "--snapshots", "48", "--window", "8", "--stride", "4",
                           "--relax-time", "1", "--seed", "4", "--out", path("upsample")] + common)
        try runMacroscale(["train-closure", "--input", path("upsample"), "--validation", path("large"), "--closure-dimension", "2",
                           "--epochs", "2", "--batch-size", "16", "--seed", "6", "--out", path("closure")] + common)
        try runMacroscale(["simulate", "predator-prey", "--points", "20", "--runs", "20", "--steps", "50", "--seed", "1", "--out", path("pp-small")] + common)
        try runMacroscale(["simulate", "predator-prey", "--points", "40", "--runs", "4", "--steps", "20", "--seed", "2", "--out", path("pp-large")] + common)
        try runMacroscale(["upsample", "--input", path("pp-small"), "--target-size", "40", "--snapshots", "200", "--relax-steps", "0", "--seed", "4",
                           "--out", path("pp-up")] + common)
        try runMacroscale(["train-closure", "--input", path("pp-up"), "--validation", path("pp-large"), "--patch-size", "10", "--epochs", "2", "--seed", "6",
                           "--out", path("pp-closure")] + common)
        for (closure, test) in [("closure", "large"), ("pp-closure", "pp-large")] {
            try runMacroscale(["encode-trajectories", "--input", path(test), "--closure", path(closure), "--out", path("\(closure)-latents")] + common)
            let output = try Python.run("""
                import sys, json, numpy as np
                sys.path.insert(0, sys.argv[1])
                import macroscale_sde
                closure = macroscale_sde.load_closure(sys.argv[2])
                states = np.load(sys.argv[3] + '/trajectories.npz')['states']
                theirs = np.load(sys.argv[4] + '/latents.npz')['latents']
                names = json.load(open(sys.argv[4] + '/manifest.json'))['config']['latent']
                assert closure.names == names, (closure.names, names)
                mine = closure.encode(states.reshape(-1, *states.shape[2:])).reshape(theirs.shape)
                # The test has teeth: the closure variables vary between records.
                assert np.min(np.std(theirs[..., 2:].reshape(-1, 2), axis=0)) > 1e-3, theirs[..., 2:]
                print(f'{np.max(np.abs(mine - theirs) / (1 + np.abs(theirs))):.3g}')
                """, [module, path(closure), path(test), path("\(closure)-latents")])
            let difference = try XCTUnwrap(Double(output.trimmingCharacters(in: .whitespacesAndNewlines)), output)
            XCTAssertLessThan(difference, 1e-4, "\(closure): the module's latents differ from encode-trajectories' by \(difference) (single-precision networks)")
        }
    }
}
