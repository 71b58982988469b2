"""Tests of load_stimulus.py, no pytest needed: python3 examples/psychopy/test_load_stimulus.py

Writes 8- and 16-bit grey and colour PNGs with known values (16-bit with its own minimal PNG
writer: Pillow cannot write 16-bit colour), loads them, and checks every value exactly; then texstim's own PNG
fixtures (Tests/TexturePipelineTests/Fixtures, values known from scripts/make_fixtures.py). Exits 1 on the first failure.
"""

import os
import struct
import sys
import tempfile
import zlib

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_stimulus import image_for_imagestim, load_stimulus, png_header, to_psychopy  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.dirname(os.path.dirname(HERE))


def write_png16(path, values):
    """A 16-bit PNG (grey for (H, W), RGB for (H, W, 3)) of uint16 `values`, filter 0 on every row."""
    height, width = values.shape[:2]
    colour = 2 if values.ndim == 3 else 0
    big_endian = values.astype(">u2")
    raw = b"".join(b"\x00" + big_endian[row].tobytes() for row in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 16, colour, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def check(name, loaded, expected):
    assert loaded.shape == expected.shape, f"{name}: shape {loaded.shape}, expected {expected.shape}"
    assert loaded.dtype == np.float64, f"{name}: dtype {loaded.dtype}"
    difference = np.max(np.abs(loaded - expected))
    assert difference < 1e-12, f"{name}: max difference {difference}"
    print(f"ok {name}: {loaded.shape}, range [{loaded.min():.6f}, {loaded.max():.6f}]")


def check_fixtures():
    """texstim's own PNG fixtures (scripts/make_fixtures.py), whose pixel (x, y) values are known."""
    fixtures = os.path.join(REPOSITORY, "Tests", "TexturePipelineTests", "Fixtures")
    if not os.path.isdir(fixtures):
        print(f"note: {fixtures} not found; texstim's fixtures not checked")
        return
    x, y = np.meshgrid(np.arange(5), np.arange(3))
    expected = {
        "grey8.png": (40 * x + 10 * y) / 255.0,
        "grey_alpha8.png": (40 * x + 10 * y) / 255.0,
        "grey16.png": (4000 * x + 1000 * y + 7) / 65535.0,
        "rgb8.png": np.stack([40 * x, 10 * y, np.full_like(x, 200)], axis=2) / 255.0,
        "rgba8.png": np.stack([40 * x, 10 * y, np.full_like(x, 200)], axis=2) / 255.0,
        "rgb16.png": np.stack([4000 * x, 1000 * y, np.full_like(x, 60000)], axis=2) / 65535.0,
    }
    for name, values in expected.items():
        if name == "rgb16.png" and not has_pypng():
            print("note: pypng is not installed; texstim's rgb16.png not checked")
            continue
        check(f"texstim fixture {name}", load_stimulus(os.path.join(fixtures, name)), values)


def has_pypng():
    try:
        import png  # noqa: F401
        return True
    except ImportError:
        return False


def main():
    rng = np.random.default_rng(19)
    folder = tempfile.mkdtemp(prefix="texstim-load-")
    grey8 = rng.integers(0, 256, size=(5, 7), dtype=np.uint8)
    colour8 = rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    grey16 = rng.integers(0, 65536, size=(5, 7), dtype=np.uint16)
    colour16 = rng.integers(0, 65536, size=(5, 7, 3), dtype=np.uint16)
    grey16[0, :3] = [0, 256, 65535]  # black, a value convert("L") would clip to white, white
    Image.fromarray(grey8, mode="L").save(os.path.join(folder, "grey8.png"))
    Image.fromarray(colour8, mode="RGB").save(os.path.join(folder, "colour8.png"))
    write_png16(os.path.join(folder, "grey16.png"), grey16)
    write_png16(os.path.join(folder, "colour16.png"), colour16)

    check("8-bit grey", load_stimulus(os.path.join(folder, "grey8.png")), grey8 / 255.0)
    check("8-bit colour", load_stimulus(os.path.join(folder, "colour8.png")), colour8 / 255.0)
    check("16-bit grey", load_stimulus(os.path.join(folder, "grey16.png")), grey16 / 65535.0)
    # The trap this module exists for: Pillow's convert("L") turns 16-bit grey white.
    pillow = np.asarray(Image.open(os.path.join(folder, "grey16.png")).convert("L"))
    assert pillow[0, 1] == 255, f"Pillow's convert('L') gave {pillow[0, 1]} for 256/65535 (expected the clipped 255)"
    if has_pypng():
        check("16-bit colour", load_stimulus(os.path.join(folder, "colour16.png")), colour16 / 65535.0)
    else:
        print("note: pypng is not installed; 16-bit colour not checked (pip install pypng or apt-get install python3-png)")

    check_fixtures()

    mapped = to_psychopy(np.array([[0.0, 0.5], [1.0, 0.25]]))
    assert np.array_equal(mapped, np.array([[1.0, -0.5], [-1.0, 0.0]])), f"to_psychopy gave {mapped}"
    print("ok to_psychopy: [0, 1] to [-1, 1], rows flipped for ImageStim")
    grey, colour = np.array([[0.0, 1.0], [0.5, 0.5]]), np.zeros((2, 2, 3))
    colour[0] = 0.75
    assert np.array_equal(image_for_imagestim(grey), np.array([[0.0, 0.0], [-1.0, 1.0]]))
    assert np.array_equal(image_for_imagestim(colour)[1], np.full((2, 3), 0.75)) and image_for_imagestim(colour)[0].max() == 0
    print("ok image_for_imagestim: grey in [-1, 1], colour in [0, 1], both flipped")
    print("all load_stimulus tests passed")


if __name__ == "__main__":
    main()
