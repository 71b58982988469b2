"""Load a texstim stimulus PNG as floats for PsychoPy: 8- or 16-bit, grey or colour, exactly.

    from load_stimulus import load_stimulus, to_psychopy
    unit = load_stimulus("stimuli/demo/pebbles/fine/pebbles__fine__s00.png")  # floats in [0, 1]
    stim = visual.ImageStim(win, image=image_for_imagestim(unit))             # as PsychoPy draws it

Why not `Image.open(path).convert("L")`: Pillow opens a 16-bit grey PNG as mode "I;16"
(values 0..65535), and convert("L") clips them to 255, so the stimulus turns white; it
opens a 16-bit colour PNG as 8-bit "RGB", keeping only the high byte. This module reads
the bit depth from the PNG header and scales each stored value v to v / (2**depth - 1).
16-bit colour needs pypng (`pip install pypng`, or Debian's python3-png), which decodes
16-bit samples exactly; everything else is read with Pillow.

The values are the stored code values, display-agnostic: no gamma or luminance in cd/m2.
Presenting more than 8 bits needs a high-bit display path (e.g. a Bits# or a 10-bit
monitor) and that monitor's calibration.
"""

import struct

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour types (IHDR): 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGB + alpha.
GREY, RGB, PALETTE, GREY_ALPHA, RGB_ALPHA = 0, 2, 3, 4, 6


def png_header(path):
    """Return (width, height, bit_depth, colour_type) from the PNG's IHDR chunk."""
    with open(path, "rb") as f:
        head = f.read(33)
    if len(head) < 33 or head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        raise ValueError(f"{path}: not a PNG file (no PNG signature and IHDR chunk)")
    width, height, depth, colour = struct.unpack(">IIBB", head[16:26])
    return width, height, depth, colour


def load_stimulus(path):
    """Return the stimulus as float64 in [0, 1]: shape (H, W) for grey, (H, W, 3) for colour.

    Alpha, if any, is dropped (texstim writes none). Raises ImportError for a 16-bit colour
    PNG when pypng is missing, rather than returning 8-bit values.
    """
    _, _, depth, colour = png_header(path)
    if depth not in (8, 16):
        raise ValueError(f"{path}: {depth}-bit PNG; texstim writes 8- or 16-bit stimuli")
    if depth == 16 and colour in (RGB, RGB_ALPHA):
        values = _read_with_pypng(path, colour)
    else:
        values = _read_with_pillow(path, depth, colour)
    return values.astype(np.float64) / float(2 ** depth - 1)


def to_psychopy(unit):
    """Map [0, 1] floats to PsychoPy's colour range [-1, 1] (-1 black, 0 mid grey, 1 white).

    The array is flipped upside down: PsychoPy's ImageStim draws row 0 of an array at the
    bottom, a PNG stores its top row first.
    """
    return np.flipud(np.asarray(unit, dtype=np.float64) * 2.0 - 1.0)


def image_for_imagestim(unit):
    """The array to pass as ImageStim's `image`, from [0, 1] floats, as PsychoPy draws it.

    Measured with PsychoPy 2026.2.5 (pyglet, a window's frame read back): a 2-D (grey) float
    array is taken in [-1, 1], but a 3-D (colour) float array is drawn as if in [0, 1]
    (values below 0 turn black), whatever `colorSpace` says; both are drawn with row 0 at
    the bottom. So grey gets to_psychopy's [-1, 1] and colour stays in [0, 1], both flipped.
    Check with your version: present_set.py --save-frames writes what the window showed.
    """
    unit = np.asarray(unit, dtype=np.float64)
    return to_psychopy(unit) if unit.ndim == 2 else np.flipud(unit)


def _read_with_pillow(path, depth, colour):
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        if colour == PALETTE:
            image = image.convert("RGB")
        values = np.asarray(image)
    if depth == 16 and values.dtype != np.uint16:
        # Mode "I" (older Pillow) holds 16-bit grey in int32; the values are already 0..65535.
        values = values.astype(np.uint16)
    if values.ndim == 3 and values.shape[2] in (2, 4):
        values = values[:, :, :-1]  # drop alpha
    if values.ndim == 3 and values.shape[2] == 1:
        values = values[:, :, 0]
    return values


def _read_with_pypng(path, colour):
    try:
        import png  # pypng
    except ImportError as error:
        raise ImportError(
            f"{path}: a 16-bit colour PNG needs pypng to be read exactly (Pillow keeps 8 bits). "
            "Hint: pip install pypng (or apt-get install python3-png)") from error
    width, height, rows, info = png.Reader(filename=path).asDirect()
    planes = info["planes"]
    values = np.vstack([np.asarray(row, dtype=np.uint16) for row in rows]).reshape(height, width, planes)
    return values[:, :, :3]
