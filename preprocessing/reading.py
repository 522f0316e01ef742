"""Reading and decoding: the file's bytes to one grey channel, refusing bombs first.

A file is read with a bounded read, its header is read by Pillow's lazy
`Image.open` (the size and the sample format, no pixels), and a picture
too big to decode safely is refused before OpenCV allocates anything: a
"decompression bomb" of a few kilobytes can declare gigapixels. What
OpenCV then decodes keeps its transparency and bit depth; `colour` makes
one grey channel of it.
"""
import contextlib
import errno
import io
import os
import stat
import struct
import sys
import warnings

# OpenCV's own limit, a second line of defence: it takes effect only if set
# before OpenCV's first decode in the process. Ours (below) always does.
MAX_PIXELS = 50_000_000
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_PIXELS))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image, TiffImagePlugin, UnidentifiedImageError  # noqa: E402

from ._shared import WORK_SIZE, ImageError  # noqa: E402
from .colour import _clearest_channel, _faint, to_8bit, to_grey  # noqa: E402

# We turn every decoding failure into ImageError; OpenCV's log would repeat it.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)

MAX_DECODED_BYTES = 256 * 2**20  # the pixels as decoded: 16-bit RGBA takes 8 bytes each
MAX_FILE_BYTES = 256 * 2**20
PNG, JPEG = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"  # how each kind of file starts


# Reading files ---------------------------------------------------------------

def read_image(path):
    """Read the image at `path` as a 2-D uint8 greyscale array."""
    path = os.fspath(path)
    try:
        kind = os.stat(path).st_mode  # before opening: a named pipe would block
        if stat.S_ISDIR(kind):
            raise ImageError("is a directory, not an image")
        if not stat.S_ISREG(kind):
            raise ImageError("not a regular file")
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)  # a bounded read, whatever the file
    except OSError as error:
        raise ImageError(_why_not_opened(path, error))
    if len(data) > MAX_FILE_BYTES:
        raise ImageError(f"file too large (limit {MAX_FILE_BYTES // 2**20} MB)")
    return decode_image(data)


def _why_not_opened(path, error):
    """One line on why open() failed, in plain words."""
    if error.errno == errno.ELOOP:
        return "a symbolic link that loops back on itself"
    if os.path.islink(path):
        return "a symbolic link to a file that does not exist"
    if isinstance(error, FileNotFoundError):
        return "no such file"
    return f"cannot open file ({error.strerror or error})"


def decode_image(data):
    """Decode image file bytes to a 2-D uint8 greyscale array.

    Alpha and 16-bit depth are kept by the decoder and handled here. A JPEG
    (never transparent) is decoded straight to grey, which is twice as fast,
    and OpenCV then applies its EXIF orientation, so the digit comes out
    upright. Only if its marks are faint is it decoded again in colour, to
    look for a channel that shows them better (see _jpeg_channel).
    """
    data = bytes(data)
    if not data:
        raise ImageError("empty file")
    check_size(data)  # refuse decompression bombs before the decoder allocates the pixels
    jpeg = data.startswith(JPEG)
    try:
        with quiet_stderr():  # libpng and libjpeg print their own complaints
            img = cv2.imdecode(np.frombuffer(data, np.uint8),
                               cv2.IMREAD_GRAYSCALE if jpeg else cv2.IMREAD_UNCHANGED)
    except cv2.error:
        img = None  # OpenCV raises for some broken files, returns None for others
    if img is None or img.size == 0:
        raise ImageError("not an image OpenCV can decode")
    part = _faint(img) if jpeg else None
    if part is not None:  # a pale pen may stand out in one colour
        img = _jpeg_channel(data, img, part)
    return to_grey(to_8bit(img))


# Decompression bombs: the size and sample format from the header ----------------

def check_size(data):
    """Raise ImageError if the picture in `data` would take more than our
    budget once decoded, or if its size cannot be told from its header.

    The budget counts what OpenCV will allocate: width x height x channels
    x bytes per sample, from the header's real sample format (16-bit,
    float, alpha), and the most the format allows where Pillow's mode
    hides it.
    """
    header = image_header(data)
    if header is None:
        raise ImageError("not an image we can read (unknown format, or a broken header)")
    width, height, pixel_bytes = header
    pixels = width * height
    decoded = pixels * pixel_bytes
    if pixels > MAX_PIXELS or decoded > MAX_DECODED_BYTES:
        raise ImageError(f"image too large ({width}x{height} pixels, "
                         f"{decoded // 2**20} MB decoded; limit "
                         f"{MAX_PIXELS // 1_000_000} megapixels, "
                         f"{MAX_DECODED_BYTES // 2**20} MB)")


# Bytes a sample takes once OpenCV decodes it, and how many channels it gives,
# by Pillow's mode. JPEG 2000 and AVIF may hold 16-bit samples that Pillow's
# mode does not show: counted at 2 bytes. Palettes and grey + alpha decode
# to four channels.
_MODE_CHANNELS = {"1": 1, "L": 1, "P": 4, "LA": 4, "PA": 4, "La": 4, "RGB": 3, "RGBA": 4,
                  "RGBa": 4, "RGBX": 4, "CMYK": 4, "YCbCr": 3, "LAB": 3, "HSV": 3}
_MODE_BYTES = {"I": 4, "F": 4, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
_DEEP_FORMATS = {"JPEG2000": 2, "AVIF": 2}


def image_header(data):
    """(width, height, bytes a pixel takes once decoded), read from the
    header alone; None if it cannot be told cheaply."""
    if data[:2] in (b"II", b"MM"):
        return _tiff_header(data)
    if data.startswith((b"#?RADIANCE", b"#?RGBE", b"PF", b"Pf", b"P7")):
        return _text_header(data)
    try:
        with warnings.catch_warnings():  # Pillow warns of big pictures: we judge them
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:  # lazy: the header only
                (width, height), mode, kind = img.size, img.mode, img.format
    except Image.DecompressionBombError:
        return 2**31, 1, 1  # far beyond any budget: refused as too large
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, struct.error):
        return None
    if mode in _MODE_BYTES:
        return width, height, _MODE_BYTES[mode]
    pixel_bytes = _MODE_CHANNELS.get(mode, 4) * _DEEP_FORMATS.get(kind, 1)
    if kind == "PNG":  # Pillow shows 16-bit colour as 8-bit: the header says
        pixel_bytes *= 2 if data[24:25] == b"\x10" else 1
    if kind == "JPEG":
        pixel_bytes = 4  # grey, then colour as well if the ink is faint
    return width, height, pixel_bytes


def _tiff_header(data):
    """A TIFF's first directory, read by Pillow's parser: Pillow cannot open
    every sample format OpenCV decodes (float RGBA), but it reads the tags."""
    try:
        big = data[2:4] in (b"\x2b\x00", b"\x00\x2b")  # BigTIFF's header is 16 bytes
        directory = TiffImagePlugin.ImageFileDirectory_v2(ifh=data[:16] if big else data[:8])
        stream = io.BytesIO(data)
        stream.seek(directory.next)
        directory.load(stream)
        width, height = int(directory[256]), int(directory[257])
        bits = directory.get(258, (1,))
        bits = max(bits) if isinstance(bits, tuple) else bits
        samples = int(directory.get(277, 1))
    except (KeyError, ValueError, TypeError, SyntaxError, EOFError, OSError, struct.error):
        return None
    return width, height, max(1, samples) * max(1, -(-int(bits) // 8))


def _text_header(data):
    """Radiance HDR, PFM and PAM headers, which Pillow does not read: a few
    lines of text before the pixels. HDR and PFM decode to float32."""
    head = data[:4096].split(b"\n")
    try:
        if data.startswith(b"#?"):  # HDR: "-Y 480 +X 640" after a blank line
            line = head[head.index(b"") + 1].split()
            return int(line[3]), int(line[1]), 12
        if data.startswith((b"PF", b"Pf")):  # PFM: "PF\n640 480\n-1\n"
            width, height = head[1].split()
            return int(width), int(height), 12 if data[1:2] == b"F" else 4
        fields = dict(line.split(None, 1) for line in head[1:12] if b" " in line)  # PAM
        depth = 2 if int(fields.get(b"MAXVAL", b"255")) > 255 else 1
        return int(fields[b"WIDTH"]), int(fields[b"HEIGHT"]), int(fields[b"DEPTH"]) * depth
    except (ValueError, IndexError, KeyError):
        return None


# Pale ink in a JPEG ---------------------------------------------------------------

def _jpeg_channel(data, grey, part):
    """`grey`, the JPEG's brightness, or the colour channel in which its
    faint marks (in `part`) stand out far more clearly.

    A big photo's colour takes twice as long to decode as its grey. The
    decoder shrinks it as it goes, as far as the working copy's size
    (WORK_SIZE), which is all the detail the digit is looked for in; the
    channels are compared on a copy of 512 pixels or more.
    """
    def shrink(least):  # the most the decoder may shrink it, keeping `least` pixels
        return next(f for f in (8, 4, 2, 1) if f == 1 or max(grey.shape) >= least * f)

    kept, compared = shrink(WORK_SIZE), shrink(512)
    flags = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2,
             4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}
    try:
        with quiet_stderr():
            colour = cv2.imdecode(np.frombuffer(data, np.uint8), flags[kept])
    except cv2.error:
        colour = None
    expected = tuple(-(-side // kept) for side in grey.shape)  # the decoder rounds up
    if colour is None or colour.shape[:2] != expected:
        return grey  # the grey is still good
    small = colour
    if compared > kept:
        h, w = (-(-side // compared) for side in grey.shape)
        small = cv2.resize(colour, (w, h), interpolation=cv2.INTER_AREA)
    small_grey = grey if compared == 1 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    channel = _clearest_channel(small, small_grey, part)
    return grey if channel is None else cv2.extractChannel(colour, channel)


@contextlib.contextmanager
def quiet_stderr():
    """Send what C libraries print to stderr to /dev/null for a moment."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield  # no stderr file descriptor to silence
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
