"""Writes Data/demo/predator-prey-initial.npz: the predator-prey test initial conditions.

u0 = m + k cos(10 pi x), v0 = (1 - m) - k cos(10 pi x) on the cell-centred grid of n = 100 points,
for the 3 x 3 test grid k in {0.05, 0.1, 0.15}, m in {0.45, 0.5, 0.55} (METHOD.md section 4.1).
"""
import numpy as np

n = 100
x = (np.arange(n) + 0.5) / n
ks = np.array([0.05, 0.1, 0.15])
ms = np.array([0.45, 0.5, 0.55])
k, m = [a.ravel() for a in np.meshgrid(ks, ms, indexing="ij")]
u = m[:, None] + k[:, None] * np.cos(10 * np.pi * x)[None, :]
v = (1 - m)[:, None] - k[:, None] * np.cos(10 * np.pi * x)[None, :]
np.savez("Data/demo/predator-prey-initial.npz", u=u, v=v, k=k, m=m, x=x)
