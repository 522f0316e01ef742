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

from ._shared import (MIN_WORK_SIZE, WORK_SIZE, NoDigitFound, bounding_box, resize_longest, straight_line,
                      stroke_width)
from .cells import digits_in_cells, reaching_in
from .colour import to_8bit, to_grey
from .crop import cut_out
from .form import FINE, centre, fit_box, fix_stroke_width, straighten, tutorial
from .ground import Ground, as_it_is, cut_frame, find_ground, on_plate, runs_along
from .forms import find_form
from .frames import frame_round, plate_round
from .ink import Page, quieten, threshold_ink
from .lines import pen_on_lines, ruled_paper, without_scraps
from .segment import (TALL, WIDEST, Candidate, Writing, bounds, candidates, shape_prior, skip_costs,
                      writing_pieces)
from .strokes import Search, find_digit

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
    x, seen = _keeping_steps(_mnist, img)
    return seen if steps else x


def _keeping_steps(read, img):
    """read(img, the pictures after each stage): what it returns and the
    Steps; a NoDigitFound raised carries the steps it reached."""
    seen = Steps()
    try:
        return read(img, seen.images), seen
    except NoDigitFound as error:
        error.steps = seen
        raise


@dataclass
class _Found:
    """What stages 1 to 3 found: the picture (frame cut off) and where it
    lies in the one given, the working copy's scale, the ground, the page
    and the search for the digit."""
    img: np.ndarray
    offset: tuple
    scale: float
    ground: Ground
    page: Page
    search: Search
    box: tuple = None  # the digit cut out, (x, y, w, h) in the picture given
    coarse: bool = False  # found in the coarse working copy


def _find(img, seen, coarse=True):
    """Stages 1 to 3, first in a coarse working copy (if coarse): most
    photos' pens are bold enough there, and the search then costs a
    quarter. A thin pen, or a digit lost there, is looked for again in the
    finer copy. (The coarse copy is a whole fraction of the picture, as
    resize_longest makes it, and never smaller than MIN_WORK_SIZE: a
    picture under 512 pixels is looked at in the finer copy only.)"""
    longest = max(np.shape(img)[:2])
    if coarse and longest > COARSE_SIZE and longest / np.ceil(longest / COARSE_SIZE) >= MIN_WORK_SIZE:
        try:
            found = _find_at(img, seen, COARSE_SIZE)
            if found.search.stroke >= BOLD and _clear_of_the_edges(found.search.found):
                found.coarse = True
                return found
        except NoDigitFound:
            pass
        seen.clear()  # the steps are the finer copy's
    return _find_at(img, seen, WORK_SIZE)


def _clear_of_the_edges(found):
    """Whether what the coarse search found keeps within the picture, as a
    digit does: a hard shadow's edge across the page, or a table's, comes
    out of a coarse copy as a band of false ink joined to the digit, too
    thick for the later stages to tell from a stroke; the finer copy keeps
    it thin enough."""
    y0, y1, x0, x1 = bounding_box(found)
    h, w = found.shape
    return y1 - y0 <= EDGES * h and x1 - x0 <= EDGES * w


EDGES = 0.8  # what the coarse search found spans at most this share of the picture each way
COARSE_SIZE = 384  # the working copy's longest side, first
BOLD = 6  # a pen this wide (pixels) in the coarse copy has detail to spare


def _find_at(img, seen, largest):
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
    work, scale = resize_longest(img, MIN_WORK_SIZE, largest)
    framed, top, left = cut_frame(img, work, scale)
    if framed is not img:  # a frame was cut off: a working copy of what is left
        img = framed
        work, scale = resize_longest(img, MIN_WORK_SIZE, largest)
    ground = find_ground(work)
    page = quieten(ground.picture if ground.dark_ink else 255 - ground.picture)
    seen["ground evened out"] = page.picture

    # 3. The ink: thresholded against the paper around it, ruled lines
    # erased, the digit's strokes picked from specks, lines and thumbs.
    search = find_digit(page.picture)
    plate = plate_round(search.found)
    on = None if plate is None else on_plate(work, plate, ground.dark_ink)
    if on is not None:
        # The "ink" was a house number's plate standing out of the wall: the
        # plate is the ground, the wall around it painted over, the digits
        # its holes, the other way round from the plate.
        ground = on
        page = quieten(ground.picture if ground.dark_ink else 255 - ground.picture)
        search = find_digit(page.picture)
    if ground.around is not None and runs_along(search.found, ground.around):
        # What looked like a table runs along the digit: it is a stroke of
        # a tightly cropped digit. Read the picture as it is.
        ground = as_it_is(work)  # (a table is never found with a shadow)
        page = quieten(work if ground.dark_ink else 255 - work)
        search = find_digit(page.picture)
    seen["ink"], seen["lines removed"] = search.ink, search.without_lines
    return _Found(img, (left, top), scale, ground, page, search)


def _mnist(img, seen):
    return _form(_find(img, seen), seen)


def _form(found, seen):
    # 4. The crop at full resolution, then the MNIST form: stroke width,
    # half the slant away, a 20x20 box, the centre of mass at the centre.
    cut = cut_out(found.img, found.scale, found.ground, found.page, found.search)
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
    top, bottom, left, right = cut.box
    found.box = (left + found.offset[0], top + found.offset[1], right - left, bottom - top)
    return x


# Whole numbers -----------------------------------------------------------------

def read_number(img, steps=False):
    """Every way the picture's writing may split into digits: a Writing
    whose candidates the network's answers choose from (best_reading).

    A single digit is read as mnist() reads it; a comb or row of printed
    boxes gives one digit a cell, empty cells skipped; what is written in
    one box, on a form's line or in a frame of any shape (frames.py) is
    read as writing, without them; a house number's plate taken for ink
    is made the ground. Raises NoDigitFound as mnist() does.
    """
    writing, seen = _keeping_steps(_read_number, img)
    writing.steps = seen if steps else None
    return writing


def _read_number(img, seen, zoomed=False, ruled=False, coarse=True):
    found = _find(img, seen, coarse)
    search, scale = found.search, found.scale
    mask = search.mask
    left, top = found.offset

    def to_picture(box):  # a box in the working copy, in the picture's pixels
        x, y, w, h = box
        return (int(x / scale) + left, int(y / scale) + top,
                max(1, round(w / scale)), max(1, round(h / scale)))

    # A printed box or comb: one digit a cell. Not on ruled or squared
    # paper, whose lines make boxes of their own; but a box's two sides, in
    # a narrow picture, may have looked like ruled lines.
    form = None
    on_ruled = ruled or ruled_paper(search.lines)
    if not on_ruled:
        # Without lines to erase, the ink is the ink without lines: its mask is made already.
        ink_mask = mask if search.ink is search.without_lines else threshold_ink(search.ink, search.noise)
        form = find_form(ink_mask, search.stroke, ruled=search.lines is not None)
        if form is None:  # a frame of any shape: a plate's rim, a ring drawn round
            form = frame_round(ink_mask, search.stroke)
    cells = None
    if form is not None:
        # The form as it was found: turned level if it was photographed turned.
        on_form = [form.level(m) for m in (mask, search.without_lines, search.found)]

        def in_picture(box):
            return to_picture(form.back(box))

        # The lines taken out, but not the pen's strokes crossing them.
        crossing, along = form.pen_on_lines(on_form[0], search.stroke)
        kept = on_form[0] & (~form.lines | crossing)
        kept &= ~form.end_tops(kept & form.inside(), search.stroke)
        cells = digits_in_cells(form, kept, on_form[1], in_picture, along)
    if form is not None and cells is None and form.empty(on_form[0]):
        raise NoDigitFound("no digit found: the printed boxes are empty")
    ink, strokes, where = search.without_lines, search.found, to_picture
    if cells is not None:
        if (not form.line and len(form.cells) > 1
                and not any(c.box[2] > WIDEST * c.box[3] for c in cells.candidates[:cells.atoms])):
            return cells
        # Writing in one box (a digit, or a number: a house number on its
        # plate, an amount, a date), or on a form's line: read as any other
        # writing, without the box's lines or what is printed beside the
        # box (its label).
        inside = form.inside()
        frame = None if form.line else frame_round(on_form[0] & inside, search.stroke)
        if frame is not None:  # a frame inside the box: a plate's rim inside its edge
            inside &= frame.inside()
            kept &= ~frame.lines
            cells = digits_in_cells(frame, on_form[0] & inside, on_form[1], in_picture) or cells
        mask = reaching_in(kept, inside)  # (the writing may run on through the box's lines)
        ink, strokes = on_form[1], on_form[2] & mask
        strokes = strokes if strokes.any() else mask  # the search chose the label
        where = in_picture
    elif search.lines is not None:
        # Erasing a page's lines cuts the strokes crossing them: the pen is
        # the ink darker than the lines, whole.
        pen = float(np.percentile(search.without_lines[search.found], 90))
        mask, ink = pen_on_lines(search.ink, search.lines, search.noise, pen)
        mask = without_scraps(mask | strokes, search.stroke)
        strokes = strokes & mask
    pieces = writing_pieces(mask | strokes, ink, strokes, search.stroke, on_ruled)
    atoms, height = pieces.atoms, pieces.height
    # (Writing in a form's cell is read by the network however narrow: two
    # 1s on a form's line are no broken 0 more than they are 11.)
    apart = bool(atoms) and _apart(atoms, height)
    compact = bool(atoms) and not apart and _compact(atoms, height)
    one_digit = len(atoms) <= 1 or (cells is None and compact)
    if found.coarse and atoms and not (one_digit and compact):
        # More than one digit, perhaps (two touching digits may be one
        # piece in the coarse copy): cut in the finer copy, to the pixel.
        return _read_number(img, seen, zoomed, ruled, coarse=False)
    single = Writing(1, [Candidate(0, 0, None, None)])
    if one_digit:
        if cells is not None:
            return cells  # one wide digit in its box after all
        # One digit: read exactly as mnist() reads it.
        single.candidates[0].x = _form(found, seen)
        single.candidates[0].box = found.box
        return single
    if cells is None and not zoomed:
        closer = _zoomed(found, atoms, height, seen, on_ruled)
        if closer is not None:
            return closer
    writing = Writing(len(atoms), candidates(atoms, ink, height, where, pieces.turn),
                      skip_costs(atoms, height))
    if not writing.candidates:
        raise NoDigitFound("no digit found: only specks, no strokes")
    left_end, top_end, right_end, bottom_end = bounds(atoms)
    if cells is None and (right_end - left_end <= WIDEST * height or pieces.lone):
        try:
            # The writing may be one digit in pieces (a broken 0), or one
            # wide digit cut: one candidate is the whole of it, as mnist()
            # reads it, if what mnist() cut out is all of it.
            x = _form(found, seen)
            whole = (left_end, top_end, right_end - left_end, bottom_end - top_end)
            wx, _, ww, _ = where(whole)
            cx, _, cw, _ = found.box
            if cx <= wx + 0.05 * ww and cx + cw >= wx + 0.95 * ww:
                surer = 0.0 if apart else ONE_DIGIT
                writing.candidates.append(Candidate(0, len(atoms) - 1, x, found.box,
                                                    shape_prior(whole, height) + surer))
        except NoDigitFound:
            pass
    return writing


ONE_DIGIT = 0.5  # how much surer a split must be than reading the writing as one digit (unless _apart)
ZOOM = 2  # writing cut out of a reduced picture is read again if it gains this much resolution


def _zoomed(found, atoms, height, seen, ruled):
    """The writing read again from the picture itself, cut out round it (a
    writing's height each side), if its working copy would be at least ZOOM
    times finer: a number written small on a big page (a photo of a
    notebook) loses its digits' small loops in the reduced working copy.
    Boxes are in the given picture's pixels; None if not worth it.
    ruled: the page is ruled or squared (its cut may show too few of its
    lines to tell, and their boxes would be taken for a form's)."""
    x0, y0, x1, y1 = np.add(bounds(atoms), (-height, -height, height, height))
    h, w = found.img.shape
    left, top = max(0, int(x0 / found.scale)), max(0, int(y0 / found.scale))
    right, bottom = min(w, int(np.ceil(x1 / found.scale))), min(h, int(np.ceil(y1 / found.scale)))
    if min(1.0, WORK_SIZE / max(right - left, bottom - top)) < ZOOM * found.scale:
        return None
    writing = _read_number(found.img[top:bottom, left:right], seen, zoomed=True, ruled=ruled,
                           coarse=False)
    dx, dy = left + found.offset[0], top + found.offset[1]
    for c in writing.candidates:
        c.box = (c.box[0] + dx, c.box[1] + dy, c.box[2], c.box[3])
    return writing


COMPACT = 1.1  # writing no wider than this, relative to its height, is one digit...
APART = 0.08  # ...unless a gap this wide (of its height) parts its tall pieces


def _compact(atoms, height):
    """Whether the writing's tall pieces (not scraps of a ruled line, nor
    specks) lie within one digit's width: one digit in pieces (a thin pen's
    broken strokes, a digit crossed by ruled lines), not a number, unless
    they stand apart (_apart, asked first)."""
    left, _, right, _ = bounds(_tall(atoms, height))
    return right - left <= COMPACT * height


def _apart(atoms, height):
    """Whether a clear gap parts the writing's tall pieces side by side:
    two digits, however narrow together (a 7 and a 1, "11"). The gap may
    lean as the writing does (an italic "11", whose boxes overlap)."""
    tall = _tall(atoms, height)
    if len(tall) < 2:
        return False
    widths = [stroke_width(atom.mask) for atom in tall]
    if max(widths) > PENS_APART * min(widths):
        return False  # another pen's stroke beside the digit (a pen lying there), not a digit
    points = []
    for atom in tall:
        ys, xs = np.nonzero(atom.mask)
        points.append((xs + atom.box[0], ys + atom.box[1]))
    middle = np.mean([a.box[1] + a.box[3] / 2 for a in tall])
    for lean in SLANTS:  # across the writing, as if it were upright
        spans = sorted(((xs - lean * (ys - middle)).min(), (xs - lean * (ys - middle)).max())
                       for xs, ys in points)
        reach = spans[0][1]
        for start, end in spans[1:]:
            if start - reach - 1 > APART * height:  # (the pixels between the spans, inclusive)
                return True
            reach = max(reach, end)
    return False


SLANTS = np.linspace(-0.5, 0.5, 11)  # how far the writing may lean (0.5: 27 degrees)
PENS_APART = 2.0  # strokes this many times as wide as each other are two pens' (a number is one pen's)


def _tall(atoms, height):
    """The atoms as tall as a digit (all of them if none is)."""
    return [a for a in atoms if a.box[3] >= TALL * height] or atoms


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
