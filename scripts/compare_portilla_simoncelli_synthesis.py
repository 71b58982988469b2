#!/usr/bin/env python3
"""Portilla-Simoncelli synthesis: texstim (L-BFGS-B) against plenoptic's documented recipe.

Run by hand (not by the test command), from the repository root, with plenoptic 2.1.1 in a venv
(see scripts/make_portilla_simoncelli_fixture.py; run with plenoptic 2.1.1, torch 2.15.0,
numpy 2.4.6, Pillow 13.0.0):

    /work/ps-venv/bin/python scripts/compare_portilla_simoncelli_synthesis.py [--texture pebbles]
        [--iterations 200] [--out /tmp/ps-compare] [--skip-plenoptic] [--skip-texstim]

Source: the 128 x 128 grey pixels stored in Tests/PortillaSimoncelliTests/Fixtures/ps_<texture>_128.json
(texstim's grey preparation of a shared texture, 8-bit; value = byte / 255), float64.
Model: 4 scales, 4 orientations, spatial_corr_width 7 (plenoptic's defaults), float64.

plenoptic side, its documented recipe for PortillaSimoncelli metamers (docs "Portilla-Simoncelli"
and plenoptic's own tests): loss = po.loss.portilla_simoncelli_loss_factory(model, image)
(||w * (s(x) - s(image))||_2 with w = 0 for min/max, 100 for var_highpass_residual, 1 else);
po.Metamer(image, model, loss_function=loss) (default range penalty 0.1 * penalize_range(x, (0, 1))
and default start: uniform noise rescaled to [0, 1]); optimizer torch.optim.LBFGS with
max_iter=10, max_eval=10, history_size=100, line_search_fn="strong_wolfe", lr=1, so that ONE
plenoptic iteration is up to 10 L-BFGS iterations / 10 evaluations. It runs --iterations
plenoptic iterations (default stop criterion: 1e-4 loss change over 50 iterations) and the loss
after --iterations / 10 plenoptic iterations is also reported (about the evaluation budget of
texstim's --iterations L-BFGS-B iterations).

texstim side: `swift test --filter compareWithPlenoptic` with TEXSTIM_PS_COMPARE=<out>
(Tests/TextureSynthesisTests/PortillaSimoncelliSynthesisTests.swift): L-BFGS-B (memory 20) in the
box [min, max] of the source, from seeded Gaussian noise with the source's mean and deviation,
--iterations iterations, minimising the squared loss (same weights).

Both final images are then scored with plenoptic's own model and loss function (the same
definition for both), and written as PNGs: <out>/source.png, plenoptic.png, texstim.png.
"""

import argparse
import base64
import json
import os
import pathlib
import subprocess
import time

import numpy as np
import plenoptic as po
import torch
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "PortillaSimoncelliTests" / "Fixtures"


def source_pixels(texture: str) -> np.ndarray:
    fixture = json.loads((FIXTURES / f"ps_{texture}_128.json").read_text())
    size = fixture["size"]
    raw = np.frombuffer(base64.b64decode(fixture["pixels"]), dtype=np.uint8)
    return raw.reshape(size, size).astype(np.float64) / 255.0


def as_tensor(pixels: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(pixels, dtype=np.float64))[None, None]


def write_png(pixels: np.ndarray, path: pathlib.Path) -> None:
    Image.fromarray(np.clip(np.round(pixels * 255.0), 0, 255).astype(np.uint8), mode="L").save(path)


def model_and_loss(image: torch.Tensor):
    model = po.models.PortillaSimoncelli(image.shape[-2:], n_scales=4, n_orientations=4, spatial_corr_width=7).to(torch.float64)
    return model, po.loss.portilla_simoncelli_loss_factory(model, image)


def run_plenoptic(image: torch.Tensor, iterations: int, out: pathlib.Path) -> dict:
    model, loss = model_and_loss(image)
    evaluations = [0]

    def counted(x, y):
        evaluations[0] += 1
        return loss(x, y)

    po.set_seed(0)
    met = po.Metamer(image, model, loss_function=counted)
    met.setup(optimizer=torch.optim.LBFGS, optimizer_kwargs={
        "max_iter": 10, "max_eval": 10, "history_size": 100, "line_search_fn": "strong_wolfe", "lr": 1})
    start = time.perf_counter()
    met.synthesize(max_iter=iterations)
    seconds = time.perf_counter() - start
    result = met.metamer.detach()
    np.asarray(result[0, 0].numpy(), dtype="<f8").tofile(out / "plenoptic.f64")
    losses = [float(v) for v in met.losses]  # objective (loss + range penalty) per plenoptic iteration
    return {"seconds": seconds, "plenoptic_iterations": len(losses) - 1, "evaluations": evaluations[0],
            "objective_trace": losses, "pixels": result[0, 0].numpy()}


def score(image: torch.Tensor, pixels: np.ndarray) -> float:
    model, loss = model_and_loss(image)
    with torch.no_grad():
        return float(loss(model(as_tensor(pixels)), model(image)))


def main() -> None:
    # One thread: with torch's default (one per core) on a shared 2-core machine, its OpenMP
    # workers spin against other processes and an iteration took 20 s instead of 0.6 s.
    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texture", default="pebbles")
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--out", default="/tmp/ps-compare")
    parser.add_argument("--skip-plenoptic", action="store_true", help="reuse <out>/plenoptic.f64 and plenoptic.json")
    parser.add_argument("--skip-texstim", action="store_true", help="reuse <out>/texstim.f64 and texstim.json")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pixels = source_pixels(args.texture)
    image = as_tensor(pixels)
    pixels.astype("<f8").tofile(out / "source.f64")
    write_png(pixels, out / "source.png")

    if not args.skip_plenoptic:
        report = run_plenoptic(image, args.iterations, out)
        trace = report.pop("objective_trace")
        report.pop("pixels")
        report["objective_at_budget"] = trace[min(len(trace) - 1, args.iterations // 10)]
        report["objective_trace"] = trace
        (out / "plenoptic.json").write_text(json.dumps(report, indent=1))
    if not args.skip_texstim:
        environment = dict(os.environ, TEXSTIM_PS_COMPARE=str(out), TEXSTIM_PS_ITERATIONS=str(args.iterations))
        subprocess.run(["swift", "test", "--filter", "compareWithPlenoptic"], cwd=ROOT, env=environment, check=True)

    plenoptic = json.loads((out / "plenoptic.json").read_text())
    texstim = json.loads((out / "texstim.json").read_text())
    ours = np.fromfile(out / "texstim.f64", dtype="<f8").reshape(pixels.shape)
    theirs = np.fromfile(out / "plenoptic.f64", dtype="<f8").reshape(pixels.shape)
    write_png(ours, out / "texstim.png")
    write_png(theirs, out / "plenoptic.png")
    noise = torch.rand(image.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(0)).numpy()[0, 0]
    rows = [
        ("uniform noise (reference)", score(image, noise), "", ""),
        (f"plenoptic, {plenoptic['plenoptic_iterations']} iterations", score(image, theirs), plenoptic["evaluations"], f"{plenoptic['seconds']:.1f}"),
        (f"texstim, {texstim['iterations']} iterations", score(image, ours), texstim["evaluations"], f"{texstim['seconds']:.1f}"),
    ]
    print(f"\n{args.texture} 128 x 128, 4 scales, 4 orientations, width 7; loss = plenoptic's ||w * (s(x) - s(source))||_2")
    print(f"{'run':40s} {'loss':>12s} {'evaluations':>12s} {'seconds':>8s}")
    for name, value, evaluations, seconds in rows:
        print(f"{name:40s} {value:12.6g} {str(evaluations):>12s} {seconds:>8s}")
    print(f"plenoptic objective (loss + 0.1 range penalty) after {args.iterations // 10} plenoptic iterations: "
          f"{plenoptic['objective_at_budget']:.6g}")
    print(f"texstim's own final sqrt(L): {texstim['final_loss_norm']:.6g} (pixels in float64, before 8-bit rounding)")
    print(f"PNGs: {out}/source.png, plenoptic.png, texstim.png")


if __name__ == "__main__":
    main()
