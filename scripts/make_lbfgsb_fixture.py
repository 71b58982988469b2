#!/usr/bin/env python3
"""Write the golden fixture of L-BFGS-B's first iterates on a tiny texture objective (SciPy).

Run from the repository root:  python3 scripts/make_lbfgsb_fixture.py
Needs numpy and scipy (pip install numpy scipy). The output is committed, so the tests need neither:
Tests/TextureSynthesisTests/Fixtures/lbfgsb_first_iterates.json.

The objective is texstim's embedded model cut to one level, written here independently in float64:
  colour: x (3, H, W) = RGB pixels minus the source's mean colour; grey: x = (v, v, v) minus the mean,
          with v (1, H, W) the optimiser's variable, so dL/dv is the SUM of the three channels' dL/dx;
  F = ReLU(valid cross-correlation of x with K filters of 3 x 5 x 5), F read as K x M (M = H'W');
  G = F F^T / M;  L = ||G - G_src||^2 / ||G_src||^2.
L-BFGS-B (m = 20, ftol = gtol = 0) runs on s * L, s = 0.25 * mean box width / max|dL/dx0| (texstim's
objective scale), in the per-channel box [min, max] of the source in the optimiser's units. The fixture
holds the inputs (source pixels, filters, start point), s, and x and L after each of the first 5 iterations.
"""
import json
import os

import numpy as np
from scipy.optimize import minimize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "TextureSynthesisTests", "Fixtures", "lbfgsb_first_iterates.json")
SIDE, FILTERS, KERNEL, ITERATIONS, KAPPA = 12, 4, 5, 5, 0.25


def features(x, w):
    """Valid cross-correlation + ReLU: x (3, H, W), w (K, 3, k, k) -> pre-activation and F (K, H', W')."""
    k = w.shape[2]
    h, wd = x.shape[1] - k + 1, x.shape[2] - k + 1
    z = np.zeros((w.shape[0], h, wd))
    for dy in range(k):
        for dx in range(k):
            z += np.einsum("oc,chw->ohw", w[:, :, dy, dx], x[:, dy:dy + h, dx:dx + wd])
    return z, np.maximum(z, 0)


def loss_and_gradient(x, w, target):
    z, f = features(x, w)
    m = f.shape[1] * f.shape[2]
    flat = f.reshape(f.shape[0], m)
    difference = flat @ flat.T / m - target
    energy = np.sum(target * target)
    loss = np.sum(difference * difference) / energy
    d_flat = 4 * difference @ flat / (m * energy)  # dL/dF = 2 * (2 D / energy) F / M, D symmetric
    d_z = d_flat.reshape(f.shape) * (z > 0)
    d_x = np.zeros_like(x)
    k = w.shape[2]
    for dy in range(k):
        for dx in range(k):
            d_x[:, dy:dy + f.shape[1], dx:dx + f.shape[2]] += np.einsum("oc,ohw->chw", w[:, :, dy, dx], d_z)
    return loss, d_x


def case(grey, rng, source, w):
    rgb = np.repeat((0.2126 * source[0] + 0.7152 * source[1] + 0.0722 * source[2])[None], 3, 0) if grey else source
    mean = rgb.reshape(3, -1).mean(axis=1)
    model_source = rgb - mean[:, None, None]
    _, f_source = features(model_source, w)
    m = f_source.shape[1] * f_source.shape[2]
    flat = f_source.reshape(FILTERS, m)
    target = flat @ flat.T / m
    values = rgb[:1] if grey else model_source  # the optimiser's units
    lower, upper = values.reshape(values.shape[0], -1).min(axis=1), values.reshape(values.shape[0], -1).max(axis=1)
    start = np.clip(values.mean(axis=(1, 2))[:, None, None] + values.std(axis=(1, 2))[:, None, None]
                    * rng.standard_normal(values.shape), lower[:, None, None], upper[:, None, None])

    def unscaled(v):
        v = v.reshape(values.shape)
        x = np.repeat(v, 3, 0) - mean[:, None, None] if grey else v
        loss, d_x = loss_and_gradient(x, w, target)
        return loss, (d_x.sum(axis=0, keepdims=True) if grey else d_x).ravel()

    _, g0 = unscaled(start.ravel())
    scale = KAPPA * np.mean(upper - lower) / np.max(np.abs(g0))
    iterates = []

    def callback(intermediate_result):
        iterates.append({"x": intermediate_result.x.tolist(), "loss": float(unscaled(intermediate_result.x)[0])})

    bounds = [(lower[c], upper[c]) for c in range(values.shape[0]) for _ in range(SIDE * SIDE)]
    minimize(lambda v: tuple(scale * part for part in unscaled(v)), start.ravel(), jac=True, method="L-BFGS-B",
             bounds=bounds, callback=callback,
             options={"maxcor": 20, "ftol": 0, "gtol": 0, "maxiter": ITERATIONS, "maxfun": 1000})
    return {"grey": grey, "start": start.ravel().tolist(), "lower": lower.tolist(), "upper": upper.tolist(),
            "scale": scale, "start_loss": float(unscaled(start.ravel())[0]), "iterates": iterates}


def main():
    rng = np.random.default_rng(2015)
    # A smooth-ish colour source (so the box is narrower than [0, 1]) and zero-mean unit-norm filters.
    source = np.clip(0.5 + 0.2 * rng.standard_normal((3, SIDE, SIDE)), 0, 1)
    w = rng.standard_normal((FILTERS, 3, KERNEL, KERNEL))
    w -= w.mean(axis=(1, 2, 3), keepdims=True)
    w /= np.sqrt((w * w).sum(axis=(1, 2, 3), keepdims=True))
    cases = [case(False, rng, source, w), case(True, rng, source, w)]
    fixture = {"side": SIDE, "filters": w.ravel().tolist(), "filter_count": FILTERS, "kernel": KERNEL,
               "source": source.ravel().tolist(), "kappa": KAPPA, "cases": cases,
               "made_by": "scripts/make_lbfgsb_fixture.py with SciPy's L-BFGS-B"}
    with open(OUT, "w") as handle:
        json.dump(fixture, handle)
    for c in cases:
        print("grey" if c["grey"] else "colour", "scale", c["scale"], "losses", c["start_loss"], [i["loss"] for i in c["iterates"]])


if __name__ == "__main__":
    main()
