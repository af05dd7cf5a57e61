import Foundation
import TestSupport
import XCTest

/// scripts/python/macroscale_sde.py against `macroscale rollout`: the one-step increments of the
/// Swift rollouts have the mean b(z)·h and covariance σσᵀ(z)·h that the Python module computes from
/// the checkpoint alone, and the module's own rollouts agree with them.
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
}
