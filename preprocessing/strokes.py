"""Finding the digit's strokes in the evened-out page.

A first look under a coarse paper level shows where the strokes are and
how wide; the paper's ruled lines are erased; a second look under a paper
level as fine as the strokes allow follows shadows closely. Of the pieces
of ink, the digit is the blob with the most dark ink, with the sizeable
pieces near it (a 5's detached bar, a broken pen line); specks, blots at
the border (a thumb), and a long straight line beside it (a pen lying on
the paper, a notebook's margin) are left out. A blank page's grain does not
stand out enough to count.
"""
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

from ._shared import (NoDigitFound, components_with_stats, gradient, noise_level, paper_sigma,
                      robust_sigma, straight_line, stroke_width)
from .ink import _paper_side, ink_map, paper_under_ink, threshold_ink
from .lines import _one_line, find_lines, without_lines


@dataclass
class Search:
    """What the search for the digit found in the page.

    found: the mask of the digit's strokes; stroke: their width in pixels;
    noise: the paper's grain and noise, in ink units; lines: the ruled
    lines (how many cover each pixel), or None; ink: the ink map the
    strokes were found in, before and after the lines were erased; mask:
    all the ink thresholded in the latter (the digit's strokes and the rest).
    """
    found: np.ndarray
    stroke: float
    noise: float
    lines: Optional[np.ndarray]
    ink: np.ndarray
    without_lines: np.ndarray
    mask: np.ndarray


def find_digit(work):
    """Find the digit's strokes in the (dark ink) working image.

    Returns a Search; raises NoDigitFound if nothing stands out enough.
    """
    try:
        return _look_for_digit(work, max(work.shape) / 8)
    except NoDigitFound:
        # A glare or a flash's hot spot is narrower than that paper level
        # follows: the paper around it looks like ink, and the strokes are
        # lost in it. Look again under a finer one, which follows blank
        # paper's grain more closely too: the strokes must stand out of it
        # more (a dark pen's test stays as it is: it asks for area).
        return _look_for_digit(work, max(work.shape) / 24, stand_out=12)


def _look_for_digit(work, widest, stand_out=8):
    """find_digit, with a first look under a paper level that clears strokes
    up to `widest` pixels wide, the strokes standing out of the paper's
    grain `stand_out` times over."""
    # First look: a coarse paper level, enough to see where the strokes are.
    paper = paper_under_ink(work, widest)
    ink = ink_map(work, paper)
    pixel_noise = noise_level(work) / max(float(np.median(paper)), 1.0)
    first_noise = max(robust_sigma(_paper_side(ink)), pixel_noise)
    # Ruled lines are looked for against a finer paper level, which follows
    # shadows: against the coarse one a shadow looks like ink and hides them.
    thin = max(2, round(0.025 * max(work.shape)))
    line_ink = ink_map(work, paper_under_ink(work, thin))
    lines = find_lines(line_ink, max(paper_sigma(line_ink), pixel_noise), thin, sides=ink)
    if _one_line(lines):
        # A notebook's ruling shows more than one line; a single straight
        # stroke across the whole picture is more likely a big 1.
        lines = None
    found = select_strokes(without_lines(ink, lines, first_noise), first_noise)
    # Second look: a paper level as fine as the strokes allow, which follows
    # shadows and uneven light closely. The paper's grain is measured away
    # from the strokes.
    stroke = stroke_width(found)
    fine_ink = ink_map(work, paper_under_ink(work, stroke))
    ink = without_lines(fine_ink, lines, first_noise)
    near = cv2.dilate(found.astype(np.uint8), np.ones((3, 3), np.uint8),
                      iterations=max(1, round(stroke))) > 0
    noise = max(robust_sigma(ink[~near]), pixel_noise)
    mask = threshold_ink(ink, noise)
    try:
        found = select_strokes(ink, noise, mask)
    except NoDigitFound:
        pass  # strokes wider than they looked: keep the first look
    # Pen strokes stand far out of the paper's grain; a blank page's darkest
    # grain does not. In a dark, noisy photo the grain is coarse, yet a pen
    # still takes most of the paper's light away over a sizeable area; a
    # blank page's darkest grain there is specks. A faint pencil stands out
    # less, but it has a pen's sharp edges, where the grain and the light
    # on a blank page fade over many pixels.
    darkness = np.percentile(ink[found], 90)
    stands_out = darkness >= max(stand_out * noise, 0.15)
    dark_pen = darkness >= max(5 * noise, 0.6) and found.mean() >= 0.005
    faint_pen = (not (stands_out or dark_pen)  # (edge_sharpness only when needed)
                 and darkness >= max(6 * noise, 0.1) and _edge_sharpness(ink, found, darkness) >= 0.16)
    if not (stands_out or dark_pen or faint_pen):
        raise NoDigitFound("no digit found: nothing stands out from the background")
    return Search(found, stroke_width(found), noise, lines, fine_ink, ink, mask)


def _edge_sharpness(ink, found, darkness):
    """How steeply the ink rises across the edges of what was found, per
    pixel, as a share of its darkness: about a fifth for a pen's stroke
    (its edge blurred over a pixel or two), a tenth or less for a blank
    page's grain or a fall of light."""
    rise = gradient(cv2.GaussianBlur(ink.astype(np.float32), (0, 0), 1.0))[2] / 8
    edge = found & ~(cv2.erode(found.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    if not edge.any():  # what was found fills the picture: no edges to measure
        return 0.0
    return float(np.median(rise[edge])) / max(float(darkness), 1e-6)


def select_strokes(ink, noise, mask=None):
    """The mask of the digit's strokes in an ink map, dropping specks, marks
    away from the digit and dark areas along the border (a table, a shadow).
    mask: the ink thresholded, if the caller has it already.
    """
    mask = threshold_ink(ink, noise) if mask is None else mask
    if not mask.any():
        raise NoDigitFound("no digit found: the image is blank")
    # Group nearby pieces (a broken pen line, the bar of a 5) into blobs.
    gap = max(3, round(max(ink.shape) / 150))
    grouped = cv2.dilate(mask.astype(np.uint8), cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (2 * gap + 1, 2 * gap + 1)))
    n, labels, stats, _ = components_with_stats(grouped)
    # The digit is the blob with the most ink, dark ink counting most; one
    # touching the border counts less.
    mass = np.bincount(labels[mask], weights=np.square(ink[mask]), minlength=n)
    mass[0] = 0
    # One pen makes the whole digit about equally dark: much fainter blobs
    # (a smudge, a shadow) are not it.
    darkness = mass / np.maximum(np.bincount(labels[mask], minlength=n), 1)
    darkest = darkness[mass >= 0.1 * mass.max()].max()
    mass[darkness < 0.25 * darkest] = 0  # squares: half as dark
    x, y, w, h = (stats[:, i] for i in range(4))
    touches = (x == 0) | (y == 0) | (x + w == ink.shape[1]) | (y + h == ink.shape[0])
    weight = mass * np.where(touches, 0.25, 1.0)
    # A long, straight, thin line (a pen lying on the paper, a notebook's
    # margin) can outweigh the digit. It is not the digit when strokes away
    # from the border, a quarter of its weight or more, are there too (a 1
    # beside a blot, or a dark corner, is still the 1).
    line = np.zeros(n, bool)
    strokes = np.zeros(n, bool)  # stroke-like pieces...
    blots = np.zeros(n, bool)  # ...and filled ones
    candidates = np.flatnonzero((mass > 0) & (mass >= 0.05 * mass.max()))
    if len(candidates) > 1:  # a lone piece is the digit, whatever its shape
        for label in candidates:
            window = (slice(y[label], y[label] + h[label]), slice(x[label], x[label] + w[label]))
            piece = mask[window] & (labels[window] == label)
            line[label] = straight_line(piece)
            strokes[label] = stroke_width(piece) < 0.3 * max(w[label], h[label])
            blots[label] = not strokes[label]
    other = ~line & strokes & ~touches & (weight >= 0.25 * weight.max())
    if line.any() and other.any():
        weight[line] = 0
    main = int(np.argmax(weight))
    size = max(w[main], h[main])
    if mass[main] <= 0 or size < max(6, 0.02 * max(ink.shape)):
        raise NoDigitFound("no digit found: only specks, no strokes")
    # Other sizeable blobs close to it belong to the digit too, but not a
    # line beside it, reaching past both its ends and longer than it by a
    # fifth of its size (a pen seldom lies centred on the digit). One reaching
    # past each end by that much is a margin or a pen however close it lies;
    # one reaching less far must be clear of it by a fifth (the stem of a 4
    # written in two strokes is closer, and reaches past the rest at one end
    # only). Nor a blot at the border: a thumb holding the page, not a stroke.
    past = 0.2 * size
    upright = h >= w  # each line is measured along its own length
    start, length, side, breadth = (np.where(upright, a, b) for a, b in ((y, x), (h, w), (x, y), (w, h)))
    main_start, main_length, main_side, main_breadth = (
        np.where(upright, a[main], b[main]) for a, b in ((y, x), (h, w), (x, y), (w, h)))
    reach = np.minimum(main_start - start, start + length - main_start - main_length)
    clear = np.maximum(side - main_side - main_breadth, main_side - side - breadth)
    beside = line & (reach > 0) & (length > main_length + past) & ((clear > past) | (reach >= past))
    sizeable = (mass >= 0.05 * mass[main]) & ~beside & ~(blots & touches)
    keep = np.zeros(n, bool)
    keep[main] = True
    # Each piece added can bring the next (a dotted chalk line).
    for _ in range(3):
        x0, y0 = x[keep].min(), y[keep].min()
        x1, y1 = (x + w)[keep].max(), (y + h)[keep].max()
        reach = max(x1 - x0, y1 - y0) // 3
        near = (x + w > x0 - reach) & (x < x1 + reach) & (y + h > y0 - reach) & (y < y1 + reach)
        keep |= sizeable & near
    keep[0] = False
    return np.take(keep, labels) & mask
