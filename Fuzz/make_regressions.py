#!/usr/bin/env python3
"""Write the hand-made regression inputs (Fuzz/regressions/<target>/crafted-*): inputs libFuzzer
does not reach within its 4096-byte inputs and short runs (huge numbers inside JSON or a pickle,
nesting deeper than an input of that length can hold), each aimed at one check a reader must make.

Run from the repository root:  python3 Fuzz/make_regressions.py   (standard library only)
"""
import io
import json
import os
import struct
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fuzz", "regressions")


def out(target, name, data):
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    with open(os.path.join(OUT, target, "crafted-" + name), "wb") as f:
        f.write(data)


# ---- safetensors: sizes whose products or sums overflow Int ------------------------------------
def safetensors(header, data=b""):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def safetensors_inputs():
    big = 2**62
    out("FuzzSafetensors", "shape-product-overflows", safetensors({"t": {"dtype": "F32", "shape": [2**32, 2**32], "data_offsets": [0, 0]}}))
    out("FuzzSafetensors", "byte-count-overflows", safetensors({"t": {"dtype": "F32", "shape": [big], "data_offsets": [0, 0]}}))
    end = 2**63 - 1
    out("FuzzSafetensors", "end-offset-overflows", safetensors({"t": {"dtype": "F32", "shape": [1], "data_offsets": [end - 4, end]}}))


# ---- .pth: a zip holding data.pkl (and one storage) --------------------------------------------
def pth(pickle_bytes, storage=b"\0" * 16):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        # A fixed date, so the inputs come out byte for byte the same on every run.
        archive.writestr(zipfile.ZipInfo("archive/data.pkl", (1980, 1, 1, 0, 0, 0)), pickle_bytes)
        archive.writestr(zipfile.ZipInfo("archive/data/0", (1980, 1, 1, 0, 0, 0)), storage)
    return buffer.getvalue()


def long1(n):
    return b"\x8a\x08" + struct.pack("<q", n)


def tensor_pickle(offset, shape, stride):
    """{'features.0.weight': _rebuild_tensor_v2(storage '0', offset, shape, stride)} in protocol 2."""
    ints = lambda values: b"(" + b"".join(long1(v) for v in values) + b"t"
    storage = b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQ"
    return (b"\x80\x02}X\x11\x00\x00\x00features.0.weight"
            + b"ctorch._utils\n_rebuild_tensor_v2\n(" + storage + long1(offset) + ints(shape) + ints(stride)
            + b"\x89}t" + b"R" + b"s.")


def pth_inputs():
    out("FuzzPth", "negative-storage-offset", pth(tensor_pickle(-1_000_000, [2], [1])))
    out("FuzzPth", "shape-product-overflows", pth(tensor_pickle(0, [2**32, 2**32], [2**32, 1])))
    out("FuzzPth", "offset-plus-count-overflows", pth(tensor_pickle(2**63 - 2, [2], [1])))
    # 50,000 nested 1-tuples: a recursive reader or a recursive value release runs out of stack.
    out("FuzzPth", "nesting-50000", pth(b"\x80\x02N" + b"\x85" * 50_000 + b"."))


# ---- .caffemodel: a blob dimension varint ≥ 2^63 -----------------------------------------------
def varint(n):
    result = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        result += bytes([byte | (0x80 if n else 0)])
        if not n:
            return result


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def caffe_inputs():
    dims = field(1, varint(2**64 - 1))              # BlobShape.dim, packed, = 2^64 − 1
    blob = field(7, dims)                           # BlobProto.shape
    layer = field(1, b"conv1_1") + field(7, blob) + field(7, blob)
    out("FuzzCaffeModel", "blob-dim-above-int-max", field(100, layer))


if __name__ == "__main__":
    safetensors_inputs()
    pth_inputs()
    caffe_inputs()
