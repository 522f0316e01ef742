"""What the preprocessing tests share: files written for real, likeness
measures, the MNIST form, and pictures of digits in hard light.

Imported by the test modules beside it as `from helpers import ...` (pytest
puts this folder on sys.path). The fixtures mnist_test and digits live in
tests/conftest.py: a conftest.py in this folder would take the name
`conftest` from the one that test_main.py and test_build_model.py import.
"""
import os
import struct
import zlib

import cv2
import numpy as np
import pytest

import preprocessing
from preprocessing import NoDigitFound

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# Files ---------------------------------------------------------------------------

def on_paper(digit, size=140):
    """A digit as dark ink on white paper, enlarged to size x size."""
    return cv2.resize(255 - digit, (size, size), interpolation=cv2.INTER_CUBIC)


def write(path, img, ext=".png"):
    """`img` encoded by OpenCV as a real file at `path`."""
    ok, data = cv2.imencode(ext, img)
    assert ok
    path.write_bytes(data.tobytes())
    return path


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(width, height, depth=1, colour=0):
    """A small, complete and valid PNG of width x height black pixels.

    One bit a pixel compresses 1000 to 1; decoded to 8 bits it would be
    width * height bytes (900 MB for 30000 x 30000). With depth 16 and
    colour 6 (RGBA), each pixel decodes to 8 bytes.
    """
    packer = zlib.compressobj(9)
    bits = depth * {0: 1, 6: 4}[colour]
    row = b"\0" * (1 + (width * bits + 7) // 8)  # filter byte, then the pixels' bits
    rows = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", rows)
            + png_chunk(b"IEND", b""))


def in_colour(grey_page, ink, ground=(255, 255, 255)):
    """A dark-on-white page redrawn with coloured ink on a coloured ground."""
    cover = (1 - grey_page.astype(np.float32) / 255)[:, :, None]
    img = np.float32(ground) * (1 - cover) + np.float32(ink) * cover
    return np.clip(img, 0, 255).astype(np.uint8)


# MNIST's own digits ------------------------------------------------------------------

def typical(mnist_test, digit):
    """The test digit closest to its class's average: a clear one."""
    x, y = mnist_test
    pool = np.flatnonzero(y == digit)
    images = x[pool].reshape(len(pool), -1).astype(np.float32)
    return x[pool[np.argmin(np.square(images - images.mean(axis=0)).sum(axis=1))]]


# Likeness --------------------------------------------------------------------------

def centre_of_mass(a):
    ys, xs = np.indices(a.shape)
    return (ys * a).sum() / a.sum(), (xs * a).sum() / a.sum()


def correlation(a, b):
    if a.std() == 0 or b.std() == 0:  # nothing there: no likeness
        return 0.0
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def blurred_correlation(a, b):
    """correlation, where a shift by a pixel or a stroke a little thinner
    counts for little: a light changes the ink's edges a little."""
    return correlation(cv2.GaussianBlur(a, (0, 0), 1.0), cv2.GaussianBlur(b, (0, 0), 1.0))


def mnist_or_nothing(img):
    """mnist(img), or an empty input (no likeness to anything) where no
    digit is found."""
    try:
        return preprocessing.mnist(img)
    except NoDigitFound:
        return np.zeros((28, 28), np.float32)


def likeness_scores(digits, make, seed=None, blurred=False, missing=0.0):
    """How close mnist() of each altered picture comes to mnist() of the plain one.

    make(i, digit, rng) draws the i-th digit twice and returns (plain,
    altered): the altered picture has what the test is about (a shadow, a
    pen beside it, a table round it). rng is one random stream for all the
    digits, np.random.default_rng(seed), or with seed None each digit's own,
    np.random.default_rng(i). An altered picture in which no digit is found
    scores `missing` (0: no likeness). blurred: compare with
    blurred_correlation, for lights that move the ink's edges a little.
    """
    shared = None if seed is None else np.random.default_rng(seed)
    likeness = blurred_correlation if blurred else correlation
    scores = []
    for i, digit in enumerate(digits):
        rng = shared if shared is not None else np.random.default_rng(i)
        plain, altered = make(i, digit, rng)
        reference = preprocessing.mnist(plain)  # the plain picture always has its digit
        try:
            scores.append(likeness(preprocessing.mnist(altered), reference))
        except NoDigitFound:
            scores.append(missing)
    return scores


def likeness_to_plain_paper(mnist_test, kind):
    """For 40 photos of one kind from bench.pictures, how close each comes
    to the input the same digit gives drawn plainly."""
    from bench import pictures
    x, y = mnist_test
    images = pictures.make_images(x, y, 40, seed=7, kinds=(kind,))
    drawn = [i for k, i in pictures.pick_digits(len(x), 40, seed=7) if k == kind]
    photos = [(data, x[i]) for (_, data, _), i in zip(images, drawn)]
    return likeness_scores(photos, lambda i, photo, rng: (255 - photo[1],
                                                          preprocessing.decode_image(photo[0])))


# The MNIST form ------------------------------------------------------------------

def longest_side(x, level=0):
    rows, cols = np.flatnonzero(x.max(axis=1) > level), np.flatnonzero(x.max(axis=0) > level)
    return max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1


def assert_mnist_form(x):
    """28x28 float32 in 0..1, ink on black, longest side 20, mass centred."""
    assert x.shape == (28, 28) and x.dtype == np.float32
    assert x.min() >= 0 and x.max() == pytest.approx(1.0)
    assert x[0].max() == 0 and x[:, 0].max() == 0  # black border
    # 20 pixels, and a faint 21st where the digit is placed between pixels.
    assert longest_side(x) in (20, 21)
    cy, cx = centre_of_mass(x)
    assert abs(cy - 14) <= 0.2 and abs(cx - 14) <= 0.2


def slant(a):
    """How far the ink moves across for each pixel down (its leaning)."""
    m = cv2.moments(a.astype(np.float32))
    return m["mu11"] / m["mu02"]


def half_upright(a):
    """A 28x28 digit leaning half as far, sheared about its centre of mass."""
    m = cv2.moments(a.astype(np.float32))
    shear, cy = slant(a) / 2, m["m01"] / m["m00"]
    return cv2.warpAffine(a.astype(np.float32), np.float32([[1, -shear, shear * cy], [0, 1, 0]]),
                          (28, 28), flags=cv2.INTER_LINEAR)


def working_copy(img):
    """The picture at the size mnist() looks for the digit in."""
    return preprocessing.resize_longest(img, preprocessing.MIN_WORK_SIZE, preprocessing.WORK_SIZE)[0]


# Pages in hard light -------------------------------------------------------------

def digit_in_the_middle(digit, rng, sizes=(150, 300)):
    """A digit in dark ink in the middle of a 640x480 page (float32), `sizes`
    pixels high; and its top, left and size."""
    img = np.full((480, 640), 215, np.float32) + rng.normal(0, 3, (480, 640))
    size = int(rng.integers(*sizes))
    top, left = (480 - size) // 2, (640 - size) // 2
    ink = cv2.resize(digit, (size, size), interpolation=cv2.INTER_CUBIC) / 255
    img[top:top + size, left:left + size] = img[top:top + size, left:left + size] * (1 - ink) + 40 * ink
    return img, top, left, size


def page_with_a_light(digit, rng, light, sizes=(150, 300)):
    """A digit in dark ink on a 640x480 page, and the same page under a
    light: "glare", a lamp's bright spot on glossy paper, beside or on the
    digit; "flash", a phone's, lighting the middle far more than the
    corners. The digit is `sizes` pixels high."""
    img, top, left, size = digit_in_the_middle(digit, rng, sizes)
    ys, xs = np.mgrid[0:480, 0:640]
    reach, radius, strength = {"glare": (0.5, (30, 70), (80, 200)),
                               "flash": (0.2, (60, 140), (60, 160))}[light]
    cy, cx = np.array([top, left]) + size * (0.5 + rng.uniform(-reach, reach, 2))
    spot = np.exp(-((ys - cy) ** 2 + (xs - cx) ** 2) / (2 * rng.uniform(*radius) ** 2))
    if light == "glare":
        lit = 0.75 * img + rng.uniform(*strength) * spot
    else:
        lit = 0.7 * img * (1 - (ys / 480 - 0.5) ** 2 - (xs / 640 - 0.5) ** 2) + rng.uniform(*strength) * spot
    return np.clip(img, 0, 255).astype(np.uint8), np.clip(lit, 0, 255).astype(np.uint8)


def in_the_dark(page, rng):
    """A photo of a page in a dim room: a noisy sensor, JPEG, then the
    picture at a fifth to a third of its brightness, noisy again."""
    def jpeg(img, quality):
        ok, data = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8),
                                [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
        return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE).astype(np.float32)
    img = jpeg(page + rng.normal(0, 25, page.shape), 40) * rng.uniform(0.2, 0.35)
    return jpeg(img + rng.normal(0, 8, page.shape), 60).astype(np.uint8)


# Pages for the strokes and the crop --------------------------------------------

def on_a_page(digit):
    """A digit 160 pixels high in the middle of a 400x300 page, as in a
    photo: the paper a little darker than white."""
    page = np.full((300, 400), 235, np.uint8)
    page[70:230, 120:280] = on_paper(digit, 160) * (235 / 255)
    return page


def ink_rows_and_columns(page):
    """The rows and the columns of on_a_page's page that hold ink."""
    ink = page < 200
    return np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
