"""The pipeline: a picture of a digit to the 28x28 input, one stage at a time.

`mnist()` reads like the README's four steps, calling one function of each
stage's module: the ground (ground.py), the ink (ink.py, lines.py,
strokes.py), the crop (crop.py) and the MNIST form (form.py). With
steps=True it also hands back the picture after each stage, so a learner
can see what happened to theirs (`python main.py --steps IMAGE`).
"""
from dataclasses import dataclass, field

import cv2
import numpy as np

from ._shared import MIN_WORK_SIZE, WORK_SIZE, NoDigitFound, bounding_box, resize_longest, straight_line
from .colour import ink_is_dark, to_8bit, to_grey
from .crop import cut_out
from .form import FINE, centre, fit_box, fix_stroke_width, straighten, tutorial
from .ground import Ground, cut_frame, find_ground, relight, runs_along
from .ink import quieten
from .strokes import find_digit

METHODS = ("mnist", "tutorial")


@dataclass
class Steps:
    """The picture after each stage, by the stage's name, in order: "as
    read", "ground evened out", "ink", "lines removed", "digit cut out",
    "20x20 box", "28x28 input" (fewer if no digit was found on the way)."""
    images: dict = field(default_factory=dict)

    @property
    def input(self):
        return self.images["28x28 input"]


def mnist(img, steps=False):
    """Prepare a digit the way MNIST was: ink 1.0 on 0.0, 20x20 box, centred.

    Returns the (28, 28) float32 input; with steps=True, the Steps that led
    to it. Raises NoDigitFound when the picture holds no digit (with the
    steps so far as its `steps`).
    """
    seen = Steps()
    try:
        x = _mnist(img, seen.images)
    except NoDigitFound as error:
        error.steps = seen
        raise
    return seen if steps else x


def _mnist(img, seen):
    # 1. Read: one grey channel, big enough to hold a digit.
    img = check_grey(img)
    seen["as read"] = img
    if int(img.max()) - int(img.min()) < 12:
        raise NoDigitFound("no digit found: the image is blank")
    if max(img.shape) < 8:
        h, w = img.shape
        raise NoDigitFound(f"no digit found: the image is too small ({w}x{h} pixels)")

    # 2. The ground: a frame cut off, a table painted over, a shadow lit up,
    # the ink turned dark on light, a noisy photo smoothed. The search runs
    # on a working copy of modest size.
    img = cut_frame(img, *resize_longest(img, MIN_WORK_SIZE, WORK_SIZE))
    work, scale = resize_longest(img, MIN_WORK_SIZE, WORK_SIZE)
    ground = find_ground(work)
    page = quieten(ground.picture if ground.dark_ink else 255 - ground.picture)
    seen["ground evened out"] = page.picture

    # 3. The ink: thresholded against the paper around it, ruled lines
    # erased, the digit's strokes picked from specks, lines and thumbs.
    search = find_digit(page.picture)
    if ground.around is not None and runs_along(search.found, ground.around):
        # What looked like a table runs along the digit: it is a stroke of
        # a tightly cropped digit. Read the picture as it is.
        work = work if ground.shadow is None else relight(work, ground.shadow)
        ground = Ground(work, ink_is_dark(work), None, ground.shadow)
        page = quieten(work if ground.dark_ink else 255 - work)
        search = find_digit(page.picture)
    seen["ink"], seen["lines removed"] = search.ink, search.without_lines

    # 4. The crop at full resolution, then the MNIST form: stroke width,
    # half the slant away, a 20x20 box, the centre of mass at the centre.
    cut = cut_out(img, scale, ground, page, search)
    seen["digit cut out"] = cut.digit
    if lies_flat(cut.digit > 0.5):
        raise NoDigitFound("no digit found: only a straight line lying flat (a ruled line?)")
    digit = fix_stroke_width(cut.digit, cut.width)
    digit = straighten(digit)
    box = fit_box(digit)
    seen["20x20 box"] = cv2.resize(box, (max(1, box.shape[1] // FINE), max(1, box.shape[0] // FINE)),
                                   interpolation=cv2.INTER_AREA)
    x = centre(box)
    seen["28x28 input"] = x
    return x


def lies_flat(mask):
    """Whether the ink is one straight line, wider than it is tall: what is
    left of a ruled line on a blank page, not a digit (a 1 stands up)."""
    if not mask.any():
        return False
    y0, y1, x0, x1 = bounding_box(mask)
    return x1 - x0 > y1 - y0 and straight_line(mask)


def check_grey(img):
    """A 2-D uint8 picture, from grey, colour or colour + alpha of any depth."""
    img = np.asarray(img)
    if img.size == 0:
        raise NoDigitFound("no digit found: the image is empty")
    if img.ndim == 3 and img.shape[2] in (3, 4):
        img = to_grey(to_8bit(img))  # 8-bit first, as decode_image does
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D greyscale image, got shape {img.shape}")
    return to_8bit(img)


def to_input(img, method="mnist", steps=False):
    """Turn a greyscale image into a (28, 28) float32 array in 0..1 (with
    steps=True and the mnist method: the Steps that led to it)."""
    if method == "tutorial":
        x = tutorial(img)
        return Steps({"as read": img, "28x28 input": x}) if steps else x
    if method == "mnist":
        return mnist(img, steps)
    raise ValueError(f"unknown preprocessing method {method!r}")
