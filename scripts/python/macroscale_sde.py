"""A trained Macroscale SDE in NumPy: load train-sde's ``model.safetensors`` and roll it out.

The model is dz = b(z) dτ + σ(z) dW in model time τ = t / time_scale (t physical: Glauber time,
seconds, lattice time), with b an MLP and σ parametrised by the diffusion mode (Docs/SDE.md)::

    import sys; sys.path.insert(0, "scripts/python")
    import numpy as np, macroscale_sde

    sde = macroscale_sde.load("run/sde")            # a train-sde directory, or its model.safetensors
    b = sde.drift(z)                                 # [B, n] -> [B, n], per unit of model time
    s = sde.diffusion(z)                             # [B, n] -> [B, n, n]
    paths = sde.rollout(z0, steps=100, dt=0.5, rng=np.random.default_rng(1))   # [B, 101, n]

``rollout`` takes ``dt`` in physical time and steps like ``macroscale rollout``: each recorded step
is ``substeps(dt)`` Euler–Maruyama steps no longer than the training pairs' δt, and a trajectory
that turns non-finite or leaves the escape bounds (ten widths of the training range beyond it) is
NaN from then on. Its noise is NumPy's, not Macroscale's Philox streams: the same model gives the
same distribution of paths, not the same paths.

Everything comes from the file: ``dimension``, ``mode``, ``hidden`` and ``activation`` (ReLU
between linear layers) describe the networks, whose tensors are ``drift.<k>.weight`` [out, in] and
``drift.<k>.bias`` (likewise ``diffusion.<k>.…`` for the ``arbitrary`` and ``diagonal`` modes,
``diffusion.sigma`` for the constant ones); ``timeScale``, ``trainingStep`` and
``startLower``/``startUpper`` give the time unit, the substep length and the training range.
Models conditioned on control parameters are refused (their embedding is not implemented here).
Requires only NumPy.
"""

import json
import math
import os
import struct

import numpy as np

_DTYPES = {"F32": np.float32, "F64": np.float64}


def read_safetensors(path):
    """The tensors (name -> float64 array) and the metadata (str -> str) of a safetensors file."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {entry['dtype']}; expected F32 or F64")
        begin, end = entry["data_offsets"]
        values = np.frombuffer(data[begin:end], dtype=np.dtype(_DTYPES[entry["dtype"]]).newbyteorder("<"))
        tensors[name] = values.astype(np.float64).reshape(entry["shape"])
    return tensors, metadata


def _network(tensors, prefix):
    """The (weight, bias) pairs of the MLP whose tensors start with ``prefix.``, in layer order."""
    indices = sorted({int(name.split(".")[1]) for name in tensors if name.startswith(prefix + ".") and name.count(".") == 2})
    return [(tensors[f"{prefix}.{k}.weight"], tensors[f"{prefix}.{k}.bias"]) for k in indices]


def _forward(layers, x):
    """The MLP on rows x: linear layers with ReLU between them, none after the last."""
    for index, (weight, bias) in enumerate(layers):
        x = x @ weight.T + bias
        if index < len(layers) - 1:
            x = np.maximum(x, 0)
    return x


class SDE:
    """dz = b(z) dτ + σ(z) dW as trained; see the module's description."""

    def __init__(self, tensors, metadata, source="<checkpoint>"):
        if "controls" in metadata:
            raise ValueError(f"{source}: a model conditioned on {metadata['controls']}; this module reads unconditioned models only")
        activation = metadata.get("activation", "relu")  # checkpoints written before it was recorded used ReLU
        if activation != "relu":
            raise ValueError(f"{source}: activation {activation!r}; this module implements relu")
        self.dimension = int(metadata["dimension"])
        self.mode = metadata["mode"]
        self.hidden = [int(width) for width in metadata["hidden"].split(",") if width]
        self.lam = float(metadata["lambda"])
        self.time_scale = float(metadata["timeScale"])
        self.training_step = float(metadata["trainingStep"]) if "trainingStep" in metadata else None
        self.start_range = None
        if "startLower" in metadata:
            self.start_range = tuple(np.array([float(v) for v in metadata[key].split(",")]) for key in ("startLower", "startUpper"))
        self.drift_layers = _network(tensors, "drift")
        if self.mode in ("arbitrary", "diagonal"):
            self.diffusion_layers = _network(tensors, "diffusion")
        elif self.mode in ("constantDiagonal", "constant"):
            self.sigma = tensors["diffusion.sigma"]
        else:
            raise ValueError(f"{source}: unknown diffusion mode {self.mode!r}")

    def drift(self, z):
        """b(z) for rows z [B, n], per unit of model time."""
        return _forward(self.drift_layers, np.atleast_2d(np.asarray(z, dtype=np.float64)))

    def diffusion(self, z):
        """σ(z) for rows z [B, n]: [B, n, n]."""
        z = np.atleast_2d(np.asarray(z, dtype=np.float64))
        n, batch = self.dimension, z.shape[0]
        if self.mode == "arbitrary":
            return _forward(self.diffusion_layers, z).reshape(batch, n, n)
        if self.mode == "diagonal":
            return np.stack([np.diag(row) for row in _forward(self.diffusion_layers, z)])
        sigma = np.diag(self.sigma) if self.mode == "constantDiagonal" else self.sigma
        return np.broadcast_to(sigma, (batch, n, n)).copy()

    def substeps(self, dt):
        """Euler–Maruyama steps per recorded step of physical length dt (as ``macroscale rollout``)."""
        if not (dt > 0 and math.isfinite(dt)):
            raise ValueError(f"a rollout step must be a positive, finite time; got {dt}")
        if not self.training_step:
            return 1
        return max(1, math.ceil(dt / self.time_scale / self.training_step * (1 - 1e-9)))

    def escape_bounds(self):
        """The training range widened by ten widths on each side (a width of 1 where it is 0); None if unrecorded."""
        if self.start_range is None:
            return None
        lower, upper = self.start_range
        margin = 10 * np.where(upper > lower, upper - lower, 1)
        return lower - margin, upper + margin

    def rollout(self, initial, steps, dt, rng):
        """Paths [B, steps + 1, n] from the rows of ``initial``, recorded every ``dt`` of physical time."""
        state = np.atleast_2d(np.array(initial, dtype=np.float64))
        count, n = state.shape
        if n != self.dimension:
            raise ValueError(f"initial states have {n} components, the model {self.dimension}")
        substeps = self.substeps(dt)
        h = dt / self.time_scale / substeps
        bounds = self.escape_bounds()
        alive = np.ones(count, dtype=bool)
        paths = np.full((count, steps + 1, n), np.nan)
        paths[:, 0] = state
        for step in range(1, steps + 1):
            for _ in range(substeps):
                noise = rng.standard_normal((count, n))
                step_state = state + self.drift(state) * h + np.einsum("bik,bk->bi", self.diffusion(state), noise) * math.sqrt(h)
                ok = np.all(np.isfinite(step_state), axis=1)
                if bounds is not None:
                    ok &= np.all((bounds[0] <= step_state) & (step_state <= bounds[1]), axis=1)
                alive &= ok
                state = np.where(alive[:, None], step_state, 0.0)  # keeps the networks' inputs finite
            paths[alive, step] = state[alive]
        return paths


def load(path):
    """The SDE in ``path``: a train-sde stage directory or its ``model.safetensors``."""
    file = os.path.join(path, "model.safetensors") if os.path.isdir(path) else path
    tensors, metadata = read_safetensors(file)
    return SDE(tensors, metadata, source=file)
