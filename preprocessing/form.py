"""The MNIST form: what LeCun, Cortes and Burges did to each digit.

Each MNIST digit was "size normalized to fit in a 20x20 pixel box while
preserving their aspect ratio" and "centered in a 28x28 image by computing
the center of mass of the pixels": bright ink (1.0) on black (0.0). Before
that, pen strokes are brought into MNIST's range of widths and half the
digit's slant is taken away, which the network reads better still. The
tutorial's own steps (resize, invert, scale) are here too, for comparison.
"""
import cv2
import numpy as np

from ._shared import NoDigitFound, bounding_box


BOX = 20  # MNIST: the digit fits a 20x20 box...
SIDE = 28  # ...in a 28x28 image...
CENTRE = 14.0  # ...with its centre of mass here (measured on MNIST: 14.0, 14.0)
FINE = 4  # the digit is centred to a quarter of a pixel
# Stroke width over digit size in MNIST: 10th to 90th percentile (1.7 to 3.3
# pixels in the 20-pixel box). Pen strokes outside this range are adjusted.
STROKE_RANGE = (0.085, 0.165)


# Stroke width ---------------------------------------------------------------------


def fix_stroke_width(digit, width):
    """Thicken hairlines and thin marker strokes into MNIST's range.

    MNIST digits were written with pens of similar width at similar sizes;
    a fine pen on a big digit would otherwise shrink to a faint thread, and a
    marker would fill the loops of an 8.
    """
    y0, y1, x0, x1 = bounding_box(digit > 0)
    size = max(y1 - y0, x1 - x0)
    if size == 0:  # no ink: nothing to thicken or thin
        return digit
    low, high = STROKE_RANGE
    target = min(max(width / size, low), high)
    # Growing strokes by r on each side grows the digit too.
    radius = (target * size - width) / (2 * (1 - target))
    r = int(round(min(abs(radius), width / 3))) if radius < 0 else int(round(radius))
    if r == 0:
        return digit
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    digit = cv2.copyMakeBorder(digit, r + 1, r + 1, r + 1, r + 1, cv2.BORDER_CONSTANT, value=0)
    return cv2.dilate(digit, kernel) if radius > 0 else cv2.erode(digit, kernel)


# Slant ----------------------------------------------------------------------------

UNSLANT = 0.5  # the share of a digit's slant taken away...
MAX_SHEAR = 0.5  # ...and the most it is sheared (27 degrees), whatever its shape


def straighten(digit):
    """Take half the digit's slant away, shearing it sideways about its
    centre of mass.

    MNIST's digits lean every way, and the network reads the upright ones
    best: with half the slant taken away, it reads 97.7% of the 10,000
    test digits drawn dark on white, against 97.2% as they lean (all of it
    taken away: 97.6%). The slant is the ink's covariance of across and
    down over its variance down (a leaning stroke moves across as it goes
    down).
    """
    m = cv2.moments(digit)
    if m["m00"] <= 0 or m["mu02"] <= 0:
        return digit
    shear = float(np.clip(UNSLANT * m["mu11"] / m["mu02"], -MAX_SHEAR, MAX_SHEAR))
    h, w = digit.shape
    pad = int(np.ceil(abs(shear) * h)) + 1  # room each side for the leaning rows
    cy = m["m01"] / m["m00"]
    move = np.float32([[1, -shear, shear * cy + pad], [0, 1, 0]])  # x - shear * (y - cy)
    return cv2.warpAffine(digit, move, (w + 2 * pad, h), flags=cv2.INTER_LINEAR)


# The 20x20 box and the centre of mass -------------------------------------------------

def fit_box(digit):
    """The digit cropped to its ink and scaled so its longest side fits the
    20x20 box, drawn FINE times larger (see centre)."""
    mask = digit > 0.05
    if not mask.any():
        raise NoDigitFound("no digit found: only specks, no strokes")
    y0, y1, x0, x1 = bounding_box(mask)
    digit = digit[y0:y1, x0:x1]
    h, w = digit.shape
    zoom = FINE * BOX / max(h, w)
    size = (max(1, round(w * zoom)), max(1, round(h * zoom)))
    return cv2.resize(digit, size, interpolation=cv2.INTER_AREA)


def centre(box):
    """Put the centre of mass of the digit in its box (from fit_box) at the
    centre of 28x28, as MNIST did.

    MNIST moved each digit by whole pixels, so its centres of mass lie
    anywhere within half a pixel of the centre; the network reads best a
    digit whose centre is right there. The box is drawn FINE times larger,
    moved there to a 1/FINE pixel, and shrunk back, each pixel the average of
    FINE x FINE (the 10,000 MNIST test digits drawn dark on white: 97.22%
    read right, against 97.03% moved by whole pixels and 97.15% as MNIST has
    them).
    """
    m = cv2.moments(box)
    mass = max(m["m00"], 1e-6)
    cy, cx = m["m01"] / mass, m["m10"] / mass
    # Pixel i of the 28x28 input is fine pixels FINE * i to FINE * i + FINE - 1.
    middle = FINE * CENTRE + (FINE - 1) / 2
    top, left = int(round(middle - cy)), int(round(middle - cx))
    # Paste, clipping whatever would fall outside (only very lopsided digits).
    side = FINE * SIDE
    canvas = np.zeros((side, side), np.float32)
    sy, sx, dy, dx = max(0, -top), max(0, -left), max(0, top), max(0, left)
    hh, ww = min(box.shape[0] - sy, side - dy), min(box.shape[1] - sx, side - dx)
    canvas[dy:dy + hh, dx:dx + ww] = box[sy:sy + hh, sx:sx + ww]
    out = cv2.resize(canvas, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    return np.clip(out / max(float(out.max()), 1e-6), 0, 1)


# The tutorial's own steps ------------------------------------------------------------

def tutorial(img):
    """The tutorial's steps: resize to 28x28, invert, scale to 0..1."""
    img = cv2.resize(img, (28, 28))
    img = np.invert(img)
    return (img / 255).astype(np.float32)
