#!/usr/bin/env python3
"""Write small VGG-19-shaped weight files in every format `texstim weights import` reads.

Run from the repository root:  python3 scripts/make_weight_fixtures.py   (needs numpy only)
Block widths are reduced to (2, 3, 4, 4, 4) so the files stay small. The pickle and the protobuf
are built without torch or caffe: the .pth is written by Python's own pickler against stand-in
`torch` modules that have the names a real torch.save writes (torch._utils._rebuild_tensor_v2,
torch.FloatStorage, collections.OrderedDict), and the .caffemodel is encoded field by field.
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import types
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import write_safetensors  # noqa: E402  (one writer for all fixtures)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "TexturePipelineTests", "Fixtures", "weights")
WIDTHS = [2, 3, 4, 4, 4]
NAMES, SHAPES = [], []
channels = 3
for block, count in enumerate([2, 2, 4, 4, 4]):
    for i in range(count):
        NAMES.append("conv%d_%d" % (block + 1, i + 1))
        SHAPES.append((WIDTHS[block], channels, 3, 3))
        channels = WIDTHS[block]
TORCH_INDEX = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]

rng = np.random.RandomState(5)
WEIGHTS = {n: rng.randn(*s).astype("<f4") for n, s in zip(NAMES, SHAPES)}
BIASES = {n: rng.randn(s[0]).astype("<f4") for n, s in zip(NAMES, SHAPES)}


# ---- PyTorch: stand-in torch modules so the pickler writes the real global names ----------------
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")


class FloatStorage:
    pass


FloatStorage.__module__ = "torch"
torch.FloatStorage = FloatStorage


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks):
    raise RuntimeError("never called")


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
torch._utils = torch_utils
sys.modules["torch"], sys.modules["torch._utils"] = torch, torch_utils


class FakeTensor:
    def __init__(self, key, array):
        self.key, self.array = key, array

    def __reduce__(self):
        shape = self.array.shape
        stride = tuple(int(np.prod(shape[i + 1:])) for i in range(len(shape)))
        return (_rebuild_tensor_v2, (StorageRef(self.key, self.array.size), 0, shape, stride, False, collections.OrderedDict()))


class StorageRef:
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, StorageRef):
            return ("storage", FloatStorage, obj.key, "cpu", obj.numel)
        return None


def write_pth(path, state, storages, truncate=False):
    buffer = io.BytesIO()
    TorchPickler(buffer, protocol=2).dump(state)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", buffer.getvalue())
        for key, array in storages.items():
            archive.writestr("archive/data/%s" % key, array.tobytes())
        archive.writestr("archive/version", "3\n")
    if truncate:
        data = open(path, "rb").read()
        open(path, "wb").write(data[: len(data) // 2])


def torchvision_state():
    state, storages = collections.OrderedDict(), {}
    for index, name in zip(TORCH_INDEX, NAMES):
        for part, array in (("weight", WEIGHTS[name]), ("bias", BIASES[name])):
            key = str(len(storages))
            storages[key] = array
            state["features.%d.%s" % (index, part)] = FakeTensor(key, array)
    key = str(len(storages))
    storages[key] = np.ones((3, 4), dtype="<f4")
    state["classifier.0.weight"] = FakeTensor(key, storages[key])  # real files have these: ignored
    return state, storages


# ---- Caffe: NetParameter encoded by hand -------------------------------------------------------
def varint(n):
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def field(number, wire, payload):
    key = varint(number << 3 | wire)
    return key + (varint(len(payload)) + payload if wire == 2 else payload)


def blob_new(array):
    dims = b"".join(varint(d) for d in array.shape)
    return field(7, 2, field(1, 2, dims)) + field(5, 2, array.astype("<f4").tobytes())


def blob_old(array):
    shape = list(array.shape) if array.ndim == 4 else [1, 1, 1, array.shape[0]]
    legacy = b"".join(field(i + 1, 0, varint(d)) for i, d in enumerate(shape))
    return legacy + b"".join(field(5, 5, struct.pack("<f", v)) for v in array.ravel())


def write_caffemodel(path, old):
    net = field(1, 2, b"VGG_ILSVRC_19_layers")
    for name in ["data"] + NAMES + ["relu5_4", "fc6"]:
        if name in WEIGHTS:
            w, b = WEIGHTS[name], BIASES[name]
            if old:
                layer = field(4, 2, name.encode()) + field(5, 0, varint(4)) + field(6, 2, blob_old(w)) + field(6, 2, blob_old(b))
            else:
                layer = field(1, 2, name.encode()) + field(2, 2, b"Convolution") + field(7, 2, blob_new(w)) + field(7, 2, blob_new(b))
        else:
            layer = field(4 if old else 1, 2, name.encode())
        net += field(2 if old else 100, 2, layer)
    open(path, "wb").write(net)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    for name in NAMES:
        expected[name + ".weight"], expected[name + ".bias"] = WEIGHTS[name], BIASES[name]
    write_safetensors(os.path.join(OUT, "expected.safetensors"), expected)
    state, storages = torchvision_state()
    write_pth(os.path.join(OUT, "vgg19-small.pth"), state, storages)
    write_pth(os.path.join(OUT, "truncated.pth"), state, storages, truncate=True)
    write_caffemodel(os.path.join(OUT, "vgg19-small.caffemodel"), old=False)
    write_caffemodel(os.path.join(OUT, "vgg19-small-v1.caffemodel"), old=True)
    foreign = {"model.features.%d.%s" % (i, p): (WEIGHTS if p == "weight" else BIASES)[n] for i, n in zip(TORCH_INDEX, NAMES) for p in ("weight", "bias")}
    write_safetensors(os.path.join(OUT, "foreign.safetensors"), foreign, {"format": "pt"})
    missing = dict(foreign)
    del missing["model.features.7.weight"]
    write_safetensors(os.path.join(OUT, "missing-layer.safetensors"), missing)
    wrong = dict(foreign)
    # Non-zero values: an all-zero weight is refused before its shape is looked at.
    wrong["model.features.5.weight"] = np.full((3, 2, 5, 5), 0.25, dtype="<f4")
    write_safetensors(os.path.join(OUT, "wrong-shape.safetensors"), wrong)
    # A pickle that names os.system: must be refused without running anything.
    evil = b"\x80\x02cos\nsystem\nq\x00X\x0d\x00\x00\x00touch /tmp/PWNq\x01\x85q\x02Rq\x03."
    with zipfile.ZipFile(os.path.join(OUT, "malicious.pth"), "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", evil)
    print("weight fixtures written to", OUT)
