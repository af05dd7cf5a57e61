"""A trained Macroscale SDE and closure encoder in NumPy: load train-sde's ``model.safetensors``
and roll it out; load train-closure's ``closure.safetensors`` and encode states into latents.

The model is dz = b(z, c) dτ + σ(z, c) dW in model time τ = t / time_scale, with t on the model's
clock (``sde.clock``): physical time (Glauber time, seconds, lattice time) or, for pairs encoded
with ``encode --clock sweeps``, sweeps of the simulation (Docs/SDE.md, *Clocks*); b is an MLP and σ
is parametrised by the diffusion mode (Docs/SDE.md); c are the control parameters of a conditioned
model (none for most)::

    import sys; sys.path.insert(0, "scripts/python")
    import numpy as np, macroscale_sde

    sde = macroscale_sde.load("run/sde")            # a train-sde directory, or its model.safetensors
    b = sde.drift(z)                                 # [B, n] -> [B, n], per unit of model time
    s = sde.diffusion(z)                             # [B, n] -> [B, n, n]
    paths = sde.rollout(z0, steps=100, dt=0.5, rng=np.random.default_rng(1))   # [B, 101, n]

    # A model conditioned on control parameters (``train-sde`` on pairs of ``encode --control``):
    sde.controls                                     # ['temperature']
    paths = sde.rollout(z0, steps=100, dt=0.5, rng=rng, controls={"temperature": 1400})
    b = sde.drift(z, controls={"temperature": 1400}) # or an array [c] or [B, c] in sde.controls' order

    # The latent map of a closure model, as ``encode`` and ``evaluate`` apply it:
    closure = macroscale_sde.load_closure("run/closure")   # a train-closure directory or its file
    closure.names                                    # ['magnetization', 'domainWallDensity', 'closure0', 'closure1']
    z = closure.encode(states)                       # Ising spins [B, L, L]; predator–prey fields [B, 2, n]

``rollout`` takes ``dt`` on the model's clock and steps like ``macroscale rollout``: each recorded step
is ``substeps(dt)`` Euler–Maruyama steps no longer than the training pairs' δt, and a trajectory
that turns non-finite or leaves the escape bounds (ten widths of the training range beyond it) is
NaN from then on. Its noise is NumPy's, not Macroscale's Philox streams: the same model gives the
same distribution of paths, not the same paths.

Everything comes from the file: ``dimension``, ``mode``, ``hidden`` and ``activation`` (ReLU
between linear layers) describe the networks, whose tensors are ``drift.<k>.weight`` [out, in] and
``drift.<k>.bias`` (likewise ``diffusion.<k>.…`` for the ``arbitrary`` and ``diagonal`` modes,
``diffusion.sigma`` for the constant ones); ``timeScale``, ``trainingStep`` and
``startLower``/``startUpper`` give the time unit, the substep length and the training range, and
``clock`` (absent: physical) the clock of t.
A conditioned model's metadata also has ``controls`` (names), ``controlMean`` and
``controlScale``; its networks read [z, e(ĉ)], e(ĉ) = tanh(W ĉ + b) (``controls.0.weight`` [8, c],
``controls.0.bias``) of the normalised controls ĉ = (c − mean) / scale, one embedding for both.

A closure model (``closure.safetensors``; metadata ``system``, ``patchShape``,
``closureDimension``) maps a configuration to z = ((z*, ẑ) − offset) / scale: z* the system's
macroscopic observables, ẑ the per-patch encoder's outputs averaged over the configuration's
tiling patches, offset and scale the saved ``latent_min``/``latent_range`` (Ising) or
``latent_mean``/``latent_std`` (predator–prey). The Ising encoder is blocks of Conv 3×3 (padding 1)
→ BatchNorm (running statistics, eps 10⁻⁵) → LeakyReLU(0.2) → MaxPool 2, then a linear layer, on
the ±1 spins of each patch; the predator–prey encoder an MLP (ReLU) on each species' patches.
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


def _numbers(metadata, key):
    """The comma-separated numbers of ``metadata[key]``."""
    return np.array([float(v) for v in metadata[key].split(",")])


class SDE:
    """dz = b(z, c) dτ + σ(z, c) dW as trained; see the module's description."""

    def __init__(self, tensors, metadata, source="<checkpoint>"):
        self.source = source
        self.controls = metadata["controls"].split(",") if "controls" in metadata else []
        if self.controls:
            self.control_mean, self.control_scale = _numbers(metadata, "controlMean"), _numbers(metadata, "controlScale")
            self.embedding = (tensors["controls.0.weight"], tensors["controls.0.bias"])
        activation = metadata.get("activation", "relu")  # checkpoints written before it was recorded used ReLU
        if activation != "relu":
            raise ValueError(f"{source}: activation {activation!r}; this module implements relu")
        self.dimension = int(metadata["dimension"])
        self.mode = metadata["mode"]
        self.hidden = [int(width) for width in metadata["hidden"].split(",") if width]
        self.lam = float(metadata["lambda"])
        self.time_scale = float(metadata["timeScale"])
        self.clock = metadata.get("clock", "physical")
        self.training_step = float(metadata["trainingStep"]) if "trainingStep" in metadata else None
        self.start_range = None
        if "startLower" in metadata:
            self.start_range = tuple(_numbers(metadata, key) for key in ("startLower", "startUpper"))
        self.drift_layers = _network(tensors, "drift")
        if self.mode in ("arbitrary", "diagonal"):
            self.diffusion_layers = _network(tensors, "diffusion")
        elif self.mode in ("constantDiagonal", "constant"):
            self.sigma = tensors["diffusion.sigma"]
        else:
            raise ValueError(f"{source}: unknown diffusion mode {self.mode!r}")

    def control_values(self, controls, batch):
        """The physical control values [batch, c] that ``controls`` gives: a mapping name -> value
        (every name of the model, no other) or an array [c] or [batch, c] in ``self.controls``' order."""
        if not self.controls:
            if controls is not None and len(controls) > 0:
                raise ValueError(f"{self.source}: the model has no control parameters; got {controls!r}")
            return np.zeros((batch, 0))
        if controls is None:
            raise ValueError(f"{self.source}: the model is conditioned on {self.controls}; give their values")
        if isinstance(controls, dict):
            if set(controls) != set(self.controls):
                raise ValueError(f"{self.source}: the model is conditioned on {self.controls}; got values for {sorted(controls)}")
            controls = [controls[name] for name in self.controls]
        values = np.asarray(controls, dtype=np.float64)
        if values.shape[-1] != len(self.controls) or values.ndim > 2 or not np.all(np.isfinite(values)):
            raise ValueError(f"{self.source}: {len(self.controls)} finite control value(s) per state expected; got shape {values.shape}")
        return np.broadcast_to(values, (batch, len(self.controls)))

    def _input(self, z, controls):
        """The networks' input: z, then the embedding of the normalised controls for a conditioned model."""
        z = np.atleast_2d(np.asarray(z, dtype=np.float64))
        values = self.control_values(controls, z.shape[0])
        if not self.controls:
            return z
        weight, bias = self.embedding
        embedded = np.tanh(((values - self.control_mean) / self.control_scale) @ weight.T + bias)
        return np.concatenate([z, embedded], axis=1)

    def drift(self, z, controls=None):
        """b(z, c) for rows z [B, n], per unit of model time (``controls`` as for ``control_values``)."""
        return _forward(self.drift_layers, self._input(z, controls))

    def diffusion(self, z, controls=None):
        """σ(z, c) for rows z [B, n]: [B, n, n]."""
        x = self._input(z, controls)
        n, batch = self.dimension, x.shape[0]
        if self.mode == "arbitrary":
            return _forward(self.diffusion_layers, x).reshape(batch, n, n)
        if self.mode == "diagonal":
            return np.stack([np.diag(row) for row in _forward(self.diffusion_layers, x)])
        sigma = np.diag(self.sigma) if self.mode == "constantDiagonal" else self.sigma
        return np.broadcast_to(sigma, (batch, n, n)).copy()

    def substeps(self, dt):
        """Euler–Maruyama steps per recorded step of length dt on the model's clock (as ``macroscale rollout``)."""
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

    def rollout(self, initial, steps, dt, rng, controls=None):
        """Paths [B, steps + 1, n] from the rows of ``initial``, recorded every ``dt`` of time on the
        model's clock, at the control values ``controls`` (a conditioned model only; see ``control_values``)."""
        state = np.atleast_2d(np.array(initial, dtype=np.float64))
        count, n = state.shape
        if n != self.dimension:
            raise ValueError(f"initial states have {n} components, the model {self.dimension}")
        values = self.control_values(controls, count)  # checked once: every name of a conditioned model, none otherwise
        controls = values if self.controls else None
        substeps = self.substeps(dt)
        h = dt / self.time_scale / substeps
        bounds = self.escape_bounds()
        alive = np.ones(count, dtype=bool)
        paths = np.full((count, steps + 1, n), np.nan)
        paths[:, 0] = state
        for step in range(1, steps + 1):
            for _ in range(substeps):
                noise = rng.standard_normal((count, n))
                sigma = self.diffusion(state, controls)
                step_state = state + self.drift(state, controls) * h + np.einsum("bik,bk->bi", sigma, noise) * math.sqrt(h)
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


def _conv3x3(x, weight, bias):
    """Cross-correlation of x [N, C, H, W] with weight [O, C, 3, 3], padding 1, plus bias: [N, O, H, W]."""
    height, width = x.shape[2:]
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.broadcast_to(bias[None, :, None, None], (x.shape[0], weight.shape[0], height, width)).copy()
    for di in range(3):
        for dj in range(3):
            out += np.einsum("nchw,oc->nohw", padded[:, :, di:di + height, dj:dj + width], weight[:, :, di, dj])
    return out


def _convolutional_encoder(tensors, x):
    """The Ising patch encoder on x [N, 1, p, p]: [Conv 3×3 → BatchNorm → LeakyReLU(0.2) → MaxPool 2] blocks, flatten, linear."""
    layers = sorted({int(name.split(".")[1]) for name in tensors if name.startswith("encoder.")})
    for index in layers:
        t = {name.split(".", 2)[2]: value for name, value in tensors.items() if name.startswith(f"encoder.{index}.")}
        if "running_mean" in t:
            scale = t["weight"] / np.sqrt(t["running_var"] + 1e-5)
            x = (x - t["running_mean"][None, :, None, None]) * scale[None, :, None, None] + t["bias"][None, :, None, None]
            x = np.where(x > 0, x, 0.2 * x)
            n, c, h, w = x.shape
            x = x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
        elif t["weight"].ndim == 4:
            x = _conv3x3(x, t["weight"], t["bias"])
        else:
            x = x.reshape(x.shape[0], -1) @ t["weight"].T + t["bias"]
    return x


class Closure:
    """The latent map of a train-closure model: observables, then closure variables, normalised."""

    OBSERVABLES = {"ising": ["magnetization", "domainWallDensity"], "predator-prey": ["meanPrey", "meanPredator"]}

    def __init__(self, tensors, metadata, source="<checkpoint>"):
        self.system = metadata["system"]
        if self.system not in Closure.OBSERVABLES:
            raise ValueError(f"{source}: a closure model of {self.system!r}; this module encodes {sorted(Closure.OBSERVABLES)}")
        self.patch_shape = [int(v) for v in metadata["patchShape"].split(",")]
        self.closure_dimension = int(metadata["closureDimension"])
        self.names = Closure.OBSERVABLES[self.system] + [f"closure{k}" for k in range(self.closure_dimension)]
        self.tensors = tensors
        offset, scale = ("latent_min", "latent_range") if "latent_min" in tensors else ("latent_mean", "latent_std")
        self.offset, self.scale = tensors[offset], tensors[scale]

    def observables(self, states):
        """z* of each configuration: Ising (m, ρ) with periodic bonds, ρ = Σ (1 − s s')/2 / (2N);
        predator–prey the mean prey and predator densities."""
        x = np.asarray(states, dtype=np.float64)
        if self.system == "ising":
            bonds = (x * np.roll(x, -1, axis=2) + x * np.roll(x, -1, axis=1)).sum(axis=(1, 2))
            sites = x.shape[1] * x.shape[2]
            return np.stack([x.sum(axis=(1, 2)) / sites, (2 * sites - bonds) / (4 * sites)], axis=1)
        return x.mean(axis=2)

    def closure(self, states):
        """ẑ of each configuration: the encoder on each tiling patch, averaged over the patches."""
        x = np.asarray(states, dtype=np.float64)
        batch = x.shape[0]
        if self.system == "ising":
            p, q = self.patch_shape
            rows, columns = x.shape[1] // p, x.shape[2] // q
            # Patches in row-major order of their origins; the order does not change the average.
            patches = x.reshape(batch, rows, p, columns, q).transpose(0, 1, 3, 2, 4).reshape(batch * rows * columns, 1, p, q)
            return _convolutional_encoder(self.tensors, patches).reshape(batch, rows * columns, -1).mean(axis=1)
        width = self.patch_shape[0]
        patches = x.reshape(batch * 2 * (x.shape[2] // width), width)
        layers = _network(self.tensors, "encoder")
        return _forward(layers, patches).reshape(batch, 2, -1).mean(axis=2)

    def encode(self, states):
        """The normalised latents [B, n_z] of configurations [B, L, L] (Ising spins ±1) or [B, 2, n] (predator–prey u, v)."""
        states = np.asarray(states)
        if states.ndim != 3 or (self.system == "predator-prey" and states.shape[1] != 2):
            raise ValueError(f"states of {self.system} are [B, L, L] or [B, 2, n]; got shape {states.shape}")
        if any(extent % patch for extent, patch in zip(states.shape[-len(self.patch_shape):], self.patch_shape)):
            raise ValueError(f"patches {self.patch_shape} do not tile states of shape {states.shape[1:]}")
        raw = np.concatenate([self.observables(states), self.closure(states)], axis=1)
        return (raw - self.offset) / self.scale


def load_closure(path):
    """The closure model in ``path``: a train-closure stage directory or its ``closure.safetensors``."""
    file = os.path.join(path, "closure.safetensors") if os.path.isdir(path) else path
    tensors, metadata = read_safetensors(file)
    return Closure(tensors, metadata, source=file)
