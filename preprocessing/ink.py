"""The ink: how much darker than the paper each pixel is, and which pixels are ink.

Ink is always handled as dark on light here (a light-on-dark picture is
inverted first) and measured relative to the paper around it, which undoes
shadows and uneven light: 0 is paper, 1 is black. A noisy photo (a dark
room's) is smoothed first; the threshold keeps faint parts of strokes joined
to strong ones, never paper grain, and drops the dark strips along the
picture's border.
"""
from dataclasses import dataclass

import cv2
import numpy as np

from ._shared import components_with_stats, robust_sigma


@dataclass
class Page:
    """The ground as the ink is looked for on it: dark ink on light paper
    (picture), blurred by `smoothing` pixels if it was noisy (0: not)."""
    picture: np.ndarray
    smoothing: float = 0.0


def paper_under_ink(img, stroke, sharp_shadows=False):
    """Paper level under dark strokes of about `stroke` pixels: close them
    over with the paper around them.

    Done on a copy where strokes are 3 pixels wide, with a 9-pixel window:
    wider than any stroke, yet fine enough to follow shadows. With
    `sharp_shadows`, a shadow's sharp edge stays sharp.
    """
    f = min(1.0, 3 / max(stroke, 1.0))
    small = img
    if f < 1:
        size = (max(1, round(img.shape[1] * f)), max(1, round(img.shape[0] * f)))
        small = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    # Closing lifts the level to the brightest grain; opening brings it back.
    # A replicated edge lets light that fades towards the edge stay faded.
    k = 9
    square = np.ones((k, k), np.uint8)
    level = cv2.copyMakeBorder(small, k, k, k, k, cv2.BORDER_REPLICATE)
    level = cv2.morphologyEx(level, cv2.MORPH_CLOSE, square)
    level = cv2.morphologyEx(level, cv2.MORPH_OPEN, square)
    mean = cv2.blur(level, (7, 7))
    if sharp_shadows:
        # A mean spreads a shadow's edge into a band of false ink beside it;
        # a median keeps the edge, but follows the grain of a noisy photo.
        # Where the two differ by more than grain (6% and 3 levels), the
        # paper changes sharply there: take the median.
        median = cv2.medianBlur(level, 7)
        step = np.abs(mean.astype(np.int16) - median) > 0.06 * mean + 3
        mean = np.where(step, median, mean)
    level = mean[k:-k, k:-k]
    return cv2.resize(level, img.shape[::-1], interpolation=cv2.INTER_LINEAR)


def ink_map(dark_on_light, paper):
    """How much darker than the paper each pixel is, relative to the paper:
    0 is paper, 1 is black (negative: lighter than the paper). Dividing by
    the paper level undoes shadows."""
    paper = np.maximum(paper.astype(np.float32), 1.0)
    return (paper - dark_on_light) / paper


# Noise ------------------------------------------------------------------------

QUIET = 0.03  # pixel noise, relative to the paper, that thresholds cope with


def quieten(ground):
    """Smooth a noisy picture (a photo taken in a dark room): its noise
    riddles the strokes with holes, and they then look thin and faint, or
    like specks. Returns the Page the ink is looked for on.

    The noise is what a blur takes away, measured against the paper;
    ruled lines and the paper's grain hardly count, being few or coarse.
    """
    blurred = cv2.GaussianBlur(ground, (0, 0), 2)
    paper = max(float(np.median(ground[::4, ::4])), 1.0)
    noise = robust_sigma(ground.astype(np.int16) - blurred) / paper
    if noise <= QUIET:
        return Page(ground)
    # At twice the noise thresholds cope with, a blur of one pixel; never
    # more than two, as strokes may be only a few pixels wide.
    sigma = min(0.5 * noise / QUIET, 2.0)
    return Page(cv2.GaussianBlur(ground, (0, 0), sigma), sigma)


# The threshold ------------------------------------------------------------------

def _paper_side(ink):
    """The paper's part of an ink map. That is nearly all of it in most
    pictures; but a bold digit cropped tightly can be mostly ink, and then
    only the side of Otsu's split nearer to paper is."""
    if np.mean(ink > 0.3) < 0.2:
        return ink
    return ink[ink < _otsu_level(ink)]


def _otsu_level(ink):
    """Otsu's split of an ink map into paper and ink."""
    values = np.clip(ink * 255, 0, 255).astype(np.uint8)
    return cv2.threshold(values, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0] / 255


def threshold_ink(ink, noise):
    """Hysteresis threshold: keep faint stroke parts joined to strong ones.

    Otsu splits ink from paper; the noise level sets a floor so that paper
    grain never counts as ink. Long pieces lying along the picture's border
    are its edge (a strip of table beyond the sheet, a scanner's frame), not
    ink: they are dropped.
    """
    strong = max(_otsu_level(ink), 5 * noise, 0.06)
    weak = max(strong / 2, 3 * noise, 0.03)
    weak_ink = (ink >= weak).astype(np.uint8)
    n, labels = cv2.connectedComponents(weak_ink, connectivity=8)
    keep = np.zeros(n, bool)
    keep[labels[ink >= strong]] = True
    keep[0] = False
    mask = np.take(keep, labels)  # (np.take: twice as fast as keep[labels])
    # Along the border: a piece longer than a quarter of the picture, more
    # than half of it within 3% of the edge (so at least an eighth of the
    # picture's length there: only if there is one are pieces measured).
    h, w = ink.shape
    longest = max(h, w)
    by, bx = max(2, round(0.03 * h)), max(2, round(0.03 * w))
    inside = np.zeros(ink.shape, bool)
    inside[by:-by, bx:-bx] = True
    if (keep & (np.bincount(labels[mask & ~inside], minlength=n) >= longest / 8)).any():
        n, labels, stats, _ = components_with_stats(weak_ink)
        near = np.bincount(labels[mask & ~inside], minlength=n)
        edge = ((np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) >= longest / 4)
                & (near > 0.5 * stats[:, cv2.CC_STAT_AREA]))
        edge[0] = False
        mask &= ~np.take(edge, labels)
    return mask
