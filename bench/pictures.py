"""Realistic pictures of MNIST digits, drawn from the digits themselves.

Each maker redraws a 28x28 MNIST digit as a person's own picture of it and
returns the file's bytes: pen on uneven paper photographed with noise, blur
and JPEG; coloured and pale pens; thin and thick strokes; strokes on a
transparent canvas; chalk on a board; digits small, large or off to one
side; ruled and squared paper; a sheet of paper lying on a table; and
blank pictures with no digit at all. The same seed gives the same pictures.

bench/realworld.py measures the network on them, and the tests in
tests/preprocessing/ draw their pictures with the same makers, so what is
tested is what is measured. Import it as `from bench import pictures`.
"""
import cv2
import numpy as np

import preprocessing

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


def enlarged(kind, data, factor, rng):
    """A picture's file bytes `factor` times as big each way, as a phone
    takes it: enlarged smoothly, with its own sensor noise, saved again
    (JPEG at quality 90, a PNG as a PNG). The makers' pictures are about
    0.2 megapixels; at 2 they are 0.8, as a phone photo cropped to the
    digit is. "plain", an MNIST digit itself, stays as it is."""
    if factor == 1 or kind == "plain":
        return data
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    img = cv2.resize(img, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    if data.startswith(b"\xff\xd8\xff"):
        return camera(img.astype(np.float32), rng, blur=(0, 0), noise=(3, 3), quality=(90, 91))
    return encode(".png", img)


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
