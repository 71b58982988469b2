#!/usr/bin/env python3
"""Portilla-Simoncelli golden fixtures from plenoptic, for Tests/PortillaSimoncelliTests.

Run by hand (not by the test command), from the repository root, in a virtual environment with
plenoptic 2.1.1 (run with plenoptic 2.1.1, torch 2.15.0, numpy 2.4.6, Pillow 13.0.0):

    python3 -m venv /work/ps-venv && /work/ps-venv/bin/pip install plenoptic==2.1.1
    /work/ps-venv/bin/python scripts/make_portilla_simoncelli_fixture.py

Inputs: shared textures (../shared/textures/*_256.png, sRGB 8-bit), prepared as texstim's grey
mode does (centre square, bicubic resize of the RGB values in [0, 1], clamp, Rec. 709 luma
Y = 0.2126 R + 0.7152 G + 0.0722 B), then rounded to 8 bits. The 8-bit grey pixels are stored in
the fixture (base64, row-major), so both tools see identical pixels: value = byte / 255.
(Pillow's bicubic is not bit-identical to texstim's resize; that does not matter, because the
stored bytes are the input to both.)

Outputs (Tests/PortillaSimoncelliTests/Fixtures/):
  ps_<texture>_<size>.json  plenoptic's statistic vector in float64, split by group in
                            plenoptic's order (only the entries plenoptic keeps: its redundant,
                            NaN-masked entries are dropped, exactly as in forward()), plus each
                            group's full shape and the flat C-order indices of the kept entries.
                            "magnitude_means" is an extra group (not in plenoptic's vector): the
                            mean of |band| per (orientation, scale), from plenoptic's pyramid.
  pyramid_16.json           plenoptic's complex steerable pyramid of one 16 x 16 image (2 scales,
                            4 orientations): highpass, bands (re, im), lowpass, for the pyramid test.
All computations are float64 (model and image cast with .to(torch.float64)).
"""

import base64
import json
import pathlib

import numpy as np
import plenoptic
import torch
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEXTURES = ROOT.parent / "shared" / "textures"
OUT = ROOT / "Tests" / "PortillaSimoncelliTests" / "Fixtures"
LUMA = np.array([0.2126, 0.7152, 0.0722])
# (texture, size, n_scales, n_orientations, spatial_corr_width). At 64 x 64 plenoptic's default
# n_scales = 4 fails (the coarsest reconstructed low-pass is 4 x 4, smaller than the 7 x 7
# auto-correlation window), so 64 x 64 fixtures use 3 scales; one uses 3 orientations, width 5.
CASES = [
    ("brick-wall-gray", 64, 3, 4, 7),
    ("pebbles", 64, 3, 4, 7),
    ("wood-fence", 64, 3, 3, 5),
    ("brick-wall-gray", 128, 4, 4, 7),
    ("pebbles", 128, 4, 4, 7),
    ("wood-fence", 128, 4, 4, 7),
]


def grey_bytes(texture: str, size: int) -> np.ndarray:
    """texstim's grey preparation of a shared texture at size x size, as 8-bit values (H, W)."""
    image = Image.open(TEXTURES / f"{texture}_256.png").convert("RGB")
    side = min(image.size)
    left, top = (image.size[0] - side) // 2, (image.size[1] - side) // 2
    image = image.crop((left, top, left + side, top + side))
    rgb = np.asarray(image, dtype=np.float64) / 255.0
    channels = []
    for c in range(3):
        plane = Image.fromarray(rgb[:, :, c].astype(np.float32), mode="F")
        channels.append(np.asarray(plane.resize((size, size), Image.Resampling.BICUBIC), dtype=np.float64))
    resized = np.clip(np.stack(channels, axis=-1), 0.0, 1.0)
    luma = resized @ LUMA
    return np.clip(np.round(luma * 255.0), 0, 255).astype(np.uint8)


def as_tensor(pixels: np.ndarray) -> torch.Tensor:
    """(1, 1, H, W) float64 tensor of byte / 255."""
    return torch.from_numpy(pixels.astype(np.float64) / 255.0)[None, None]


def statistics(pixels: np.ndarray, n_scales: int, n_orientations: int, width: int) -> dict:
    image = as_tensor(pixels)
    model = plenoptic.models.PortillaSimoncelli(
        image.shape[-2:], n_scales=n_scales, n_orientations=n_orientations, spatial_corr_width=width
    ).to(torch.float64)
    vector = model(image)[0, 0].detach().numpy()
    groups, start = {}, 0
    for name, mask in model._necessary_stats_dict.items():
        mask = mask.numpy()
        count = int(mask.sum())
        groups[name] = {
            "shape": list(mask.shape),
            "kept": np.flatnonzero(mask.reshape(-1)).tolist(),
            "values": vector[start : start + count].tolist(),
        }
        start += count
    assert start == vector.size
    pyramid = model._pyr.forward(image)
    means = torch.stack([pyramid[s].abs().mean((-2, -1))[0, 0] for s in range(n_scales)], -1)
    groups["magnitude_means"] = {
        "shape": [n_orientations, n_scales],
        "kept": list(range(n_orientations * n_scales)),
        "values": means.reshape(-1).tolist(),
    }
    return groups


def pyramid_fixture() -> dict:
    pixels = grey_bytes("pebbles", 16)
    pyramid = plenoptic.process.SteerablePyramidFreq(
        (16, 16), height=2, order=3, is_complex=True, tight_frame=False
    ).to(torch.float64)
    coeffs = pyramid.forward(as_tensor(pixels))
    bands = []
    for s in range(2):
        band = coeffs[s][0, 0].numpy()
        bands.append({"re": band.real.reshape(-1).tolist(), "im": band.imag.reshape(-1).tolist(),
                      "shape": list(band.shape)})
    return {
        "pixels": base64.b64encode(pixels.tobytes()).decode(),
        "size": 16, "n_scales": 2, "n_orientations": 4,
        "highpass": coeffs["residual_highpass"][0, 0].reshape(-1).tolist(),
        "lowpass": coeffs["residual_lowpass"][0, 0].reshape(-1).tolist(),
        "bands": bands,
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    versions = {"plenoptic": plenoptic.__version__, "torch": torch.__version__, "numpy": np.__version__}
    for texture, size, n_scales, n_orientations, width in CASES:
        pixels = grey_bytes(texture, size)
        fixture = {
            "source": f"../shared/textures/{texture}_256.png",
            "versions": versions,
            "size": size, "n_scales": n_scales, "n_orientations": n_orientations,
            "spatial_corr_width": width,
            "pixels": base64.b64encode(pixels.tobytes()).decode(),
            "groups": statistics(pixels, n_scales, n_orientations, width),
        }
        path = OUT / f"ps_{texture}_{size}.json"
        path.write_text(json.dumps(fixture) + "\n")
        print(path.relative_to(ROOT), path.stat().st_size, "bytes")
    path = OUT / "pyramid_16.json"
    path.write_text(json.dumps({"versions": versions, **pyramid_fixture()}) + "\n")
    print(path.relative_to(ROOT), path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
