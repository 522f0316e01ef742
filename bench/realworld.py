"""How well the trained network reads realistic pictures of digits.

    python bench/realworld.py [--model handwriting.keras] [--per-kind 100]
    python bench/realworld.py --speed     # also time 12-megapixel photos
    python bench/realworld.py --kinds plain --per-kind 10000  # every test digit, plainly

MNIST's test digits (never the training split) are redrawn as people's own
pictures: pen on uneven paper photographed with noise, blur and JPEG;
coloured pens; thin and thick strokes; strokes on a transparent canvas; chalk
on a board; digits small, large or off to one side; ruled and squared paper;
a sheet of paper lying on a table. Each picture is encoded to file bytes and
read back as main.py reads a file. Both preprocessing methods then go through
the model in one batched call each, and we print the accuracy of each kind
of picture, beside the model's accuracy on the same digits as they are in
MNIST (the "original" column: the best to hope for).
Blank pictures check that no digit is claimed where there is none.
"""
import argparse
import os
import sys
import time

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import main as main_py  # noqa: E402  (main.py: its model loading and prediction)
import preprocessing  # noqa: E402

KINDS = ("plain", "paper", "pen", "thin", "thick", "transparent", "chalk",
         "small", "large", "off-centre", "lined", "table", "pale")
# Pen colours as BGR: blue, black, red, green, purple, dark grey.
PENS = ((140, 40, 20), (30, 30, 30), (40, 30, 190), (40, 120, 30),
        (120, 40, 110), (70, 70, 70))
# Felt-tips nearly as bright as paper, as BGR: yellow, orange, pink, light
# blue, light green (brightness 205, 158, 158, 161 and 176 of 255).
PALE = ((0, 215, 255), (0, 140, 255), (180, 105, 255), (230, 170, 90), (100, 220, 100))
# Tables as BGR: dark wood, mid wood, light wood, grey, light grey, black.
TABLES = ((40, 70, 110), (60, 110, 150), (120, 170, 200), (90, 90, 95), (150, 160, 165),
          (30, 30, 30))


# Drawing a digit as strokes ---------------------------------------------------

def strokes(digit, size, rng, width=None):
    """Redraw a 28x28 MNIST digit as smooth strokes on a size x size canvas.

    Returns ink coverage 0..1. MNIST's 20-pixel box becomes 20/28 of `size`.
    `width`: the pen's width as a fraction of `size` (None: the digit's own).
    """
    level = rng.uniform(90, 150)
    big = cv2.resize(digit, (size, size), interpolation=cv2.INTER_CUBIC)
    big = cv2.GaussianBlur(big, (0, 0), size / 80)  # smooth outline, no pixel steps
    shape = (big > level).astype(np.uint8)
    if width is not None:
        pen = width * size
        own = preprocessing.stroke_width(shape)
        if pen < own:
            # A finer pen: follow the digit's skeleton, found at 4x MNIST's
            # resolution where the outline has no bumps to grow spurs.
            mid = cv2.resize(digit, (112, 112), interpolation=cv2.INTER_CUBIC) > level
            line = cv2.resize(skeleton(mid).astype(np.float32), (size, size),
                              interpolation=cv2.INTER_LINEAR)
            shape = (line > 0.2).astype(np.uint8)
            own = size / 112
        r = max(0, round((pen - own) / 2))
        shape = cv2.dilate(shape, cv2.getStructuringElement(
            cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    # Anti-aliased edges, like any camera or drawing app.
    return cv2.GaussianBlur(shape.astype(np.float32), (0, 0), max(0.6, size / 400))


def skeleton(shape):
    """Thin a binary shape to a one-pixel line (Zhang and Suen, 1984)."""
    img = np.pad(shape.astype(bool), 1)
    while True:
        changed = False
        for step in (0, 1):
            p = [np.roll(np.roll(img, -dy, 0), -dx, 1) for dy, dx in
                 ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))]
            count = sum(q.astype(np.uint8) for q in p)
            transitions = sum((~p[i] & p[(i + 1) % 8]).astype(np.uint8) for i in range(8))
            if step == 0:
                a, b = p[0] & p[2] & p[4], p[2] & p[4] & p[6]
            else:
                a, b = p[0] & p[2] & p[6], p[0] & p[4] & p[6]
            remove = img & (count >= 2) & (count <= 6) & (transitions == 1) & ~a & ~b
            if remove.any():
                img &= ~remove
                changed = True
        if not changed:
            return img[1:-1, 1:-1].astype(np.uint8)


def place(cover, height, width, y, x):
    """Put a coverage map on a larger canvas at (y, x), clipping at the edges."""
    canvas = np.zeros((height, width), np.float32)
    h, w = cover.shape
    y0, x0 = max(0, y), max(0, x)
    y1, x1 = min(height, y + h), min(width, x + w)
    canvas[y0:y1, x0:x1] = cover[y0 - y:y1 - y, x0 - x:x1 - x]
    return canvas


# Paper, light and camera -------------------------------------------------------

def smooth_noise(height, width, rng, cells=6):
    """Low-frequency noise in -1..1: texture, pen pressure, uneven light."""
    coarse = rng.uniform(-1, 1, (cells, cells)).astype(np.float32)
    return cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)


def lighting(height, width, rng, strength):
    """Brightness 0..1 across the picture: a gradient, a vignette, a shadow."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    ys, xs = ys / height - 0.5, xs / width - 0.5
    angle = rng.uniform(0, 2 * np.pi)
    light = 1 - strength * rng.uniform(0.2, 0.6) * (np.cos(angle) * xs + np.sin(angle) * ys + 0.5)
    light *= 1 - strength * rng.uniform(0, 0.5) * (xs ** 2 + ys ** 2)
    if rng.random() < 0.5 * strength:  # a soft shadow, e.g. of the phone
        angle = rng.uniform(0, 2 * np.pi)
        edge = np.cos(angle) * xs + np.sin(angle) * ys - rng.uniform(0.15, 0.45)
        softness = rng.uniform(0.01, 0.08)
        light *= 1 - rng.uniform(0.2, 0.45) / (1 + np.exp(-edge / softness))
    return light


def compose(cover, ground, ink, light, rng):
    """Ink on a coloured ground under uneven light: a BGR float picture."""
    pressure = 1 - 0.25 * np.abs(smooth_noise(*cover.shape, rng, 8))
    cover = (cover * pressure)[:, :, None]
    img = ground * (1 - cover) + np.asarray(ink, np.float32) * cover
    return img * light[:, :, None]


def camera(img, rng, blur=(0, 1.5), noise=(1, 8), quality=(35, 95)):
    """Blur, sensor noise and JPEG compression: the picture's file bytes."""
    sigma = rng.uniform(*blur)
    if sigma > 0.3:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    img = img + rng.uniform(*noise) * rng.standard_normal(img.shape, dtype=np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    return encode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(*quality))])


def encode(ext, img, params=()):
    """The picture's file bytes, as a camera or a drawing app saves them."""
    ok, data = cv2.imencode(ext, img, list(params))
    if not ok:
        raise RuntimeError(f"OpenCV could not encode a {ext} picture")
    return data.tobytes()


def paper(height, width, rng):
    """Off-white paper with some grain."""
    tint = rng.uniform(200, 250) + rng.uniform(-12, 12, 3)
    grain = 6 * smooth_noise(height, width, rng, 40)[:, :, None]
    return np.clip(tint + grain, 0, 255).astype(np.float32)


def rule(ground, rng, spacing, squared):
    """Draw a notebook's lines on paper: ruled, or squared as graph paper,
    thin, pale, and a little tilted, as in a photo."""
    height, width = ground.shape[:2]
    lines = np.zeros((height, width), np.float32)
    thickness = max(1, round(rng.uniform(1, 3) * width / 500))
    tilt = np.tan(np.radians(rng.uniform(-3, 3)))
    reach = int(abs(tilt) * max(height, width)) + 1
    for y in np.arange(rng.uniform(0, spacing) - reach, height + reach, spacing):
        cv2.line(lines, (0, int(y)), (width, int(y + tilt * width)), 1.0, thickness)
    if squared:
        for x in np.arange(rng.uniform(0, spacing) - reach, width + reach, spacing):
            cv2.line(lines, (int(x), 0), (int(x - tilt * height), height), 1.0, thickness)
    lines = cv2.GaussianBlur(lines, (0, 0), 0.7)[:, :, None]
    colour = np.asarray([(220, 170, 120), (190, 190, 190), (200, 150, 160)][rng.integers(3)],
                        np.float32)
    return ground * (1 - lines) + colour * (ground / 255) * lines


def on_paper(digit, rng, canvas, digit_size, where="centre", width=None,
             pens=PENS[:2], light=1.0, height=None, ruling=None, **camera_args):
    """A digit in pen on paper, photographed; `where` places it.

    ruling: None for plain paper, "ruled" or "squared" for a notebook's.
    """
    height = height or int(canvas * rng.uniform(0.75, 1.0))
    digit_size = min(digit_size, int(0.9 * height))  # the digit fits the picture
    size = int(digit_size * 28 / 20)  # the digit's 20-pixel box becomes digit_size
    cover = strokes(digit, size, rng, width)
    margin = size // 7  # MNIST's own border around the 20-pixel box
    if where == "centre":
        y = (height - size) // 2 + int(rng.normal(0, 0.05) * height)
        x = (canvas - size) // 2 + int(rng.normal(0, 0.05) * canvas)
        y = min(max(y, -margin), height - size + margin)
        x = min(max(x, -margin), canvas - size + margin)
    elif where == "anywhere":
        y = int(rng.integers(-size // 7, max(1, height - size * 6 // 7)))
        x = int(rng.integers(-size // 7, max(1, canvas - size * 6 // 7)))
    else:  # off to one side: near an edge or a corner
        y = int(rng.choice([-margin, height - size + margin, (height - size) // 2]))
        x = int(rng.choice([-margin, canvas - size + margin]))
    cover = place(cover, height, canvas, y, x)
    pen = pens[rng.integers(len(pens))]
    ink = np.asarray(pen, np.float32) + rng.uniform(-15, 15, 3)
    ground = paper(height, canvas, rng)
    if ruling:
        ground = rule(ground, rng, digit_size * rng.uniform(0.3, 0.6), ruling == "squared")
    img = compose(cover, ground, ink, lighting(height, canvas, rng, light), rng)
    return camera(img, rng, **camera_args)


# Each kind of picture -----------------------------------------------------------

def plain(digit, rng):
    """The MNIST digit itself, dark on white: what the tutorial expects."""
    return encode(".png", 255 - digit)


def photo(digit, rng):
    """Dark pen on paper in strong, uneven light, blurred, noisy, low JPEG."""
    c = int(rng.integers(200, 800))
    return on_paper(digit, rng, c, int(c * rng.uniform(0.3, 0.7)), light=1.0,
                    blur=(0, 2), noise=(2, 12), quality=(30, 90))


def pen(digit, rng):
    """Coloured pens on paper."""
    c = int(rng.integers(200, 700))
    return on_paper(digit, rng, c, int(c * rng.uniform(0.3, 0.7)), pens=PENS,
                    light=0.5)


def thin(digit, rng):
    """A fine pen on a big digit: strokes 2% to 6% of the digit's height."""
    c = int(rng.integers(300, 800))
    return on_paper(digit, rng, c, int(c * rng.uniform(0.4, 0.7)), pens=PENS,
                    width=rng.uniform(0.012, 0.04), light=0.5, blur=(0, 0.8))


def thick(digit, rng):
    """A marker: strokes 18% to 28% of the digit's height."""
    c = int(rng.integers(200, 600))
    return on_paper(digit, rng, c, int(c * rng.uniform(0.35, 0.6)), pens=PENS,
                    width=rng.uniform(0.13, 0.2), light=0.5)


def transparent(digit, rng):
    """Strokes from a drawing app: colour where drawn, alpha 0 elsewhere."""
    c = int(rng.integers(200, 600))
    size = int(c * rng.uniform(0.5, 0.9))
    width = rng.uniform(0.03, 0.1) if rng.random() < 0.7 else None
    cover = strokes(digit, size, rng, width)
    cover = place(cover, c, c, (c - size) // 2, (c - size) // 2)
    colour = (PENS + ((255, 255, 255), (60, 200, 240)))[rng.integers(len(PENS) + 2)]
    hidden = 0 if rng.random() < 0.7 else 255  # colour stored under alpha 0
    img = np.empty((c, c, 4), np.uint8)
    img[:, :, :3] = np.where(cover[:, :, None] > 0, colour, hidden).astype(np.uint8)
    img[:, :, 3] = np.clip(cover * 255, 0, 255).astype(np.uint8)
    return encode(".png", img)


def chalk(digit, rng):
    """White chalk on a dark board: broken strokes, smudges, glare."""
    c = int(rng.integers(250, 700))
    height = int(c * rng.uniform(0.75, 1.0))
    size = int(c * rng.uniform(0.35, 0.6) * 28 / 20)
    cover = strokes(digit, size, rng, rng.uniform(0.05, 0.1) if rng.random() < 0.5 else None)
    cover = place(cover, height, c, (height - size) // 2 + int(rng.normal(0, 0.04) * height),
                  (c - size) // 2 + int(rng.normal(0, 0.04) * c))
    # Chalk leaves gaps where the board's grain is low.
    grain = rng.random((height, c)).astype(np.float32)
    cover *= np.clip(0.45 + grain + 0.3 * smooth_noise(height, c, rng, 30), 0, 1)
    board = np.asarray([(45, 60, 40), (40, 40, 40), (50, 45, 30)][rng.integers(3)], np.float32)
    ground = board + 25 * np.clip(smooth_noise(height, c, rng, 5), 0, 1)[:, :, None]  # old smudges
    ground = ground + 6 * smooth_noise(height, c, rng, 60)[:, :, None]
    img = compose(cover, ground, (235, 240, 235), lighting(height, c, rng, 0.6), rng)
    return camera(img, rng, blur=(0, 1.5), noise=(2, 8), quality=(40, 90))


def small(digit, rng):
    """A digit 20 to 45 pixels high, anywhere on a big page."""
    c = int(rng.integers(300, 800))
    return on_paper(digit, rng, c, int(rng.integers(20, 45)), where="anywhere",
                    pens=PENS, light=0.6, blur=(0, 0.7), noise=(1, 6), quality=(60, 95))


def large(digit, rng):
    """A digit filling most of a small picture."""
    c = int(rng.integers(100, 400))
    return on_paper(digit, rng, c, int(c * rng.uniform(0.7, 0.85)), pens=PENS, light=0.6)


def off_centre(digit, rng):
    """A digit against an edge or in a corner."""
    c = int(rng.integers(300, 700))
    return on_paper(digit, rng, c, int(c * rng.uniform(0.15, 0.35)), where="side",
                    pens=PENS, light=0.6)


def lined(digit, rng):
    """A notebook's ruled or squared paper: lines run through the digit."""
    c = int(rng.integers(300, 700))
    return on_paper(digit, rng, c, int(c * rng.uniform(0.3, 0.6)), pens=PENS, light=0.6,
                    ruling=("ruled", "squared")[rng.integers(2)])


def table(digit, rng):
    """A sheet of paper on a darker table: all of the sheet in the picture,
    or a bigger sheet with the table along one or two edges."""
    c = int(rng.integers(300, 800))
    height = int(c * rng.uniform(0.75, 1.0))
    if rng.random() < 0.5:  # the whole sheet, turned a little
        sheet = (c * rng.uniform(0.55, 0.85), height * rng.uniform(0.55, 0.85))
        middle = (c / 2 + rng.normal(0, 0.05) * c, height / 2 + rng.normal(0, 0.05) * height)
    else:  # the sheet runs off the picture on two or three sides
        sheet = (1.3 * c, 1.3 * height)
        middle = (c / 2 + rng.choice([-1, 0, 1]) * rng.uniform(0.15, 0.3) * c,
                  height / 2 + rng.choice([-1, 1]) * rng.uniform(0.15, 0.3) * height)
    corners = cv2.boxPoints((middle, sheet, rng.uniform(-15, 15)))
    paper_mask = np.zeros((height, c), np.uint8)
    cv2.fillPoly(paper_mask, [np.round(corners).astype(np.int32)], 1)
    on_sheet = cv2.GaussianBlur(paper_mask.astype(np.float32), (0, 0), 1.0)[:, :, None]
    wood = np.asarray(TABLES[rng.integers(len(TABLES))], np.float32) + rng.uniform(-10, 10, 3)
    wood = wood + 15 * smooth_noise(height, c, rng, 30)[:, :, None]
    ground = paper(height, c, rng) * on_sheet + wood * (1 - on_sheet)
    # The digit in the middle of the part of the sheet in the picture.
    ys, xs = np.nonzero(paper_mask)
    visible = min(xs.max() - xs.min(), ys.max() - ys.min())
    size = int(visible * rng.uniform(0.3, 0.55) * 28 / 20)
    cover = strokes(digit, size, rng)
    cover = place(cover, height, c, (ys.min() + ys.max() - size) // 2,
                  (xs.min() + xs.max() - size) // 2)
    ink = np.asarray(PENS[rng.integers(len(PENS))], np.float32) + rng.uniform(-15, 15, 3)
    img = compose(cover, ground, ink, lighting(height, c, rng, 0.6), rng)
    return camera(img, rng, blur=(0, 1.2), noise=(1, 6), quality=(50, 95))


def pale(digit, rng):
    """Pale felt-tips on paper: by brightness alone, hardly darker than it."""
    c = int(rng.integers(200, 700))
    return on_paper(digit, rng, c, int(c * rng.uniform(0.3, 0.7)), pens=PALE, light=0.5)


MAKERS = dict(zip(KINDS, (plain, photo, pen, thin, thick, transparent, chalk,
                          small, large, off_centre, lined, table, pale)))


def blank(rng):
    """A picture with no digit: a photo of paper, of a sheet on a table, of a
    board, or an empty canvas."""
    nothing = np.zeros((28, 28), np.uint8)
    choice = rng.integers(4)
    if choice == 0:
        c = int(rng.integers(200, 800))
        return on_paper(nothing, rng, c, c // 2, light=1.0, blur=(0, 2), noise=(2, 12),
                        quality=(30, 90))
    if choice == 1:
        return table(nothing, rng)
    if choice == 2:
        return chalk(nothing, rng)
    return encode(".png", np.zeros((int(rng.integers(100, 600)),) * 2 + (4,), np.uint8))


def pick_digits(n, per_kind, seed=0, kinds=KINDS):
    """Which test digits each kind draws: a list of (kind, index)."""
    rng = np.random.default_rng([seed, 0])
    return [(kind, int(index)) for kind in kinds
            for index in rng.choice(n, per_kind, replace=False)]


def make_images(x, y, per_kind, seed=0, kinds=KINDS):
    """Realistic pictures of MNIST digits: a list of (kind, file bytes, label).

    Give it the test split only. The same seed gives the same pictures, and
    each picture has its own random stream, so asking for fewer kinds gives
    the same pictures of those kinds.
    """
    images = []
    for number, (kind, index) in enumerate(pick_digits(len(x), per_kind, seed, KINDS)):
        if kind in kinds:
            rng = np.random.default_rng([seed, 1, number])
            images.append((kind, MAKERS[kind](x[index], rng), int(y[index])))
    return images


# Measuring ----------------------------------------------------------------------

def prepare(images, method):
    """Decode and preprocess every picture; None where no digit was found."""
    inputs = []
    start = time.perf_counter()
    for data in images:
        img = preprocessing.decode_image(data)
        try:
            inputs.append(preprocessing.to_input(img, method))
        except preprocessing.NoDigitFound:
            inputs.append(None)
    ms = 1000 * (time.perf_counter() - start) / len(images)
    return inputs, ms


def predict(model, inputs):
    """The digit read from each input (-1: no digit found), in one batched call."""
    ready = [i for i, a in enumerate(inputs) if a is not None]
    digits = np.full(len(inputs), -1)
    if ready:
        digits[ready] = main_py.predict(model, [inputs[i] for i in ready]).argmax(axis=1)
    return digits


def speed(digit, repeats=5):
    """Time 12-megapixel photos (4000x3000 JPEGs) of `digit` on one core."""
    photos = {  # name: how on_paper draws it
        "strong uneven light": dict(light=1.0),
        "plain page, dark ink": dict(light=0.3, pens=PENS[1:2]),
        "plain page, in a corner": dict(light=0.3, pens=PENS[1:2], where="side"),
        "plain page, yellow felt-tip": dict(light=0.3, pens=PALE[:1]),
    }
    cv2.setNumThreads(1)
    print(f"\n4000x3000 photos, one OpenCV thread, best of {repeats}:")
    for name, how in photos.items():
        data = on_paper(digit, np.random.default_rng(0), 4000, 1500, height=3000,
                        quality=(90, 91), **how)
        decode, mnist = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            img = preprocessing.decode_image(data)
            middle = time.perf_counter()
            preprocessing.mnist(img)
            decode.append(middle - start)
            mnist.append(time.perf_counter() - middle)
        total = 1000 * (min(decode) + min(mnist))
        print(f"  {name + ':':29} {total:4.0f} ms (decode_image {1000 * min(decode):.0f} ms, "
              f"mnist() {1000 * min(mnist):.0f} ms; {len(data) // 1000} kB JPEG)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.path.join(ROOT, "handwriting.keras"),
                        help="trained model to read the pictures (default: handwriting.keras)")
    parser.add_argument("--data", default=os.path.join(ROOT, "mnist.npz"),
                        help="MNIST .npz whose test digits are drawn (default: mnist.npz)")
    parser.add_argument("--per-kind", type=int, default=100, metavar="N",
                        help="pictures of each kind (default: 100)")
    parser.add_argument("--seed", type=int, default=0,
                        help="which digits and pictures are drawn (default: 0)")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help="which kinds of picture, comma-separated (default: all)")
    parser.add_argument("--speed", action="store_true",
                        help="also time preprocessing 12-megapixel photos")
    parser.add_argument("--figure", metavar="PNG",
                        help="also draw one picture of each kind and what each method makes of it")
    args = parser.parse_args()
    if args.per_kind < 1:
        parser.error("--per-kind must be at least 1")
    kinds_asked = tuple(k for k in args.kinds.split(",") if k)
    unknown = sorted(set(kinds_asked) - set(KINDS))
    if unknown or not kinds_asked:
        parser.error(f"--kinds: choose from {', '.join(KINDS)}")
    try:
        model = main_py.load_model(args.model)
    except main_py.SetupError as error:
        sys.exit(f"realworld.py: error: {error}")

    with np.load(args.data) as data:
        x_test, y_test = data["x_test"], data["y_test"]  # never the training split
    if args.per_kind > len(x_test):
        parser.error(f"--per-kind: at most {len(x_test)}, the test digits there are")
    images = make_images(x_test, y_test, args.per_kind, args.seed, kinds_asked)
    kinds = np.array([kind for kind, _, _ in images])
    labels = np.array([label for _, _, label in images])
    originals = [x_test[i] / 255 for kind, i in pick_digits(len(x_test), args.per_kind, args.seed)
                 if kind in kinds_asked]
    rng = np.random.default_rng([args.seed, 2])
    blanks = [blank(rng) for _ in range(min(args.per_kind, 300))]  # enough to count

    # "original": the model on the same MNIST digits as they are in the data
    # set, the best we can hope for. A picture with no digit found is wrong.
    right = {"original": predict(model, originals) == labels}
    ms, inputs, predicted = {}, {}, {}
    for method in preprocessing.METHODS:
        inputs[method], ms[method] = prepare([data for _, data, _ in images], method)
        predicted[method] = predict(model, inputs[method])
        right[method] = predicted[method] == labels
    found_in_blank = sum(a is not None for a in prepare(blanks, "mnist")[0])

    columns = ("original", "mnist", "tutorial")
    shown = os.path.relpath(args.model)
    shown = args.model if shown.startswith("..") else shown
    print(f"{len(images)} pictures of MNIST test digits (seed {args.seed}), "
          f"model {shown}\n")
    print(f"{'kind':<12}{'n':>5}" + "".join(f"{c:>10}" for c in columns))
    for kind in tuple(k for k in KINDS if k in kinds_asked) + ("overall",):
        pick = kinds == kind if kind != "overall" else np.ones(len(images), bool)
        print(f"{kind:<12}{pick.sum():>5}" + "".join(f"{right[c][pick].mean():>10.1%}"
                                                      for c in columns))
    print(f"{'ms/picture':<17}{'':>10}{ms['mnist']:>10.1f}{ms['tutorial']:>10.1f}"
          "  (decode + preprocess, all cores)")
    print(f"\nBlank pictures (paper, sheet on a table, board, empty canvas): "
          f"{len(blanks) - found_in_blank} of "
          f"{len(blanks)} give 'no digit found' with --preprocess mnist.")
    if args.figure:
        draw_figure(images, inputs, predicted, args.figure)
        print(f"\nFigure: {args.figure}")
    if args.speed:
        speed(x_test[0])


def draw_figure(images, inputs, predicted, path):
    """The first picture of each kind, above the 28x28 input each method
    makes of it and the digit the model then reads."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [k for k, _, _ in images]
    first = [shown.index(kind) for kind in KINDS if kind in shown]
    fig, axes = plt.subplots(3, len(first), figsize=(1.25 * len(first), 4.3))
    for column, i in zip(axes.T, first):
        kind, data, label = images[i]
        column[0].imshow(preprocessing.decode_image(data), cmap="gray", vmin=0, vmax=255)
        column[0].set_title(f"{kind}\n(a {label})", fontsize=8)
        for ax, method in zip(column[1:], ("tutorial", "mnist")):
            x = inputs[method][i]
            ax.imshow(np.zeros((28, 28)) if x is None else x, cmap="gray", vmin=0, vmax=1)
            said = predicted[method][i]
            ax.set_title("no digit" if said < 0 else f"reads {said}", fontsize=8,
                         color="tab:green" if said == label else "tab:red")
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[1, 0].set_ylabel("--preprocess\ntutorial", fontsize=8)
    axes[2, 0].set_ylabel("--preprocess\nmnist", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


if __name__ == "__main__":
    main()
