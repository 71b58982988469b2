#!/usr/bin/env python3
"""Write texstim's test fixtures: the golden VGG stack (numpy reference) and image files.

Run from the repository root:  python3 scripts/make_fixtures.py
Needs numpy; the JPEG fixture also needs Pillow (pip install numpy pillow). The outputs are
committed, so the tests themselves need neither. See Tests/TextureCoreTests/Fixtures/README.md.
"""
import json
import os
import struct
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE = os.path.join(ROOT, "Tests", "TextureCoreTests", "Fixtures")
PIPE = os.path.join(ROOT, "Tests", "TexturePipelineTests", "Fixtures")

# ---------------------------------------------------------------------------------------
# safetensors writer (F32, sorted names, header padded with spaces to 8 bytes)


def write_safetensors(path, tensors, metadata=None):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(data.shape), "data_offsets": [offset, offset + data.nbytes]}
        offset += data.nbytes
        blobs.append(data.tobytes())
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


# ---------------------------------------------------------------------------------------
# The reference: VGG stack with average pooling, Gram matrices and the Gatys loss, float64.
# Shapes: x is (C, H, W); conv weights (OC, C, 3, 3); padding 1, stride 1.


def conv3x3(x, w, b):
    c, h, wd = x.shape
    padded = np.zeros((c, h + 2, wd + 2))
    padded[:, 1:-1, 1:-1] = x
    out = np.zeros((w.shape[0], h, wd))
    for ky in range(3):
        for kx in range(3):
            out += np.einsum("oc,chw->ohw", w[:, :, ky, kx], padded[:, ky:ky + h, kx:kx + wd])
    return out + b[:, None, None]


def conv3x3_backward(dout, w, shape):
    c, h, wd = shape
    dpadded = np.zeros((c, h + 2, wd + 2))
    for ky in range(3):
        for kx in range(3):
            dpadded[:, ky:ky + h, kx:kx + wd] += np.einsum("oc,ohw->chw", w[:, :, ky, kx], dout)
    return dpadded[:, 1:-1, 1:-1]


def pool(x):
    c, h, w = x.shape
    return x[:, :h // 2 * 2, :w // 2 * 2].reshape(c, h // 2, 2, w // 2, 2).mean(axis=(2, 4))


def pool_backward(dout, shape):
    dx = np.zeros(shape)
    c, h, w = dout.shape
    dx[:, :2 * h, :2 * w] = np.repeat(np.repeat(dout, 2, axis=1), 2, axis=2) / 4
    return dx


def stages(widths):
    names, channels = [], 3
    for block, count in enumerate([2, 2, 4, 4, 4]):
        for i in range(count):
            names.append(("conv%d_%d" % (block + 1, i + 1), channels, widths[block]))
            channels = widths[block]
        names.append(("pool%d" % (block + 1), None, None))
    return names


def forward(x, weights, table, depth):
    acts = []
    for name, _, _ in table[:depth]:
        x = pool(x) if name.startswith("pool") else np.maximum(conv3x3(x, *weights[name]), 0)
        acts.append(x)
    return acts


def gram(f):
    flat = f.reshape(f.shape[0], -1)
    return flat @ flat.T / flat.shape[1]


def golden_vgg():
    rng = np.random.RandomState(20151)
    widths = [4, 6, 8, 8, 8]
    table = stages(widths)
    weights, tensors = {}, {}
    for name, c, oc in table:
        if c is None:
            continue
        w = rng.randn(oc, c, 3, 3) * np.sqrt(2.0 / (9 * c))
        b = rng.randn(oc) * 0.1
        weights[name] = (w, b)
        tensors[name + ".weight"], tensors[name + ".bias"] = w, b
    taps = ["conv1_1", "pool1", "pool2", "conv3_1"]
    names = [t[0] for t in table]
    depth = max(names.index(t) for t in taps) + 1
    layer_weight = 1e9
    source = rng.randn(3, 16, 16) * 40
    x = rng.randn(3, 16, 16) * 40
    source_acts = forward(source, weights, table, depth)
    acts = forward(x, weights, table, depth)
    total, dacts = 0.0, [np.zeros_like(a) for a in acts]
    for tap in taps:
        i = names.index(tap)
        f, g, target = acts[i], gram(acts[i]), gram(source_acts[i])
        n, m = f.shape[0], f.shape[1] * f.shape[2]
        energy = ((g - target) ** 2).sum() / (4 * n * n)
        total += layer_weight * energy
        dacts[i] += layer_weight * ((g - target) @ f.reshape(n, -1) / (m * n * n)).reshape(f.shape)
        tensors["expected.act." + tap] = f
        tensors["expected.gram." + tap] = g
        tensors["expected.target_gram." + tap] = target
        tensors["expected.energy." + tap] = np.array([energy])
    # Backward: walk the stages in reverse.
    grad = dacts[depth - 1]
    for i in range(depth - 1, -1, -1):
        name = names[i]
        inp_shape = x.shape if i == 0 else acts[i - 1].shape
        if name.startswith("pool"):
            dprev = pool_backward(grad, inp_shape)
        else:
            dprev = conv3x3_backward(grad * (acts[i] > 0), weights[name][0], inp_shape)
        grad = dprev if i == 0 else dprev + dacts[i - 1]
    tensors["expected.loss"] = np.array([total])
    tensors["expected.input_gradient"] = grad
    tensors["input.source"] = source
    tensors["input.x"] = x
    write_safetensors(os.path.join(CORE, "golden_vgg.safetensors"), tensors,
                      {"texstim.preprocessing": "caffe-bgr", "widths": json.dumps(widths), "taps": ",".join(taps),
                       "layer_weight": "1e9", "generator": "scripts/make_fixtures.py"})


# ---------------------------------------------------------------------------------------
# PNG files of every kind the reader supports, written with zlib only.


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def write_png(path, width, height, depth, color_type, rows, extra=b""):
    raw = b"".join(b"\x00" + row for row in rows)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0))
    data += extra + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)
    return data


def image_fixtures():
    w, h = 5, 3
    # Pixel (x, y) has grey value 40 * x + 10 * y (8 bit) or 4000 * x + 1000 * y + 7 (16 bit).
    grey8 = [bytes(40 * x + 10 * y for x in range(w)) for y in range(h)]
    write_png(os.path.join(PIPE, "grey8.png"), w, h, 8, 0, grey8)
    grey16 = [b"".join(struct.pack(">H", 4000 * x + 1000 * y + 7) for x in range(w)) for y in range(h)]
    write_png(os.path.join(PIPE, "grey16.png"), w, h, 16, 0, grey16)
    grey_alpha = [b"".join(bytes([40 * x + 10 * y, 128]) for x in range(w)) for y in range(h)]
    write_png(os.path.join(PIPE, "grey_alpha8.png"), w, h, 8, 4, grey_alpha)
    # RGB: (R, G, B) = (40x, 10y, 200).
    rgb8 = [b"".join(bytes([40 * x, 10 * y, 200]) for x in range(w)) for y in range(h)]
    write_png(os.path.join(PIPE, "rgb8.png"), w, h, 8, 2, rgb8)
    rgb16 = [b"".join(struct.pack(">HHH", 4000 * x, 1000 * y, 60000) for x in range(w)) for y in range(h)]
    write_png(os.path.join(PIPE, "rgb16.png"), w, h, 16, 2, rgb16)
    rgba8 = [b"".join(bytes([40 * x, 10 * y, 200, 7]) for x in range(w)) for y in range(h)]
    write_png(os.path.join(PIPE, "rgba8.png"), w, h, 8, 6, rgba8)
    # Palette: index x → colour (40x, 10, 200); 2 bits per index, rows packed.
    palette = b"".join(bytes([40 * i, 10, 200]) for i in range(4))
    # Indices per row: 0, 1, 2, 3, 0 (2 bits each, packed big-endian, padded with zeros).
    packed = [bytes([0b00011011, 0b00000000])] * h
    write_png(os.path.join(PIPE, "palette2.png"), w, h, 2, 3, packed, png_chunk(b"PLTE", palette))
    # 1-bit grey: a checkerboard.
    bit_rows = [bytes([int("".join("1" if (x + y) % 2 else "0" for x in range(w)).ljust(8, "0"), 2)]) for y in range(h)]
    write_png(os.path.join(PIPE, "grey1.png"), w, h, 1, 0, bit_rows)
    # Broken files.
    whole = open(os.path.join(PIPE, "rgb8.png"), "rb").read()
    with open(os.path.join(PIPE, "truncated.png"), "wb") as f:
        f.write(whole[: len(whole) - 30])
    huge = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 9000, 16, 8, 0, 0, 0, 0))
    with open(os.path.join(PIPE, "huge_header.png"), "wb") as f:
        f.write(huge)
    with open(os.path.join(PIPE, "not_an_image.png"), "wb") as f:
        f.write(b"this is not an image\n")
    try:
        from PIL import Image
    except ImportError:
        print("Pillow missing: JPEG fixtures not rewritten")
        return
    img = Image.new("RGB", (8, 8))
    img.putdata([(200, 100, 50)] * 64)
    img.save(os.path.join(PIPE, "rgb.jpg"), quality=95)
    Image.new("L", (8, 8), 90).save(os.path.join(PIPE, "grey.jpg"), quality=95)
    # CMYK ink (0, 128, 191, 55) is RGB (200, 100, 50) by R = (255 − C)(255 − K)/255; Pillow
    # writes it as Photoshop does: inverted, with an Adobe marker.
    Image.new("CMYK", (8, 8), (0, 128, 191, 55)).save(os.path.join(PIPE, "cmyk.jpg"), quality=95)
    data = open(os.path.join(PIPE, "rgb.jpg"), "rb").read()
    with open(os.path.join(PIPE, "truncated.jpg"), "wb") as f:
        f.write(data[: len(data) // 2])


if __name__ == "__main__":
    os.makedirs(CORE, exist_ok=True)
    os.makedirs(PIPE, exist_ok=True)
    golden_vgg()
    image_fixtures()
    print("fixtures written to", CORE, "and", PIPE)
