#!/usr/bin/env python3
"""One-dimensional SDE of the first latent (m) read off a pair file by binning, and its stationary
statistics: a check of what the pairs hold, independent of train-sde's networks.

Drift b and variance rate a of z₀ in bins of z₀ — from drawn increments (encode's pairs: mean
increment / δt, and variance / (c·δt) with c the pairs' varianceFactor, divided by --lam), or from
generator pairs (next − start and conditionalCovariance / δt, K = 1) — then the stationary density
p(m) ∝ exp(∫ 2b/a dm) / a and its ⟨|M|⟩, χ = (L²/T)(⟨M²⟩ − ⟨|M|⟩²), Binder U.

usage: binned_sde.py PAIRS.npz L T [--lam λ] [--bins 20]
"""
import argparse

import numpy as np

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("pairs")
parser.add_argument("size", type=int)
parser.add_argument("temperature", type=float)
parser.add_argument("--lam", type=float, default=1.0, help="λ of drawn pairs (K for the partial estimator)")
parser.add_argument("--bins", type=int, default=20)
args = parser.parse_args()

pairs = np.load(args.pairs)
start, step, dt = pairs["start"][:, 0], pairs["next"][:, 0] - pairs["start"][:, 0], pairs["dt"]
factor = pairs["varianceFactor"] if "varianceFactor" in pairs.files else np.ones_like(dt)
edges = np.linspace(-1, 1, args.bins + 1)
index = np.clip(np.digitize(start, edges) - 1, 0, args.bins - 1)
centres, drift, rate = [], [], []
for b in range(args.bins):
    inside = index == b
    if inside.sum() <= 20:
        continue
    centres.append(0.5 * (edges[b] + edges[b + 1]))
    drift.append((step[inside] / dt[inside]).mean())
    if "conditionalCovariance" in pairs.files:
        rate.append((pairs["conditionalCovariance"][inside, 0, 0] / dt[inside]).mean())
    else:
        spread = step[inside] - step[inside].mean()
        rate.append((spread**2 / (factor[inside] * dt[inside])).mean() / args.lam)
m = np.linspace(centres[0], centres[-1], 4001)
b, a = np.interp(m, centres, drift), np.interp(m, centres, rate)
slope = 2 * b / a
potential = np.concatenate([[0], np.cumsum(0.5 * (slope[1:] + slope[:-1]) * np.diff(m))])
density = np.exp(potential - potential.max()) / a
density /= density.sum()
absolute, second, fourth = (np.abs(m) * density).sum(), (m**2 * density).sum(), (m**4 * density).sum()
chi = args.size**2 / args.temperature * (second - absolute**2)
print(f"<|M|> {absolute:.3f}  chi {chi:.2f}  U {1 - fourth / (3 * second**2):.3f}")
