"""Cropping: the digit cut from the full-resolution picture and cleaned.

The digit is searched for in a working copy of modest size, then cut with a
margin from the full-resolution picture, so a small digit in a big photo
keeps its detail. There it is thresholded again, ruled lines and a thumb
holding the page are taken away, and the ink's grey levels are stretched as
MNIST's strokes are: solid inside, one anti-aliased pixel at the edge.
"""
from typing import NamedTuple

import cv2
import numpy as np

from ._shared import NoDigitFound, bounding_box, stroke_width
from .ground import relight
from .ink import ink_map, paper_under_ink, threshold_ink
from .lines import find_lines, without_lines

DIGIT_SIZE = 160  # longest side of the digit while it is cleaned up (8 x 20)


class Cut(NamedTuple):
    """A digit cut out: its ink (0..1 on 0), its strokes' width in pixels,
    and where it was cut from the picture (top, bottom, left, right)."""
    digit: np.ndarray
    width: float
    box: tuple


def cut_out(img, scale, ground, page, search):
    """Cut the digit that `search` found in `page` out of the picture `img`
    (the page's working copy is img at `scale`) and clean it.

    Returns a Cut: the digit as ink 0..1 on zero, its longest side about
    DIGIT_SIZE pixels, its stroke width, and where it was in img.
    """
    work, found, stroke, noise, lines = (page.picture, search.found, search.stroke,
                                         search.noise, search.lines)
    # Crop with a margin, from the full-resolution picture unless the
    # working copy (shrunk from it) has detail enough, and bring the digit to
    # DIGIT_SIZE.
    y0, y1, x0, x1 = bounding_box(found)
    found_size = max(y1 - y0, x1 - x0)
    margin = 0.15 * found_size + 2
    top = max(0, int((y0 - margin) / scale))
    bottom = min(img.shape[0], int((y1 + margin) / scale) + 1)
    left = max(0, int((x0 - margin) / scale))
    right = min(img.shape[1], int((x1 + margin) / scale) + 1)
    window = (slice(int(top * scale), int(np.ceil(bottom * scale))),  # the crop in `work`
              slice(int(left * scale), int(np.ceil(right * scale))))
    if found_size >= DIGIT_SIZE and scale < 1:
        crop = work[window]
        zoom = DIGIT_SIZE / found_size
        factor = zoom  # from working-copy pixels to crop pixels
    else:
        crop = img[top:bottom, left:right]
        if ground.shadow is not None:  # lit up as the working copy was
            crop = relight(crop, ground.shadow, (top, left), max(img.shape))
        crop = crop if ground.dark_ink else 255 - crop
        if page.smoothing > 0:  # as smooth as the working copy
            crop = cv2.GaussianBlur(crop, (0, 0), page.smoothing / scale)
        zoom = DIGIT_SIZE * scale / found_size
        factor = zoom / scale
    # Enlarging repeats pixels (nearest): the final shrink to 20 pixels then
    # averages them back exactly, where smoother enlarging would blur twice.
    size = (max(1, round(crop.shape[1] * zoom)), max(1, round(crop.shape[0] * zoom)))
    crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA if zoom < 1 else cv2.INTER_NEAREST)
    where = cv2.resize(found[window].astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
    near_found = cv2.dilate(where, np.ones((5, 5), np.uint8)) > 0

    # Threshold again at this finer scale (a paper window half as wide
    # again as the strokes, to be sure to close the widest parts), keeping
    # the pieces that overlap what was found. Ruled lines cross the whole
    # crop, which the digit, with a margin all round, does not.
    # Shadows' sharp edges are kept sharp here only: in the search for the
    # digit they cost more than they gained (a thumb at the edge).
    ink = ink_map(crop, paper_under_ink(crop, 1.5 * stroke * factor, sharp_shadows=True))
    if ground.around is not None:  # the table or wall: the full-resolution picture still shows it
        ink[cv2.resize(ground.around[window].astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0] = 0
    if lines is not None:  # the paper is ruled: look for its lines in the crop too
        lines = cv2.dilate(cv2.resize(lines[window], size, interpolation=cv2.INTER_NEAREST),
                           np.ones((3, 3), np.uint8))
        crop_lines = find_lines(ink, noise, thin=max(2, round(0.06 * max(ink.shape))),
                                expected=True)
        if crop_lines is not None:
            lines = np.maximum(lines, crop_lines)
        ink = without_lines(ink, lines, noise, near_found)
    mask = threshold_ink(ink, noise)
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[labels[mask & near_found]] = True
    keep[0] = False
    mask = np.take(keep, labels)
    # A thumb holding the page can touch the digit, and is then joined to it.
    edges = (top == 0, bottom == img.shape[0], left == 0, right == img.shape[1])
    if any(edges) and mask.any():
        mask = _without_thumb(mask, ink, edges)
    if not mask.any():
        raise NoDigitFound("no digit found: only specks, no strokes")

    # Zero the background and keep the ink's grey levels, stretched as MNIST
    # strokes are: solid inside, one anti-aliased pixel at the edge. Ink at 80%
    # of the strokes' typical darkness nearby counts as full, under 20% as none.
    width = stroke_width(mask)
    level = _strokes_level(ink, mask, width)
    rim = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    digit = np.where(rim, np.clip((ink / level - 0.2) / 0.6, 0, 1), 0)
    return Cut(digit.astype(np.float32), width, (top, bottom, left, right))


def _without_thumb(mask, ink, edges):
    """The strokes without a thumb joined to them: a patch far wider than
    the strokes (and than a tenth of the digit), running off the picture at
    one of its `edges` (top, bottom, left, right: True where the crop
    reaches the picture's edge), and paler than the strokes. A marker's
    filled loop is as dark as its strokes, and lies inside the picture."""
    # The strokes' half width: the typical distance to the paper along their
    # middles (a thumb's middle is short). A wide patch reaches more than 2.5
    # times as far from the paper.
    dist = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 5)
    middle = (dist > 0) & (dist >= cv2.dilate(dist, np.ones((3, 3), np.uint8)))
    r = int(max(2.5 * np.median(dist[middle]), 0.05 * DIGIT_SIZE))
    wide = cv2.dilate((dist > r).astype(np.uint8),
                      cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))) & mask
    _, labels = cv2.connectedComponents(wide)
    border = np.zeros(mask.shape, bool)
    for edge, side in zip(edges, ((0, slice(None)), (-1, slice(None)), (slice(None), 0), (slice(None), -1))):
        if edge:
            border[side] = True
    patches = np.unique(labels[border & (wide > 0)])
    patches = patches[patches > 0]
    strokes = mask & ~np.isin(labels, patches)
    if not len(patches) or not strokes.any():
        return mask
    pale = 0.6 * np.percentile(ink[strokes], 90)
    for patch in patches:
        there = labels == patch
        if np.median(ink[there]) < pale:
            # With its blurred rim; a stroke crossing it is darker.
            around = cv2.dilate(there.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
            mask = mask & ~(around & (ink < pale))
    return mask


def _strokes_level(ink, mask, width):
    """The strokes' typical darkness around each pixel.

    A flash or a glare adds light to the ink as to the paper, so the ink
    looks paler there, relative to the paper, than elsewhere in the digit;
    MNIST's strokes are as solid all along. Around each pixel: the darkest
    ink within two and a half stroke widths (nearer, a stroke's thin parts
    would come out as solid as its thick ones, which MNIST's do not), averaged
    over a few widths, never above the digit's typical darkness (90th
    percentile) and at least half of it.
    """
    level = max(float(np.percentile(ink[mask], 90)), 1e-6)
    smooth = cv2.GaussianBlur(ink, (0, 0), max(0.5, width / 6))  # not one grain's darkness
    # Worked out on a copy where strokes are 4 pixels wide (the level is
    # smooth), keeping each small square's darkest ink: a fifteenth of the
    # time it takes at full size.
    f = min(1.0, 4 / max(width, 1.0))
    size = (max(1, round(ink.shape[1] * f)), max(1, round(ink.shape[0] * f)))
    square = np.ones((int(np.ceil(1 / f)),) * 2, np.uint8)
    darkest, there = (cv2.resize(cv2.dilate(v, square), size, interpolation=cv2.INTER_NEAREST)
                      for v in (np.where(mask, smooth, 0).astype(np.float32), mask.astype(np.uint8)))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (int(round(5 * width * f)) | 1,) * 2)
    sigma = 5 * width * f / 3
    total = cv2.GaussianBlur(cv2.dilate(darkest, disc), (0, 0), sigma)
    weight = cv2.GaussianBlur(cv2.dilate(there, disc).astype(np.float32), (0, 0), sigma)
    average = cv2.resize(total / np.maximum(weight, 1e-3), ink.shape[::-1], interpolation=cv2.INTER_LINEAR)
    return np.clip(average, 0.5 * level, level)
