#!/usr/bin/env python3
"""PyTorch counterparts of `macroscale bench learn` (a) and (b), written from Docs/METHOD.md §3.

Each step is forward, loss, backward and an AdamW (AMSGrad) update, as in
Sources/MacroscaleCLI/BenchLearnCommand.swift; prints one line per workload:
`<label>: <samples/s> samples/s`.
"""
import argparse
import time

import torch
from torch import nn

AUTOENCODER = "Ising autoencoder 64², patches 16², batch 512"
SDE = "SDE drift + diffusion MLPs, n_z = 4, batch 1024"


def encoder_block(inputs, outputs):
    """Conv 3×3 pad 1 → BatchNorm → LeakyReLU(0.2) → MaxPool 2."""
    return [nn.Conv2d(inputs, outputs, 3, padding=1), nn.BatchNorm2d(outputs), nn.LeakyReLU(0.2), nn.MaxPool2d(2)]


def closure_autoencoder():
    """Encoder 16² → 32, 64, 128 channels → Linear → 2; decoder (m, ρ, ẑ) → 4² × 128 → 64² × 1."""
    encoder = nn.Sequential(*encoder_block(1, 32), *encoder_block(32, 64), *encoder_block(64, 128),
                            nn.Flatten(), nn.Linear(128 * 2 * 2, 2))
    layers = [nn.Linear(4, 128 * 4 * 4), nn.LeakyReLU(0.2), nn.Unflatten(1, (128, 4, 4))]
    widths = [128, 64, 32, 16, 1]
    for k, (a, b) in enumerate(zip(widths, widths[1:])):
        layers.append(nn.ConvTranspose2d(a, b, 3, stride=2, padding=1, output_padding=1))
        layers += [nn.Sigmoid()] if k == len(widths) - 2 else [nn.BatchNorm2d(b), nn.LeakyReLU(0.2)]
    decoder = nn.Sequential(*layers)
    for module in list(encoder.modules()) + list(decoder.modules()):
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(module.weight, 0, 0.02)
    return encoder, decoder


def mlp(widths):
    layers = []
    for k, (a, b) in enumerate(zip(widths, widths[1:])):
        if k > 0:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(a, b))
    return nn.Sequential(*layers)


def measure(label, batch, step, seconds):
    step()  # warm-up
    start = time.perf_counter()
    steps = 0
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    print(f"{label}: {steps * batch / elapsed:.6g} samples/s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--only", default=None, help="run only the workloads whose label contains this text")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)

    if args.only is None or args.only in AUTOENCODER:
        encoder, decoder = closure_autoencoder()
        patches = torch.randint(0, 2, (512 * 16, 1, 16, 16)).float()
        images = torch.randint(0, 2, (512, 1, 64, 64)).float()
        observables = torch.zeros(512, 2)
        optimizer = torch.optim.AdamW(list(encoder.parameters()) + list(decoder.parameters()), lr=2e-4, weight_decay=0, amsgrad=True)

        def autoencoder_step():
            optimizer.zero_grad()
            closure = encoder(patches).view(512, 16, 2).mean(dim=1)
            latent = torch.cat([observables, closure], dim=1)
            loss = nn.functional.binary_cross_entropy(decoder(latent), images)
            loss.backward()
            optimizer.step()

        measure(AUTOENCODER, 512, autoencoder_step, args.seconds)

    if args.only is None or args.only in SDE:
        drift, diffusion = mlp([4, 64, 64, 64, 4]), mlp([4, 64, 64, 64, 16])
        z = torch.randn(1024, 4)
        optimizer = torch.optim.AdamW(list(drift.parameters()) + list(diffusion.parameters()), lr=1e-3, weight_decay=0, amsgrad=True)

        def sde_step():
            optimizer.zero_grad()
            sigma = diffusion(z)
            loss = nn.functional.mse_loss(drift(z), z) + nn.functional.mse_loss(sigma, torch.zeros_like(sigma))
            loss.backward()
            optimizer.step()

        measure(SDE, 1024, sde_step, args.seconds)


if __name__ == "__main__":
    main()
