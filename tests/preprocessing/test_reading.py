"""preprocessing.reading on real files: what is not an image, odd formats,
decompression bombs refused before decoding, and fuzzed bytes.

No model is needed: these tests check what reaches the network, not what it
predicts. Every image is a real file written to tmp_path.
"""
import os
import struct
import subprocess
import sys
import threading

import cv2
import numpy as np
import pytest
from PIL import Image  # writes what OpenCV cannot: CMYK JPEG, GIF, EXIF

import preprocessing
from helpers import ROOT, bomb_png, correlation, in_colour, on_paper, write
from preprocessing import ImageError, NoDigitFound


# Files that are not images ---------------------------------------------------------

def test_empty_file(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(ImageError, match="empty file"):
        preprocessing.read_image(path)


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.png"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, np.uint8).tobytes())
    with pytest.raises(ImageError, match="not an image"):
        preprocessing.read_image(path)


def test_text_file(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("This is not a picture of a digit.\n" * 20)
    with pytest.raises(ImageError, match="not an image"):
        preprocessing.read_image(path)


def test_directory(tmp_path):
    with pytest.raises(ImageError, match="directory"):
        preprocessing.read_image(tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(ImageError, match="no such file"):
        preprocessing.read_image(tmp_path / "missing.png")


def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    """Opening a named pipe waits for a writer, for ever: it is refused
    from what os.stat says, before it is opened."""
    pipe = tmp_path / "digit.png"
    os.mkfifo(pipe)
    outcome = []

    def read():
        try:
            preprocessing.read_image(pipe)
        except ImageError as error:
            outcome.append(str(error))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # blocked in open(): a writer lets it go, then fail
        with open(pipe, "wb"):
            pass
        reader.join(timeout=10)
        pytest.fail("read_image blocked on a named pipe")
    assert outcome == ["not a regular file"]


def test_a_symlink_loop_says_it_loops(tmp_path):
    (tmp_path / "a.png").symlink_to(tmp_path / "b.png")
    (tmp_path / "b.png").symlink_to(tmp_path / "a.png")
    with pytest.raises(ImageError, match="loops"):
        preprocessing.read_image(tmp_path / "a.png")


def test_a_dangling_symlink_says_so(tmp_path):
    (tmp_path / "digit.png").symlink_to(tmp_path / "moved.png")
    with pytest.raises(ImageError, match="link to a file that does not exist"):
        preprocessing.read_image(tmp_path / "digit.png")


def test_truncated_png(tmp_path, digits):
    data = write(tmp_path / "whole.png", on_paper(digits[0][0])).read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(ImageError):
        preprocessing.read_image(path)


def test_errors_are_one_short_line(tmp_path):
    path = tmp_path / "x.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    with pytest.raises(ImageError) as error:
        preprocessing.read_image(path)
    assert "\n" not in str(error.value) and len(str(error.value)) < 100


# Formats -------------------------------------------------------------------------

def test_cmyk_jpeg(tmp_path, digits):
    digit = cv2.resize(digits[0][2], (140, 140), interpolation=cv2.INTER_CUBIC)
    cmyk = np.dstack([np.zeros_like(digit)] * 3 + [digit])  # the ink is black (K)
    path = tmp_path / "print.jpg"
    Image.fromarray(cmyk, "CMYK").save(path, quality=95)
    assert Image.open(path).mode == "CMYK"
    img = preprocessing.read_image(path)
    assert img.ndim == 2 and img[0, 0] > 200 and img.min() < 60
    reference = preprocessing.mnist(on_paper(digits[0][2]))
    assert correlation(preprocessing.mnist(img), reference) > 0.95


def test_gif(tmp_path, digits):
    path = tmp_path / "digit.gif"
    Image.fromarray(on_paper(digits[0][3])).save(path)
    img = preprocessing.read_image(path)  # the pinned opencv-python reads GIF
    assert img.ndim == 2 and img.dtype == np.uint8
    reference = preprocessing.mnist(on_paper(digits[0][3]))
    assert correlation(preprocessing.mnist(img), reference) > 0.95




def test_tiff(tmp_path, digits):
    img = preprocessing.read_image(write(tmp_path / "digit.tiff", on_paper(digits[0][3]), ".tiff"))
    assert np.array_equal(img, on_paper(digits[0][3]))


@pytest.mark.parametrize("orientation, turn", [
    (3, cv2.ROTATE_180), (6, cv2.ROTATE_90_CLOCKWISE), (8, cv2.ROTATE_90_COUNTERCLOCKWISE)])
def test_jpeg_exif_orientation(tmp_path, digits, orientation, turn):
    """A phone stores the sensor's pixels and an EXIF tag saying how to turn them."""
    upright = on_paper(digits[0][0])[:, 10:]  # not square, so a turn shows
    stored = cv2.rotate(upright, {cv2.ROTATE_180: cv2.ROTATE_180,
                                  cv2.ROTATE_90_CLOCKWISE: cv2.ROTATE_90_COUNTERCLOCKWISE,
                                  cv2.ROTATE_90_COUNTERCLOCKWISE: cv2.ROTATE_90_CLOCKWISE}[turn])
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "phone.jpg"
    Image.fromarray(stored).save(path, exif=exif, quality=95)
    img = preprocessing.read_image(path)
    assert img.shape == upright.shape
    assert np.abs(img.astype(int) - upright).mean() < 3
    # OpenCV's own greyscale reader agrees (it applies the tag too).
    assert np.array_equal(img, cv2.imread(str(path), cv2.IMREAD_GRAYSCALE))


def test_a_big_photos_colour_is_decoded_shrunk(tmp_path, digits, monkeypatch):
    """A big JPEG's colour is decoded once, shrunk by the decoder to no less
    than the working copy's size: a pale pen's channel comes from that
    copy, and reads as the full-size channel does; dark ink in a corner (the
    middle, being blank paper, looks faint) keeps the full-size grey."""
    x, _ = digits
    decoded = []  # the flags each decode was asked for

    def imdecode(data, flags, real=cv2.imdecode):
        decoded.append(flags)
        return real(data, flags)

    monkeypatch.setattr(preprocessing.reading.cv2, "imdecode", imdecode)
    page = np.full((1536, 2048), 255, np.uint8)
    page[500:1000, 800:1300] = 255 - cv2.resize(x[0], (500, 500), interpolation=cv2.INTER_CUBIC)
    path = write(tmp_path / "pale.jpg", in_colour(page, (0, 215, 255), (235, 240, 242)), ".jpg")
    img = preprocessing.read_image(path)
    assert decoded == [cv2.IMREAD_GRAYSCALE, cv2.IMREAD_REDUCED_COLOR_2]
    assert np.array_equal(img, cv2.imread(str(path), cv2.IMREAD_REDUCED_COLOR_2)[:, :, 0])
    full = cv2.imread(str(path), cv2.IMREAD_COLOR)[:, :, 0]
    assert correlation(preprocessing.mnist(img), preprocessing.mnist(full)) > 0.95
    decoded.clear()
    page = np.full((1536, 2048), 255, np.uint8)
    page[50:550, 50:550] = 255 - cv2.resize(x[0], (500, 500), interpolation=cv2.INTER_CUBIC)
    path = write(tmp_path / "corner.jpg", in_colour(page, (140, 40, 20), (235, 240, 242)), ".jpg")
    assert np.array_equal(preprocessing.read_image(path), cv2.imread(str(path), cv2.IMREAD_GRAYSCALE))
    assert decoded == [cv2.IMREAD_GRAYSCALE, cv2.IMREAD_REDUCED_COLOR_2]


# The header: size and sample format before decoding ---------------------------------

def encoded(ext, img):
    ok, data = cv2.imencode(ext, img)
    assert ok, ext
    return data.tobytes()


def test_header_of_a_16_bit_rgba_png():
    """Pillow shows a 16-bit PNG as 8-bit; OpenCV decodes 8 bytes a pixel."""
    data = encoded(".png", np.zeros((30, 40, 4), np.uint16))
    assert preprocessing.image_header(data) == (40, 30, 8)


def test_header_of_a_float_rgba_tiff():
    """Pillow cannot open float RGBA, but its parser reads the tags: four
    samples of 32 bits, as OpenCV decodes them."""
    img = np.random.default_rng(0).random((30, 40, 4)).astype(np.float32)
    data = encoded(".tiff", img)
    assert cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED).dtype == np.float32
    assert preprocessing.image_header(data) == (40, 30, 16)


@pytest.mark.parametrize("shape, dtype", [((96, 128), np.uint8), ((96, 128, 3), np.uint8),
                                          ((96, 128, 4), np.uint16)])
def test_header_of_a_jpeg_2000_counts_2_bytes_a_sample(shape, dtype):
    """JPEG 2000 may hold 16-bit samples that Pillow's mode does not show."""
    data = encoded(".jp2", np.zeros(shape, dtype))
    channels = shape[2] if len(shape) == 3 else 1
    assert preprocessing.image_header(data) == (128, 96, 2 * channels)


@pytest.mark.parametrize("data", [b"", b"hello, no picture here", bytes(100), b"\x89PNG\r\n\x1a\n"],
                         ids=["empty", "text", "zeros", "png-signature-only"])
def test_header_of_unknown_bytes_is_none(data):
    assert preprocessing.image_header(data) is None


def with_tiff_size(data, width, height):
    """A little-endian TIFF whose first directory declares width x height
    (the pixels stay as they were: the header lies)."""
    assert data[:4] == b"II*\0"
    data = bytearray(data)
    at = struct.unpack_from("<I", data, 4)[0]
    for n in range(struct.unpack_from("<H", data, at)[0]):
        entry = at + 2 + 12 * n
        tag, kind = struct.unpack_from("<HH", data, entry)
        if tag in (256, 257):
            value = width if tag == 256 else height
            struct.pack_into("<H" if kind == 3 else "<I", data, entry + 8, value)
    return bytes(data)


def with_jp2_size(data, width, height):
    """A JPEG 2000 whose header box and codestream declare width x height."""
    data = bytearray(data)
    at = data.index(b"ihdr") + 4
    struct.pack_into(">II", data, at, height, width)
    at = data.index(b"\xff\x4f\xff\x51") + 8  # SOC, SIZ: length, capabilities, Xsiz, Ysiz
    struct.pack_into(">II", data, at, width, height)
    return bytes(data)


def refused_unseen(data, monkeypatch):
    """The ImageError decode_image raises for `data`, checking OpenCV was
    never asked to decode it."""
    calls = []
    monkeypatch.setattr(preprocessing.reading.cv2, "imdecode", lambda *a: calls.append(a))
    with pytest.raises(ImageError) as error:
        preprocessing.decode_image(data)
    assert calls == []
    return str(error.value)


@pytest.mark.parametrize("ext, sample, side, pixel_bytes", [
    # 5790 x 5790 is 33.5 megapixels, under the pixel limit; as float RGBA
    # it decodes to 16 bytes a pixel, 511 MB.
    (".tiff", np.float32, 5790, 16),
    # 7000 x 7000 is 49 megapixels; as 16-bit RGBA, 8 bytes a pixel: 373 MB.
    (".jp2", np.uint16, 7000, 8)], ids=["float-rgba-tiff", "16-bit-rgba-jpeg-2000"])
def test_a_deep_picture_over_the_budget_is_refused_before_decoding(monkeypatch, ext, sample, side,
                                                                   pixel_bytes):
    small = encoded(ext, np.zeros((96, 128, 4), sample))
    data = (with_tiff_size if ext == ".tiff" else with_jp2_size)(small, side, side)
    assert preprocessing.image_header(data) == (side, side, pixel_bytes)
    assert refused_unseen(data, monkeypatch).startswith(f"image too large ({side}x{side} pixels")


# Decompression bombs -------------------------------------------------------------

BOMBS = {
    "png": bomb_png(30000, 30000),
    # 49 megapixels, under the pixel limit, but 392 MB decoded.
    "png-16-bit-rgba": bomb_png(7000, 7000, depth=16, colour=6),
    "jpeg": b"\xff\xd8\xff\xc0\x00\x11\x08" + struct.pack(">HH", 60000, 60000)
            + b"\x03\x01\x11\x00\x02\x11\x01\x03\x11\x01\xff\xd9",
    "pgm": b"P5\n# a comment\n30000 30000\n255\n" + b"\0" * 1000,
    # 33.5 megapixels, 16 bytes each as float RGBA: 511 MB.
    "tiff-float-rgba": with_tiff_size(encoded(".tiff", np.zeros((30, 40, 4), np.float32)), 5790, 5790),
    # 49 megapixels of 16-bit RGBA: 392 MB.
    "jp2-16-bit-rgba": with_jp2_size(encoded(".jp2", np.zeros((96, 128, 4), np.uint16)), 7000, 7000),
    # Radiance HDR decodes to 3 float32 a pixel: 25 megapixels are 300 MB.
    "hdr": b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 5000 +X 5000\n" + b"\0" * 1000,
}


@pytest.mark.parametrize("kind", BOMBS)
def test_decompression_bomb_is_refused(tmp_path, kind):
    path = tmp_path / f"bomb.{kind}"
    path.write_bytes(BOMBS[kind])
    with pytest.raises(ImageError, match="image too large"):
        preprocessing.read_image(path)


@pytest.mark.parametrize("kind", ["png", "png-16-bit-rgba", "tiff-float-rgba", "jp2-16-bit-rgba"])
def test_decompression_bomb_uses_little_memory(tmp_path, kind):
    """In a fresh process, so its peak memory is ours alone."""
    path = tmp_path / f"bomb.{kind}"
    path.write_bytes(BOMBS[kind])
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking
    # parent (pytest, with TensorFlow loaded), VmHWM starts afresh at exec.
    script = (
        "import re, preprocessing\n"
        "try:\n"
        f"    preprocessing.read_image({str(path)!r})\n"
        "except preprocessing.ImageError as error:\n"
        "    print(error)\n"
        "status = open('/proc/self/status').read()\n"
        "print(int(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)) // 1024)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    message, peak_mb = result.stdout.splitlines()
    assert message.startswith("image too large (")
    assert int(peak_mb) < 300, f"peak memory {peak_mb} MB"
    assert result.stderr == ""


def test_a_picture_whose_size_cannot_be_told_first_is_refused(tmp_path):
    """OpenEXR (and anything else whose header we cannot read cheaply) is
    refused before any decoder sees it."""
    path = tmp_path / "picture.exr"
    path.write_bytes(b"\x76\x2f\x31\x01\x02\x00\x00\x00channels\x00chlist\x00" + b"\0" * 200)
    with pytest.raises(ImageError, match="not an image we can read"):
        preprocessing.read_image(path)


# Fuzzing -----------------------------------------------------------------------

def test_fuzzed_files_never_raise_anything_else(digits):
    """Random bytes and damaged PNG, JPEG and BMP files: every one is read, or
    refused with ImageError; every image read is prepared, or NoDigitFound."""
    rng = np.random.default_rng(2024)
    img = on_paper(digits[0][5], 64)
    valid = [cv2.imencode(ext, img)[1].tobytes() for ext in (".png", ".jpg", ".bmp")]
    outcomes = set()
    for n in range(300):
        data = bytearray(valid[n % len(valid)])
        how = n % 4
        if how == 0:  # flip some bytes
            for i in rng.integers(0, len(data), rng.integers(1, 20)):
                data[i] = rng.integers(256)
        elif how == 1:  # cut short
            data = data[:rng.integers(0, len(data))]
        elif how == 2:  # splice in junk
            at = rng.integers(0, len(data))
            data[at:at] = rng.integers(0, 256, rng.integers(1, 64), np.uint8).tobytes()
        else:  # pure noise, sometimes behind a real signature
            data = valid[n % 3][:rng.integers(0, 30)] + rng.integers(
                0, 256, rng.integers(0, 3000), np.uint8).tobytes()
        try:
            grey = preprocessing.decode_image(bytes(data))
        except ImageError:
            outcomes.add("image error")
            continue
        assert grey.ndim == 2 and grey.dtype == np.uint8
        try:
            x = preprocessing.mnist(grey)
            assert x.shape == (28, 28) and 0 <= x.min() and x.max() <= 1
            outcomes.add("digit")
        except NoDigitFound:
            outcomes.add("no digit")
        assert preprocessing.tutorial(grey).shape == (28, 28)
    assert {"image error", "digit"} <= outcomes
