"""How well main.py reads whole numbers: house numbers, form boxes, notebook lines.

    python bench/numbers.py [--model handwriting.keras] [--per-kind 40] [--seed 0]
    python bench/numbers.py --speed     # also time a 12-megapixel photo of 6 digits
    python bench/numbers.py --form-angle 0.03   # forms photographed a little turned

Numbers of 2 to 8 digits are drawn from MNIST's *test* digits (never the
training split), and from handwriting-like fonts where the machine has any,
as people write them: wide gaps, close, touching and overlapping
neighbours, broken pencil strokes, a single digit in a printed box, a comb
of boxes (one digit a box, some left empty), ruled and squared pages,
photos taken at an angle in uneven light with a shadow, a whole
number written in one printed box (a "field": an amount, a date), one
written on a form's printed line ("Amount: ______"), and a house number
of 1 to 4 digits on a plate on a wall ("plate"). Each picture is
read as main.py reads a file; we print, for each kind, how many numbers
were read exactly, how many digits were right, and the time per picture.
"""
import os
import sys

# Run as a script, this file's folder comes first on the path, and its name
# would hide the standard library's `numbers` (which NumPy imports): the
# project's root comes first instead. (Imported as bench.numbers, the path
# is left as it is.)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if sys.path and os.path.realpath(sys.path[0] or ".") == os.path.realpath(os.path.join(ROOT, "bench")):
    sys.path[0] = ROOT

import argparse  # noqa: E402
import glob  # noqa: E402
import time  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

import main as main_py  # noqa: E402  (main.py: its model loading and reading)
import preprocessing  # noqa: E402
from bench.pictures import PENS, camera, compose, lighting, paper, place, rule, strokes  # noqa: E402

KINDS = ("spaced", "close", "touching", "overlapping", "broken", "box", "comb", "ruled",
         "angle", "font", "field", "line", "plate")
# Handwriting-like fonts, if the machine has any (URW's Z003 is a chancery hand).
FONTS = sorted(glob.glob("/usr/share/fonts/**/Z003*.[ot]tf", recursive=True)
               + glob.glob("/usr/share/fonts/**/*[Hh]and*.[ot]tf", recursive=True))
PRINTED = ((40, 40, 40), (150, 90, 40), (60, 60, 170))  # form lines: black, blue, red (BGR)
# House numbers' plates as BGR (plate, digits, wall): white on dark blue by
# a pale wall, black on white enamel by a dark one, white on green by
# sandstone, cream on black by grey render.
PLATES = (((70, 40, 30), (235, 235, 235), (170, 180, 185)),
          ((235, 235, 230), (40, 40, 40), (90, 100, 110)),
          ((40, 90, 40), (230, 230, 230), (150, 170, 190)),
          ((30, 30, 30), (200, 220, 230), (120, 120, 125)))


# Drawing a number ---------------------------------------------------------------

def digit_cover(digit, height, rng, width=None):
    """One MNIST digit as ink coverage, cropped to its ink, `height` pixels tall."""
    cover = strokes(digit, int(height * 28 / 20 * 1.2), rng, width)
    ys, xs = np.nonzero(cover > 0.05)
    return cover[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def font_cover(char, height, font):
    """A digit of a handwriting-like font as ink coverage, `height` pixels tall."""
    from PIL import Image, ImageDraw, ImageFont
    face = ImageFont.truetype(font, int(height * 1.6))
    img = Image.new("L", (int(height * 2), int(height * 2.4)), 0)
    ImageDraw.Draw(img).text((height // 3, height // 3), char, fill=255, font=face)
    cover = np.asarray(img, np.float32) / 255
    ys, xs = np.nonzero(cover > 0.05)
    cover = cover[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    scale = height / cover.shape[0]
    size = (max(1, round(cover.shape[1] * scale)), height)
    return cv2.resize(cover, size, interpolation=cv2.INTER_AREA)


def broken(cover, rng):
    """A pencil that skips: a few thin bands across the strokes left out."""
    h, w = cover.shape
    mask = np.ones((h, w), np.float32)
    for _ in range(int(rng.integers(1, 3))):
        angle = rng.uniform(0, np.pi)
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        dx, dy = np.cos(angle) * max(h, w), np.sin(angle) * max(h, w)
        cv2.line(mask, (int(cx - dx), int(cy - dy)), (int(cx + dx), int(cy + dy)), 0.0,
                 max(1, round(h * rng.uniform(0.03, 0.06))))
    return cover * mask


def line_of_digits(covers, gaps, rng, slope=0.0, wander=0.0):
    """Put digits side by side along a baseline: coverage map and each digit's box."""
    height = max(c.shape[0] for c in covers)
    width = sum(c.shape[1] for c in covers) + int(sum(gaps)) + 2 * height
    rise = int(abs(slope) * width + wander * height) + 1
    canvas = np.zeros((height * 3 + 2 * rise, width), np.float32)
    x, boxes = height, []
    for n, cover in enumerate(covers):
        h, w = cover.shape
        base = 2 * height + rise + slope * x + wander * height * np.sin(x / (3 * height))
        y = int(base) - h + int(rng.normal(0, 0.03) * height)
        canvas[y:y + h, x:x + w] = np.maximum(canvas[y:y + h, x:x + w], cover)
        boxes.append((x, y, w, h))
        x += w + int(gaps[n]) if n < len(gaps) else w
    return canvas, boxes


def photograph(cover, rng, canvas=(700, 1100), ruling=None, light=0.6, form=None,
               angle=0.0, pens=PENS[:3], **camera_args):
    """The number's ink on a page, photographed; the page is canvas (h, w).
    angle: taken that far from square-on (each corner moved up to that
    share of the picture, and turned up to a hundred times that in degrees)."""
    height, width = canvas
    cover = place(cover, height, width, (height - cover.shape[0]) // 2,
                  (width - cover.shape[1]) // 2)
    ground = paper(height, width, rng)
    if ruling:
        ground = rule(ground, rng, rng.uniform(40, 70), ruling == "squared")
    if form is not None:  # printed lines: drawn on the paper under the ink
        colour = np.asarray(PRINTED[rng.integers(len(PRINTED))], np.float32)
        form = place(form, height, width, (height - form.shape[0]) // 2,
                     (width - form.shape[1]) // 2)[:, :, None]
        ground = ground * (1 - form) + colour * form
    ink = np.asarray(pens[rng.integers(len(pens))], np.float32) + rng.uniform(-15, 15, 3)
    img = compose(cover, ground, ink, lighting(height, width, rng, light), rng)
    if angle:  # taken at an angle: a perspective, turned a little
        corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
        moved = corners + rng.uniform(-angle, angle, (4, 2)).astype(np.float32) * [width, height]
        turn = cv2.getRotationMatrix2D((width / 2, height / 2), rng.uniform(-100, 100) * angle, 1.0)
        moved = cv2.transform(moved[None], turn)[0].astype(np.float32)
        warp = cv2.getPerspectiveTransform(corners, moved)
        img = cv2.warpPerspective(img, warp, (width, height), borderMode=cv2.BORDER_REFLECT)
    return camera(img, rng, **camera_args)


def form_boxes(cells, size, rng, comb=False):
    """Printed boxes, `cells` side by side, each size x size: a full grid of
    boxes, or a comb (a base line and short teeth between the cells)."""
    line = max(2, round(size * rng.uniform(0.03, 0.05)))
    form = np.zeros((size + 2 * line, cells * size + 2 * line), np.float32)
    top, bottom = line, size + line
    for n in range(cells + 1):
        x = line + n * size
        teeth = bottom - int(size * 0.35) if comb and 0 < n < cells else top
        cv2.line(form, (x, teeth), (x, bottom), 1.0, line)
    cv2.line(form, (line, bottom), (line + cells * size, bottom), 1.0, line)
    if not comb:
        cv2.line(form, (line, top), (line + cells * size, top), 1.0, line)
    return cv2.GaussianBlur(form, (0, 0), 0.6), line


def in_a_field(cover, height, rng):
    """A line of writing inside one printed box a little higher than it,
    and, half the time, a printed label beside the box: the ink, the
    page's size (h, w) and the printed lines and label."""
    h, w = cover.shape
    line = max(2, round(height * rng.uniform(0.03, 0.05)))
    inside = (int(height * rng.uniform(1.3, 1.8)), w)
    form = np.zeros((inside[0] + 2 * line, inside[1] + 2 * line), np.float32)
    cv2.rectangle(form, (line // 2, line // 2), (form.shape[1] - 1 - line // 2, form.shape[0] - 1 - line // 2),
                  1.0, line)
    ink = np.zeros(form.shape, np.float32)
    top = (h - inside[0]) // 2  # the writing's middle in the box's middle
    ink[line:line + inside[0], line:line + w] = cover[top:top + inside[0]]
    return labelled(ink, form, height, rng)


def labelled(ink, form, height, rng):
    """Half the time, a printed label on the left of a form's printed
    lines: the ink, a page's size (h, w) round them, and the printed lines
    and label."""
    if rng.random() < 0.5:
        label = printed(("Amount:", "Date:", "Total:", "No.")[rng.integers(4)], int(height * 0.5),
                        form.shape[0])
        form, ink = np.hstack([label, form]), np.hstack([np.zeros_like(label), ink])
    page = (int(form.shape[0] * rng.uniform(1.6, 3)), int(form.shape[1] * rng.uniform(1.1, 1.4)))
    return ink, page, form


def on_a_line(cover, boxes, height, rng):
    """A line of writing standing on a printed line that reaches past it
    (a form's "Amount: ______"), and, half the time, a printed label
    before the line: the ink, the page's size (h, w) and the printed line
    and label."""
    line = max(2, round(height * rng.uniform(0.02, 0.04)))
    base = max(y + h for _, y, _, h in boxes) + int(rng.integers(-line, line + 3))
    left = max(0, min(x for x, _, _, _ in boxes) - int(height * rng.uniform(0.3, 1.0)))
    right = min(cover.shape[1] - 1, max(x + w for x, _, w, _ in boxes) + int(height * rng.uniform(0.3, 1.0)))
    form = np.zeros(cover.shape, np.float32)
    cv2.line(form, (left, base), (right, base), 1.0, line)
    return labelled(cover, cv2.GaussianBlur(form, (0, 0), 0.6), height, rng)


def on_a_plate(cover, rng, colours=None, rim=None, turn=None):
    """A house number: the number's ink on a plate with rounded corners
    (and a rim line inset, in the digits' colour, if rim; by default half
    the time) on a wall, turned `turn` degrees (by default up to 6),
    photographed: the file's bytes."""
    plate, digits, wall = colours or PLATES[rng.integers(len(PLATES))]
    rim = rng.random() < 0.5 if rim is None else rim
    turn = rng.uniform(-6, 6) if turn is None else turn
    h, w = cover.shape
    ph, pw = h + 120, w + 140
    height, width = int(ph * rng.uniform(1.6, 2.2)), int(pw * rng.uniform(1.3, 1.8))
    top, left = (height - ph) // 2, (width - pw) // 2
    shape = np.zeros((height, width), np.uint8)
    corner = 20
    cv2.rectangle(shape, (left + corner, top), (left + pw - corner, top + ph), 1, cv2.FILLED)
    cv2.rectangle(shape, (left, top + corner), (left + pw, top + ph - corner), 1, cv2.FILLED)
    for cx in (left + corner, left + pw - corner):
        for cy in (top + corner, top + ph - corner):
            cv2.circle(shape, (cx, cy), corner, 1, cv2.FILLED)
    img = np.empty((height, width, 3), np.float32)
    img[:] = wall
    img[shape > 0] = plate
    ink = np.zeros((height, width), np.float32)
    ink[top + 60:top + 60 + h, left + 70:left + 70 + w] = cover
    if rim:
        cv2.rectangle(ink, (left + 12, top + 12), (left + pw - 12, top + ph - 12), 1.0, 5)
    img = img * (1 - ink[:, :, None]) + np.float32(digits) * ink[:, :, None]
    spin = cv2.getRotationMatrix2D((width / 2, height / 2), turn, 1.0)
    img = cv2.warpAffine(img, spin, (width, height), borderMode=cv2.BORDER_REPLICATE)
    img = img * lighting(height, width, rng, 0.3)[:, :, None]
    return camera(img, rng, blur=(0.5, 1.2), noise=(2, 5), quality=(75, 92))


def printed(text, size, height):
    """A line of printed text, `size` pixels high, as ink coverage `height` rows high."""
    from PIL import Image, ImageDraw, ImageFont
    font = ImageFont.load_default(size)
    width = int(font.getlength(text)) + size
    img = Image.new("L", (width, height), 0)
    ImageDraw.Draw(img).text((size // 4, height // 2), text, fill=255, font=font, anchor="lm")
    return np.asarray(img, np.float32) / 255


def make_number(kind, x, y, rng, form_angle=0.0):
    """One picture of a number of `kind`: (file bytes, the number as text).
    form_angle: how far from square-on forms are photographed (see photograph)."""
    count = 1 if kind == "box" else int(rng.integers(1, 5) if kind == "plate" else rng.integers(2, 9))
    chosen = rng.choice(len(x), count, replace=False)
    label = "".join(str(int(y[i])) for i in chosen)
    height = int(rng.integers(60, 110))
    if kind == "font" and FONTS:
        font = FONTS[rng.integers(len(FONTS))]
        label = "".join(str(d) for d in rng.integers(0, 10, count))
        covers = [font_cover(c, height, font) for c in label]
    else:
        covers = [digit_cover(x[i], int(height * rng.uniform(0.9, 1.1)), rng) for i in chosen]
    if kind == "broken":
        covers = [broken(c, rng) for c in covers]
    widths = np.array([c.shape[1] for c in covers[1:]] + [height])
    gaps = {"spaced": rng.uniform(0.4, 1.2, count) * height,
            "close": rng.uniform(0.04, 0.15, count) * height,
            "touching": -rng.uniform(0.0, 0.08, count) * widths,
            "overlapping": -rng.uniform(0.08, 0.2, count) * widths,
            }.get(kind, rng.uniform(0.15, 0.5, count) * height)
    if kind in ("box", "comb"):
        size = int(height * 1.5)
        empty = int(rng.integers(0, 3)) if kind == "comb" else 0
        cells = count + empty
        form, line = form_boxes(cells, size, rng, comb=kind == "comb")
        cover = np.zeros(form.shape, np.float32)
        skip = sorted(rng.choice(cells, empty, replace=False)) if empty else []
        n = 0
        for cell in range(cells):
            if cell in skip:
                continue
            c = covers[n]
            n += 1
            h, w = c.shape
            top = line + (size - h) // 2 + int(rng.normal(0, 0.06) * size)
            left = line + cell * size + (size - w) // 2 + int(rng.normal(0, 0.06) * size)
            top, left = min(max(top, line), line + size - h), max(left, line + cell * size + 1)
            cover[top:top + h, left:left + w] = np.maximum(cover[top:top + h, left:left + w],
                                                           c[:, :min(w, cover.shape[1] - left)])
        page = (int(form.shape[0] * rng.uniform(1.6, 3)), int(form.shape[1] * rng.uniform(1.2, 1.6)))
        return photograph(cover, rng, page, form=form, light=0.4, angle=form_angle), label
    if kind == "field":  # a whole number in one printed box (an amount, a date)
        cover, _ = line_of_digits(covers, gaps, rng, rng.uniform(-0.02, 0.02))
        ink, page, form = in_a_field(cover, height, rng)
        return photograph(ink, rng, page, form=form, light=0.4, angle=form_angle), label
    if kind == "line":  # a whole number on a form's printed line
        cover, boxes = line_of_digits(covers, gaps, rng)
        ink, page, form = on_a_line(cover, boxes, height, rng)
        return photograph(ink, rng, page, form=form, light=0.4, angle=form_angle), label
    if kind == "plate":  # a house number on its plate, on a wall
        cover, _ = line_of_digits(covers, gaps, rng)
        ys, xs = np.nonzero(cover > 0.05)
        return on_a_plate(cover[ys.min():ys.max() + 1, xs.min():xs.max() + 1], rng), label
    slope = rng.uniform(-0.12, 0.12) if kind == "angle" else rng.uniform(-0.03, 0.03)
    wander = rng.uniform(0, 0.15) if kind == "angle" else 0.0
    cover, _ = line_of_digits(covers, gaps, rng, slope, wander)
    page = (int(cover.shape[0] * rng.uniform(1.5, 3)), int(cover.shape[1] * rng.uniform(1.05, 1.4)))
    if kind == "ruled":
        return photograph(cover, rng, page, ruling=("ruled", "squared")[rng.integers(2)]), label
    if kind == "angle":
        return photograph(cover, rng, page, light=1.0, angle=0.08, blur=(0, 1.2)), label
    return photograph(cover, rng, page), label


def make_numbers(x, y, per_kind, seed=0, kinds=KINDS, form_angle=0.0):
    """A list of (kind, file bytes, number) pictures; same seed, same pictures."""
    return [(kind, *make_number(kind, x, y, np.random.default_rng([seed, k, n]), form_angle))
            for k, kind in enumerate(KINDS) if kind in kinds for n in range(per_kind)]


# Measuring ----------------------------------------------------------------------

def digits_right(read, truth):
    """How many of the true number's digits were read, by edit distance."""
    d = np.arange(len(truth) + 1)
    for a in read:
        previous, d[0] = d.copy(), d[0] + 1
        for j, b in enumerate(truth, 1):
            d[j] = min(previous[j] + 1, d[j - 1] + 1, previous[j - 1] + (a != b))
    return max(0, len(truth) - int(d[-1]))


def measure(model, pictures):
    """Read every picture as main.py does; print a table by kind."""
    by_kind = {}
    for kind, data, number in pictures:
        start = time.perf_counter()
        result = main_py.Result("picture")
        main_py.prepare(result, preprocessing.decode_image(data), "mnist")
        main_py.read_results(model, [result])
        seconds = time.perf_counter() - start
        read = result.number or ""
        row = by_kind.setdefault(kind, [0, 0, 0, 0, 0.0])
        row[0] += 1
        row[1] += read == number
        row[2] += digits_right(read, number)
        row[3] += len(number)
        row[4] += seconds
    print(f"{'kind':12} {'n':>4} {'numbers':>8} {'digits':>8} {'ms/picture':>11}")
    total = np.zeros(5)
    for kind, row in by_kind.items():
        total += row
        print(f"{kind:12} {row[0]:4d} {row[1] / row[0]:8.1%} {row[2] / row[3]:8.1%} "
              f"{1000 * row[4] / row[0]:11.0f}")
    print(f"{'overall':12} {int(total[0]):4d} {total[1] / total[0]:8.1%} "
          f"{total[2] / total[3]:8.1%} {1000 * total[4] / total[0]:11.0f}")
    return total[1] / total[0]


def speed(x, y, repeats=5):
    """Time a 12-megapixel photo (4000x3000 JPEG) of a 6-digit number, one core."""
    cv2.setNumThreads(1)
    rng = np.random.default_rng(0)
    covers = [digit_cover(x[i], 400, rng) for i in range(6)]
    cover, _ = line_of_digits(covers, rng.uniform(60, 150, 6), rng)
    data = photograph(cover, rng, (3000, 4000), quality=(90, 91))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        img = preprocessing.decode_image(data)
        middle = time.perf_counter()
        prepared = preprocessing.read_number(img)
        times.append((middle - start, time.perf_counter() - middle))
    decode, prepare = min(t[0] for t in times), min(t[1] for t in times)
    print(f"\n12 MP photo of {''.join(str(int(d)) for d in y[:6])}, one OpenCV thread, best of "
          f"{repeats}: {1000 * (decode + prepare):.0f} ms (decode_image {1000 * decode:.0f} ms, "
          f"read_number() {1000 * prepare:.0f} ms, {prepared.atoms} atoms, {len(prepared.candidates)} candidates; "
          f"{len(data) // 1024} kB JPEG)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.path.join(ROOT, "handwriting.keras"),
                        help="trained model (default: handwriting.keras beside main.py)")
    parser.add_argument("--per-kind", type=int, default=40,
                        help="pictures of each kind (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="which pictures (default: %(default)s)")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=KINDS,
                        help="measure only these kinds (default: all)")
    parser.add_argument("--form-angle", type=float, default=0.0, metavar="A",
                        help="photograph boxes, combs and fields this far from square-on, as "
                             "--form-angle 0.03: corners moved 3%%, turned up to 3 degrees "
                             "(default: %(default)s)")
    parser.add_argument("--save", metavar="DIR", help="also write the pictures into DIR")
    parser.add_argument("--speed", action="store_true", help="also time a 12 MP photo")
    args = parser.parse_args()
    with np.load(os.path.join(ROOT, "mnist.npz")) as data:
        x, y = data["x_test"], data["y_test"]  # the test split only
    pictures = make_numbers(x, y, args.per_kind, args.seed, args.kinds, args.form_angle)
    if args.save:
        os.makedirs(args.save, exist_ok=True)
        for n, (kind, data, number) in enumerate(pictures):
            with open(os.path.join(args.save, f"{kind}-{n}-{number}.jpg"), "wb") as f:
                f.write(data)
    model = main_py.load_model(args.model)
    print(f"{len(pictures)} pictures of numbers, seed {args.seed}, model {args.model}"
          + ("" if FONTS else " (no handwriting-like font on this machine)"))
    measure(model, pictures)
    if args.speed:
        speed(x, y)


if __name__ == "__main__":
    main()
