#!/usr/bin/env python3
"""Write the fuzz targets' seed corpora into Fuzz/corpus/<target>/: tiny valid and near-valid inputs.

Run from the repository root:  python3 Fuzz/make_seeds.py   (needs numpy; libjpeg-turbo-progs'
jpegtran and cjpeg for the extra JPEG variants, skipped when absent). The outputs are committed; every file stays a few
KB at most, so libFuzzer's default input length (4096 bytes) covers it. VGG-shaped weights use block
widths (1, 1, 1, 1, 1) so that a whole network fits in a seed.
"""
import collections
import io
import json
import os
import pickle
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import make_weight_fixtures as weights  # noqa: E402  (its stand-in torch pickler and protobuf writers)

CORPUS = os.path.join(ROOT, "Fuzz", "corpus")
FIXTURES = os.path.join(ROOT, "Tests", "TexturePipelineTests", "Fixtures")
TORCH_INDEX = weights.TORCH_INDEX


def out(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data)


# ---- PNG: the test fixtures, plus interlacing, provenance text and a palette with tRNS ----------
def png(width, height, depth, colour, rows, interlace=0, extra=b""):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    raw = b"".join(b"\x00" + row for row in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def itxt(key, text):
    body = key + b"\x00\x00\x00\x00\x00" + text
    return struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))


def png_seeds():
    for name in ["grey1", "grey8", "grey16", "grey_alpha8", "palette2", "rgb8", "rgba8", "rgb16", "truncated", "huge_header"]:
        shutil.copy(os.path.join(FIXTURES, name + ".png"), os.path.join(CORPUS, "FuzzPNG", name + ".png"))
    rgb = [bytes((x * 40 + y * 7) % 256 for x in range(4 * 3)) for y in range(4)]
    # Adam7 interlacing of a 4×4 RGB image: passes 1–7 are 1×1, 0, 0, 1×1, 2×1, 2×2, 4×2 (filter 0 per row).
    passes = [(1, 1), (0, 0), (0, 0), (1, 1), (2, 1), (2, 2), (4, 2)]
    rows = []
    for w, h in passes:
        rows += [bytes(3 * w)] * h if w else []
    out("FuzzPNG", "interlaced.png", png(4, 4, 8, 2, rows, interlace=1))
    record = open(os.path.join(CORPUS, "FuzzProvenance", "old-record.json"), "rb").read()
    out("FuzzPNG", "provenance.png", png(4, 4, 8, 2, rgb, extra=itxt(b"texstim:provenance", record)))
    palette = struct.pack(">I", 6) + b"PLTE" + b"\x00\x00\x00\xff\xff\xff" + struct.pack(">I", zlib.crc32(b"PLTE\x00\x00\x00\xff\xff\xff"))
    trns = struct.pack(">I", 1) + b"tRNS" + b"\x00" + struct.pack(">I", zlib.crc32(b"tRNS\x00"))
    out("FuzzPNG", "palette_trns.png", png(4, 2, 1, 3, [b"\x50", b"\xa0"], extra=palette + trns))
    grey_trns = struct.pack(">I", 2) + b"tRNS" + b"\x00\x10" + struct.pack(">I", zlib.crc32(b"tRNS\x00\x10"))
    out("FuzzPNG", "grey16_trns.png", png(2, 2, 16, 0, [b"\x00\x10\xff\xff", b"\x12\x34\x00\x00"], extra=grey_trns))


# ---- JPEG: the fixtures, plus variants made by libjpeg-turbo's tools (libjpeg-turbo-progs) -----
def jpeg_seeds():
    for name in ["grey", "rgb", "truncated"]:
        shutil.copy(os.path.join(FIXTURES, name + ".jpg"), os.path.join(CORPUS, "FuzzJPEG", name + ".jpg"))
    if not (shutil.which("jpegtran") and shutil.which("cjpeg")):
        print("jpegtran/cjpeg (libjpeg-turbo-progs) not found: extra JPEG seeds skipped", file=sys.stderr)
        return
    source = os.path.join(FIXTURES, "rgb.jpg")
    for name, options in {"progressive.jpg": ["-progressive"], "restart.jpg": ["-restart", "1B"],
                          "arithmetic.jpg": ["-arithmetic"], "optimized.jpg": ["-optimize", "-copy", "none"]}.items():
        subprocess.run(["jpegtran"] + options + ["-outfile", os.path.join(CORPUS, "FuzzJPEG", name), source], check=True)
    # A 5×3 image (odd sides, partial MCUs), 4:2:0 subsampling, and one stored as RGB (no YCbCr).
    ppm = b"P6 5 3 255\n" + bytes((i * 37) % 256 for i in range(5 * 3 * 3))
    for name, options in {"subsampled420.jpg": ["-sample", "2x2"], "rgb-colourspace.jpg": ["-rgb"]}.items():
        subprocess.run(["cjpeg", "-quality", "50"] + options + ["-outfile", os.path.join(CORPUS, "FuzzJPEG", name)], input=ppm, check=True)


# ---- Manifests: the shipped ones, and a small one that touches every block ---------------------
EVERY_BLOCK = b"""version: 1
name: every-block
seed: 7
output: stimuli/every
defaults: &d
  model: vgg19-random
  size: 64
  output_size: 96
  crop: false
  grey: true
  iterations: 10
  histogram_match: true
  bit_depth: 16
  init: per-condition
  stopping: {window: 5, relative_change: 0.001, loss_target: 1.5}
  allow_unverified_weights: false
sources:
  - {id: a, path: a.png}
  - {glob: "src/*.jpg"}
conditions:
  - {name: g, preset: "gatys2015:pool2"}
  - {name: w, preset: "wallis2017:conv3", <<: *d}
  - {name: l, layers: [conv1_1, pool1], layer_weights: [1, 0.5], iterations: 20}
samples: 2
postprocess: {equalize: {mean_luminance: 0.5, rms_contrast: 0.2, clipping: clip}}
validate: {copy_correlation: {warn: 0.85, fail: 0.95}}
"""


def manifest_seeds():
    for name in ["demo", "gatys2015", "wallis2017"]:
        shutil.copy(os.path.join(ROOT, "manifests", name + ".yaml"), os.path.join(CORPUS, "FuzzManifest", name + ".yaml"))
    out("FuzzManifest", "every_block.yaml", EVERY_BLOCK)
    out("FuzzManifest", "aliases.yaml", b"a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n")


# ---- Weights: one VGG-19 of widths 1 in every format, and near-valid variants -----------------
rng = np.random.RandomState(14)
NAMES, SHAPES, channels = [], [], 3
for block, count in enumerate([2, 2, 4, 4, 4]):
    for i in range(count):
        NAMES.append("conv%d_%d" % (block + 1, i + 1))
        SHAPES.append((1, channels, 3, 3))
        channels = 1
WEIGHTS = {n: (rng.randn(*s) + 0.1).astype("<f4") for n, s in zip(NAMES, SHAPES)}
BIASES = {n: rng.randn(s[0]).astype("<f4") for n, s in zip(NAMES, SHAPES)}


def safetensors_bytes(tensors, metadata=None, dtype="F32"):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4" if dtype == "F32" else "<f2")
        header[name] = {"dtype": dtype, "shape": list(data.shape), "data_offsets": [offset, offset + data.nbytes]}
        offset += data.nbytes
        blobs.append(data.tobytes())
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def safetensors_seeds():
    own = {}
    for name in NAMES:
        own[name + ".weight"], own[name + ".bias"] = WEIGHTS[name], BIASES[name]
    out("FuzzSafetensors", "vgg19-w1.safetensors", safetensors_bytes(own, {"texstim.preprocessing": "torchvision-rgb"}))
    out("FuzzSafetensors", "vgg19-w1-f16.safetensors", safetensors_bytes(own, dtype="F16"))
    foreign = {"features.%d.%s" % (i, p): (WEIGHTS if p == "weight" else BIASES)[n] for i, n in zip(TORCH_INDEX, NAMES) for p in ("weight", "bias")}
    out("FuzzSafetensors", "foreign-w1.safetensors", safetensors_bytes(foreign, {"format": "pt"}))
    out("FuzzSafetensors", "one-tensor.safetensors", safetensors_bytes({"conv1_1.bias": np.array([1.0, -2.0])}))


class SharedTensor:
    """A tensor in storage "0" at an offset: one storage keeps the zip small."""

    def __init__(self, offset, array):
        self.offset, self.array = offset, array

    def __reduce__(self):
        shape = self.array.shape
        stride = tuple(int(np.prod(shape[i + 1:])) for i in range(len(shape)))
        return (weights._rebuild_tensor_v2, (weights.StorageRef("0", 0), self.offset, shape, stride, False, collections.OrderedDict()))


def pth_bytes(state, storage, protocol=2):
    buffer = io.BytesIO()
    weights.TorchPickler(buffer, protocol=protocol).dump(state)
    archive_bytes = io.BytesIO()
    with zipfile.ZipFile(archive_bytes, "w", compression=zipfile.ZIP_STORED) as archive:
        # A fixed date, so the seeds come out byte for byte the same on every run.
        archive.writestr(zipfile.ZipInfo("archive/data.pkl", (1980, 1, 1, 0, 0, 0)), buffer.getvalue())
        archive.writestr(zipfile.ZipInfo("archive/data/0", (1980, 1, 1, 0, 0, 0)), storage.tobytes())
    return archive_bytes.getvalue()


def pth_seeds():
    state, parts = collections.OrderedDict(), []
    offset = 0
    for index, name in zip(TORCH_INDEX, NAMES):
        for part, array in (("weight", WEIGHTS[name]), ("bias", BIASES[name])):
            state["features.%d.%s" % (index, part)] = SharedTensor(offset, array)
            parts.append(array.ravel())
            offset += array.size
    storage = np.concatenate(parts).astype("<f4")
    out("FuzzPth", "vgg19-w1.pth", pth_bytes(state, storage))
    small = collections.OrderedDict([("features.0.bias", SharedTensor(0, np.ones(2, "<f4")))])
    out("FuzzPth", "one-tensor-protocol4.pth", pth_bytes(small, np.ones(2, "<f4"), protocol=4))
    shutil.copy(os.path.join(FIXTURES, "weights", "malicious.pth"), os.path.join(CORPUS, "FuzzPth", "malicious.pth"))


def caffe_seeds():
    for old in (False, True):
        saved = weights.WEIGHTS, weights.BIASES, weights.NAMES
        weights.WEIGHTS, weights.BIASES, weights.NAMES = WEIGHTS, BIASES, NAMES
        path = os.path.join(CORPUS, "FuzzCaffeModel", "vgg19-w1%s.caffemodel" % ("-v1" if old else ""))
        weights.write_caffemodel(path, old=old)
        weights.WEIGHTS, weights.BIASES, weights.NAMES = saved


if __name__ == "__main__":
    for target in ["FuzzPNG", "FuzzJPEG", "FuzzManifest", "FuzzSafetensors", "FuzzPth", "FuzzCaffeModel", "FuzzProvenance"]:
        os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    if not os.path.exists(os.path.join(CORPUS, "FuzzProvenance", "old-record.json")):
        sys.exit("Fuzz/corpus/FuzzProvenance/*.json are missing: sidecars of `texstim synthesize` and `texstim run` (see Fuzz/README.md)")
    png_seeds()
    jpeg_seeds()
    manifest_seeds()
    safetensors_seeds()
    pth_seeds()
    caffe_seeds()
    for target in sorted(os.listdir(CORPUS)):
        sizes = [os.path.getsize(os.path.join(CORPUS, target, f)) for f in os.listdir(os.path.join(CORPUS, target))]
        print("%-16s %2d files, largest %d bytes" % (target, len(sizes), max(sizes)))
