"""Turn a picture of a digit into the 28x28 input the network was trained on.

One home for image reading and preprocessing: main.py, the tests and the
benchmarks all call these functions, so what is tested is what runs.

MNIST digits are bright ink (1.0) on a black background (0.0), 28x28 pixels.
They were made from scans of handwriting: each digit was "size normalized to
fit in a 20x20 pixel box while preserving their aspect ratio", anti-aliased to
grey levels, and "centered in a 28x28 image by computing the center of mass of
the pixels". `mnist()` does the same to any reasonable picture of a digit,
and takes half its slant away, which the network reads better still;
`tutorial()` keeps the tutorial's steps, which only suit MNIST look-alikes.
"""
import contextlib
import os
import struct
import sys

# Decompression bombs: we check the header ourselves, and also ask OpenCV to
# refuse big images (it reads this variable when cv2 is first imported).
MAX_PIXELS = 50_000_000
MAX_DECODED_BYTES = 256 * 2**20  # 16-bit colour and alpha take 8 bytes a pixel
MAX_FILE_BYTES = 256 * 2**20
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_PIXELS))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

# We turn every decoding failure into ImageError; OpenCV's log would repeat it.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)

METHODS = ("mnist", "tutorial")

WORK_SIZE = 1024  # longest side when looking for the digit in a big picture
MIN_WORK_SIZE = 256  # small pictures are enlarged so filters have room
DIGIT_SIZE = 160  # longest side of the digit while it is cleaned up (8 x 20)
BOX = 20  # MNIST: the digit fits a 20x20 box...
SIDE = 28  # ...in a 28x28 image...
CENTRE = 14.0  # ...with its centre of mass here (measured on MNIST: 14.0, 14.0)
FINE = 4  # the digit is centred to a quarter of a pixel
# Stroke width over digit size in MNIST: 10th to 90th percentile (1.7 to 3.3
# pixels in the 20-pixel box). Pen strokes outside this range are adjusted.
STROKE_RANGE = (0.085, 0.165)


class ImageError(ValueError):
    """The file could not be read as an image (message: one line)."""


class NoDigitFound(ValueError):
    """The image holds no ink: a blank page or an empty canvas."""


# Reading files ---------------------------------------------------------------

def read_image(path):
    """Read the image at `path` as a 2-D uint8 greyscale array."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ImageError("is a directory, not an image")
    if not os.path.exists(path):
        raise ImageError("no such file")
    if not os.path.isfile(path):
        raise ImageError("not a regular file")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)  # a bounded read, whatever the file
    except OSError as error:
        raise ImageError(f"cannot open file ({error.strerror or error})")
    if len(data) > MAX_FILE_BYTES:
        raise ImageError(f"file too large (limit {MAX_FILE_BYTES // 2**20} MB)")
    return decode_image(data)


def decode_image(data):
    """Decode image file bytes to a 2-D uint8 greyscale array.

    Alpha and 16-bit depth are kept by the decoder and handled here. A JPEG
    (never transparent) is decoded straight to grey, which is twice as fast,
    and OpenCV then applies its EXIF orientation, so the digit comes out
    upright. Only if its marks are faint is it decoded again in colour, to
    look for a channel that shows them better (see jpeg_channel).
    """
    data = bytes(data)
    if not data:
        raise ImageError("empty file")
    # Refuse decompression bombs before the decoder allocates the pixels.
    size = header_size(data)
    if size:
        pixels = size[0] * size[1]
        decoded = pixels * decoded_pixel_bytes(data)
        if pixels > MAX_PIXELS or decoded > MAX_DECODED_BYTES:
            raise ImageError(f"image too large ({size[0]}x{size[1]} pixels, "
                             f"{decoded // 2**20} MB decoded; limit "
                             f"{MAX_PIXELS // 1_000_000} megapixels, "
                             f"{MAX_DECODED_BYTES // 2**20} MB)")
    jpeg = data.startswith(JPEG)
    try:
        with quiet_stderr():  # libpng and libjpeg print their own complaints
            img = cv2.imdecode(np.frombuffer(data, np.uint8),
                               cv2.IMREAD_GRAYSCALE if jpeg else cv2.IMREAD_UNCHANGED)
    except cv2.error:
        img = None  # OpenCV raises for some broken files, returns None for others
    if img is None or img.size == 0:
        raise ImageError("not an image OpenCV can decode")
    part = faint(img) if jpeg else None
    if part is not None:  # a pale pen may stand out in one colour
        img = jpeg_channel(data, img, part)
    return to_grey(to_8bit(img))


def jpeg_channel(data, grey, part):
    """`grey`, the JPEG's brightness, or the colour channel in which its
    faint marks (in `part`) stand out far more clearly.

    A big photo's colour takes twice as long to decode as its grey. The
    decoder shrinks it as it goes, as far as the working copy's size
    (WORK_SIZE), which is all the detail the digit is looked for in; the
    channels are compared on a copy of 512 pixels or more.
    """
    def shrink(least):  # the most the decoder may shrink it, keeping `least` pixels
        return next(f for f in (8, 4, 2, 1) if f == 1 or max(grey.shape) >= least * f)

    kept, compared = shrink(WORK_SIZE), shrink(512)
    flags = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2,
             4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}
    try:
        with quiet_stderr():
            colour = cv2.imdecode(np.frombuffer(data, np.uint8), flags[kept])
    except cv2.error:
        colour = None
    expected = tuple(-(-side // kept) for side in grey.shape)  # the decoder rounds up
    if colour is None or colour.shape[:2] != expected:
        return grey  # the grey is still good
    small = colour
    if compared > kept:
        h, w = (-(-side // compared) for side in grey.shape)
        small = cv2.resize(colour, (w, h), interpolation=cv2.INTER_AREA)
    small_grey = grey if compared == 1 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    channel = clearest_channel(small, small_grey, part)
    return grey if channel is None else cv2.extractChannel(colour, channel)


@contextlib.contextmanager
def quiet_stderr():
    """Send what C libraries print to stderr to /dev/null for a moment."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield  # no stderr file descriptor to silence
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def to_8bit(img):
    """Scale any bit depth to 0..255: 16-bit files use 0..65535, float ones 0..1."""
    if img.dtype == np.uint8:
        return img
    if img.dtype == np.uint16:
        return cv2.convertScaleAbs(img, alpha=255 / 65535)
    if img.dtype in (np.float32, np.float64):
        img = np.nan_to_num(img.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
        return cv2.convertScaleAbs(np.clip(img, 0, 1), alpha=255)
    raise ImageError(f"unsupported pixel type ({img.dtype})")


def to_grey(img):
    """Make a 2-D greyscale image, compositing any transparency away."""
    if img.ndim == 2:
        return img
    channels = img.shape[2]
    if channels == 1:
        return img[:, :, 0]
    if channels == 2:  # grey + alpha
        return flatten_alpha(np.ascontiguousarray(img[:, :, 0]), img[:, :, 1])
    if channels == 3:
        grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        part = faint(grey)
        channel = None if part is None else clearest_channel(img, grey, part)
        return grey if channel is None else cv2.extractChannel(img, channel)
    if channels == 4:
        if img[:, :, 3].min() == 255:  # opaque, as drawing apps often save: colour
            return to_grey(img[:, :, :3])
        grey = cv2.cvtColor(img, cv2.COLOR_BGRA2GRAY)
        return flatten_alpha(grey, img[:, :, 3])
    raise ImageError(f"unsupported number of channels ({channels})")


# Pale ink: brightness alone hides a yellow or orange pen on white paper (it is
# nearly as bright as the paper), and a pure blue stroke on black, but each
# stands out in one of the colour channels. Marks are measured against the
# ground around them, which follows shadows and uneven light.

FAINT = 0.5  # marks taking less than half the paper's brightness away (on a
#              dark ground: bringing it less than half-way to white) are faint
CLEARER = 2  # a channel must show the marks twice as clearly as brightness...
VISIBLE = 0.25  # ...and show them at all, not only a difference in noise
MARKS = 0.9995  # marks: the sample's 0.05% furthest from the ground


def marks(grey):
    """How clearly the picture's most distinct marks stand out.

    Returns (contrast, clarity): the marks' difference from the ground
    around them, as a fraction of the most it could be (1: black on white,
    or white on black), and that over the typical difference (noise, grain).
    The marks are the 0.05% of a 256-pixel sample furthest from the ground:
    a digit a twentieth of a big photo's width still counts.
    """
    step = -(-max(grey.shape) // 256)
    small = np.ascontiguousarray(grey[::step, ::step])
    k = min(max(3, min(small.shape) // 4) | 1, 255)
    ground = cv2.medianBlur(small, k).astype(np.float32)  # the paper or board
    dark = ink_is_dark(small)
    small = small.astype(np.float32)
    # A floor under the divisor: a ground near black (or white) leaves no
    # room to measure a fraction of, only noise.
    if dark:
        difference = (ground - small) / np.maximum(ground, 64)
    else:
        difference = (small - ground) / np.maximum(255 - ground, 64)
    contrast = lower_quantile(difference, MARKS)
    typical = lower_quantile(np.abs(difference), 0.5)
    return contrast, contrast / (typical + 0.01)


def lower_quantile(values, q):
    """np.quantile(values, q, method="lower"), without its overhead: ten
    times as fast on a sample this size."""
    values = values.ravel()
    k = int(np.floor((values.size - 1) * q))
    return float(np.partition(values, k)[k])


def faint(grey):
    """Where the picture's marks are faint by brightness: in all of it
    (returns `whole`), or in its middle (`middle_half`: beside a table
    along the border, the sheet's bright edge stands out more than a pale
    pen); None where they are not."""
    for part in (whole, middle_half):
        if marks(part(grey))[0] < FAINT:
            return part
    return None


def whole(img):
    return img


def middle_half(img):
    """The middle half of the picture, across and down."""
    h, w = img.shape[:2]
    return img[h // 4:h - h // 4, w // 4:w - w // 4]


def clearest_channel(colour, grey, part):
    """The colour channel (0, 1 or 2) in which the marks stand out far more
    clearly than in `grey`, the picture's brightness, looking at `part` of
    it; None if none does.

    Chosen by the middle, a channel must also keep what brightness shows
    around it: a blue pen's digit off to one side vanishes in the blue
    channel, which a yellow mark in the middle would choose.
    """
    measured = [marks(part(colour)[:, :, c]) for c in range(3)]  # views: no copies
    best = max(range(3), key=lambda c: measured[c][1])
    contrast, clarity = measured[best]
    if contrast < VISIBLE or clarity <= CLEARER * marks(part(grey))[1]:
        return None
    if part is middle_half:
        # Three quarters as clear along each side, less a tenth (a blank
        # side's marks are faint both ways).
        for colour_side, grey_side in zip(sides(colour), sides(grey)):
            if marks(colour_side[:, :, best])[0] < 0.75 * marks(grey_side)[0] - 0.1:
                return None
    return best


def sides(img):
    """The quarter of the picture along each side, around its middle."""
    h, w = img.shape[:2]
    down, across = max(1, h // 4), max(1, w // 4)
    return img[:down], img[h - down:], img[:, :across], img[:, w - across:]


def flatten_alpha(grey, alpha):
    """Composite onto a background that contrasts with the opaque pixels.

    Drawing apps save strokes as the opaque part of a transparent image, and
    the hidden colour of transparent pixels is often black, as black strokes
    are: dropping alpha would hide them. White strokes get a black background.
    """
    if alpha.min() == 255:
        return grey
    step = max(1, int(np.sqrt(alpha.size / 250_000)))  # a sample is enough
    a = alpha[::step, ::step].astype(np.float32)
    opaque = float((grey[::step, ::step] * a).sum() / max(a.sum(), 1.0))
    if opaque < 128:  # dark strokes: onto white, grey + (255 - grey) * (1 - alpha)
        return 255 - cv2.multiply(255 - grey, alpha, scale=1 / 255)
    return cv2.multiply(grey, alpha, scale=1 / 255)  # light strokes: onto black


# File headers: sizes, to refuse bombs --------------------------------------------

PNG, JPEG = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"  # how each kind of file starts


def header_size(data):
    """(width, height) declared by the file header, or None if unknown."""
    try:
        if data.startswith(PNG) and data[12:16] == b"IHDR":
            return struct.unpack(">II", data[16:24])
        if data.startswith(JPEG):
            return jpeg_size(data)
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return struct.unpack("<HH", data[6:10])
        if data[:2] == b"BM":
            if struct.unpack("<I", data[14:18])[0] == 12:
                return struct.unpack("<HH", data[18:22])
            w, h = struct.unpack("<ii", data[18:26])
            return abs(w), abs(h)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return webp_size(data)
        if data[:4] in (b"II*\0", b"MM\0*"):
            tags = tiff_tags(data, (256, 257))
            return tags.get(256, 0), tags.get(257, 0)
        if data[:1] == b"P" and data[1:2] in b"123456":
            return pnm_size(data)
    except (struct.error, IndexError, ValueError):
        return None  # a broken header: the decoder will refuse it
    return None


def decoded_pixel_bytes(data):
    """Bytes a pixel takes once decoded: exact for PNG, the most otherwise."""
    if data.startswith(PNG) and len(data) >= 26:
        depth, colour = data[24], data[25]
        # OpenCV gives grey+alpha and palettes four channels, as it does colour+alpha.
        channels = {0: 1, 2: 3}.get(colour, 4)
        return channels * (2 if depth == 16 else 1)
    if data.startswith(JPEG):
        return 4  # grey, then colour as well if the ink is faint
    if data[:4] in (b"II*\0", b"MM\0*"):
        return 8  # TIFF may hold 16-bit colour and alpha
    return 4


def jpeg_size(data):
    """(width, height) from the JPEG's start-of-frame header segment."""
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # no length field
            i += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    return None


def tiff_tags(tiff, wanted):
    """Read integer tags from the first directory (IFD0) of TIFF data."""
    order = {b"II": "<", b"MM": ">"}[tiff[:2]]
    ifd = struct.unpack(order + "I", tiff[4:8])[0]
    count = struct.unpack(order + "H", tiff[ifd:ifd + 2])[0]
    tags = {}
    for n in range(min(count, 1000)):
        entry = ifd + 2 + 12 * n
        tag, kind = struct.unpack(order + "HH", tiff[entry:entry + 4])
        if tag in wanted:
            value = tiff[entry + 8:entry + 12]
            fmt = "H" if kind == 3 else "I"
            tags[tag] = struct.unpack(order + fmt, value[:struct.calcsize(fmt)])[0]
    return tags


def webp_size(data):
    chunk = data[12:16]
    if chunk == b"VP8X":
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    return None


def pnm_size(data):
    # "P5 <width> <height> ..." with optional # comments between the fields
    words = []
    for line in data[2:200].split(b"\n"):
        words += line.split(b"#")[0].split()
        if len(words) >= 2:
            return int(words[0]), int(words[1])
    return None


# The tutorial's preprocessing -------------------------------------------------

def tutorial(img):
    """The tutorial's steps: resize to 28x28, invert, scale to 0..1."""
    img = cv2.resize(img, (28, 28))
    img = np.invert(img)
    return (img / 255).astype(np.float32)


# MNIST-style preprocessing ----------------------------------------------------
#
# The picture is searched at a modest size (up to WORK_SIZE) for speed, then
# the digit is cut from the full-resolution picture, so small digits in big
# photos keep their detail. Ink is always handled as dark on light (a light
# on dark picture is inverted first) and measured relative to the paper
# around it, which undoes shadows and uneven light.

def mnist(img):
    """Prepare a digit the way MNIST was: ink 1.0 on 0.0, 20x20 box, centred.

    Raises NoDigitFound when the picture holds no ink.
    """
    img = check_grey(img)
    if int(img.max()) - int(img.min()) < 12:
        raise NoDigitFound("no digit found: the image is blank")
    if max(img.shape) < 8:
        h, w = img.shape
        raise NoDigitFound(f"no digit found: the image is too small ({w}x{h} pixels)")
    work, scale = resize_longest(img, MIN_WORK_SIZE, WORK_SIZE)
    frame = find_frame(work)
    if frame is not None:
        # A scanner's black border, a line round a drawing's canvas: cut off,
        # or its band along the border is taken for the paper or the ink.
        h, w = img.shape
        top, bottom, left, right = (int(np.ceil(k / scale)) for k in frame)
        img = img[top:h - bottom, left:w - right]
        work, scale = resize_longest(img, MIN_WORK_SIZE, WORK_SIZE)
    ground, dark, around, shadow = find_ground(work)
    ground = ground if dark else 255 - ground  # dark ink on light from here on
    ground, smoothing = quieten(ground)
    found, stroke, noise, lines = find_digit(ground)
    if around is not None and runs_along(found, around):
        # What looked like a table runs along the digit: it is a stroke of
        # a tightly cropped digit. Read the picture as it is.
        work = work if shadow is None else relight(work, shadow)
        dark, around = ink_is_dark(work), None
        ground, smoothing = quieten(work if dark else 255 - work)
        found, stroke, noise, lines = find_digit(ground)
    digit, width = cut_out(img, ground, scale, dark, found, stroke, noise, lines, around, shadow,
                           smoothing)
    if lies_flat(digit > 0.5):
        raise NoDigitFound("no digit found: only a straight line lying flat (a ruled line?)")
    digit = fix_stroke_width(digit, width)
    digit = straighten(digit)
    return centre(digit)


def lies_flat(mask):
    """Whether the ink is one straight line, wider than it is tall: what is
    left of a ruled line on a blank page, not a digit (a 1 stands up)."""
    if not mask.any():
        return False
    y0, y1, x0, x1 = bounding_box(mask)
    return x1 - x0 > y1 - y0 and straight_line(mask)


def check_grey(img):
    img = np.asarray(img)
    if img.size == 0:
        raise NoDigitFound("no digit found: the image is empty")
    if img.ndim == 3 and img.shape[2] in (3, 4):
        img = to_grey(to_8bit(img))  # 8-bit first, as decode_image does
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D greyscale image, got shape {img.shape}")
    return to_8bit(img)


def resize_longest(img, smallest, largest):
    """Scale so the longest side is within [smallest, largest]; return the scale.

    Big pictures shrink by a whole factor, which OpenCV averages fastest,
    and fastest of all by halves: a 12 MP photo shrinks by 4 as two
    halvings in a fifth of the time (its levels rounded twice).
    """
    longest = max(img.shape)
    if smallest <= longest <= largest:
        return img, 1.0
    if longest > largest:
        factor = int(np.ceil(longest / largest))
        scale, interpolation = 1 / factor, cv2.INTER_AREA
    else:
        factor, scale, interpolation = 1, smallest / longest, cv2.INTER_LINEAR
    size = (max(1, round(img.shape[1] * scale)), max(1, round(img.shape[0] * scale)))
    while factor % 2 == 0 and img.shape[0] % factor == 0 and img.shape[1] % factor == 0:
        img = cv2.resize(img, (img.shape[1] // 2, img.shape[0] // 2), interpolation=interpolation)
        factor //= 2
    if img.shape[:2] != size[::-1]:
        img = cv2.resize(img, size, interpolation=interpolation)
    return img, scale


# A frame round the picture --------------------------------------------------------

FRAME_MAX = 0.08  # a frame is at most this wide, relative to the picture's side


def find_frame(work):
    """The widths in pixels (top, bottom, left, right) of a frame along the
    picture's sides, 0 where there is none; or None if there is none at all.

    A frame is a band of rows (or columns) from the border in, all of one
    level and empty (each row keeps to its own smooth course), far from the
    level that most of the empty rows share, and meeting it sharply (a
    shadow's edge is soft). It is narrow, so it is not a table: under
    FRAME_MAX, and fewer rows than the empty ones inside it.
    """
    widths = []
    for strip in (work, work[::-1], work.T, work.T[::-1]):  # top, bottom, left, right
        depth, length = int(FRAME_MAX * strip.shape[0]) + 1, strip.shape[1]
        # The rows' middles, clear of the frame along the other sides.
        cut = int(FRAME_MAX * length)
        strip = strip[:depth, cut:length - cut].astype(np.float32)
        # Empty: nearly all of the row within a few grey levels of its own
        # smooth course, which follows uneven light but not strokes.
        course = cv2.blur(strip, (max(1, strip.shape[1] // 4), 1))
        empty = np.mean(np.abs(strip - course) <= 16, axis=1) >= 0.9
        marked = np.flatnonzero(~empty)
        end = marked[0] if marked.size else depth  # rows before this one are empty
        if end < 3:
            widths.append(0)
            continue
        level = np.median(strip[:end, ::4], axis=1)  # every 4th pixel: fast, and plenty
        ground = np.median(level)  # most empty rows are the ground
        far = np.abs(level - ground) >= 48
        band = int(np.argmin(far))  # the rows from the border that are far from it
        sharp = band + 1 < end and abs(level[band + 1] - ground) <= 16
        flat = band and np.ptp(level[:band]) <= 24
        widths.append(band + 1 if sharp and flat else 0)  # and the blurred row after it
    # A frame runs along two sides or more: along one, a band could be a
    # tightly cropped digit's bar (the top of a 7).
    return widths if np.count_nonzero(widths) >= 2 else None


# A sheet of paper photographed on a table --------------------------------------
#
# The table around the sheet is darker than the paper and reaches the
# picture's border, so it looks like a huge stroke: it hides the digit and
# swamps the measure of the paper's grain. We find the sheet's straight edges
# and paint the table over with the paper's level. A board on a lighter wall
# is the same the other way round.

EDGE_SIZE = 160  # longest side of the copy the sheet's edges are looked for in
TABLE_DARKNESS = 0.75  # a table is at most this bright, relative to the sheet


def find_ground(work):
    """The sheet or board the digit is on, and which way round its ink is.

    Returns work with anything around the sheet or board painted over (and
    a hard shadow lit up), True for dark ink (False for light), the painted
    mask (None if nothing) and the shadow's edge (None if none).
    """
    small, _ = resize_longest(work, EDGE_SIZE, EDGE_SIZE)
    table, shadow = find_table(small, resize_longest(work, 2 * EDGE_SIZE, 2 * EDGE_SIZE)[0])
    if shadow is not None and table is None:
        # A hard shadow across the page, with ink in it: light it up to the
        # paper beside it, or its darkness would be taken for ink or ground.
        # (Beside a sheet on a table, marks beyond an edge are more likely
        # things lying on the table: left as they are.)
        shadow = shadow_profile(work, shadow, max(small.shape))
        work, small = relight(work, shadow), relight(small, shadow)
    else:
        shadow = None
    if table is not None:
        # A sheet on a darker table: paper, so dark ink. (A board in a
        # darker frame looks the same, but both ways of looking at it see
        # light ink.)
        painted, table = paint_over(work, small, table)
        return painted, ink_is_dark(painted) or ink_is_dark(work), table, shadow
    # A board on a lighter wall. A board fills most of its photo and holds
    # light ink; a big marker stroke beside lit paper can look like one, but
    # then much of the "board" is paper, as light as the wall.
    wall = None if shadow is not None else find_table(255 - small)[0]
    if wall is not None and wall.mean() <= 0.4 and few_light_marks(small, wall):
        board, wall = paint_over(255 - work, 255 - small, wall)
        if not ink_is_dark(255 - board):
            return 255 - board, False, wall, None
    return work, ink_is_dark(work), None, shadow


def few_light_marks(small, wall):
    """Whether marks nearer the wall's level than the board's cover at most
    a quarter of the board: chalk strokes do, lit paper beside a marker
    stroke does not."""
    board = small[~wall]
    middle = (float(np.median(small[wall])) + float(np.median(board))) / 2
    return np.mean(board > middle) <= 0.25


def find_table(small, fine=None):
    """Where the picture (`small`: at most EDGE_SIZE across) shows the table
    beyond the sheet's edges: a mask, or None; and the edge of a hard shadow
    with ink in it (see relight), or None.

    fine: a copy about twice as big, to see strokes in a shadow by.

    A sheet's edge is a long, straight, sharp step from the paper down to a
    darker table; the table stays dark out to the picture's border and the
    paper stays light well into the sheet. Most shadows' edges are soft, a
    stroke's far side is paper again, and chalk on a board leaves light marks
    on the "table": none of them is taken for a sheet's edge.
    """
    grey = cv2.GaussianBlur(small, (0, 0), 1.0).astype(np.float32)
    longest = max(small.shape)
    found = cv2.HoughLines(cv2.Canny(small, 40, 100), 1, np.pi / 360, longest // 5)
    if found is None:
        return None, None
    ys, xs = np.indices(small.shape)
    # Closing fills marks narrower than about 7 pixels of `small` (strokes)
    # with their surroundings: how far a pixel lies below it is how deep a
    # mark it is. Measured on the finer copy, where small digits' strokes
    # show.
    fine = small if fine is None else fine
    f = max(fine.shape) / longest
    fine = cv2.GaussianBlur(fine, (0, 0), 1.0).astype(np.float32)
    size = 2 * round(3.5 * f) + 1
    depth = cv2.morphologyEx(fine, cv2.MORPH_CLOSE,
                             cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))) - fine
    fys, fxs = np.indices(fine.shape) / f
    shadow = None
    table = np.zeros(small.shape, bool)
    table_dark = np.zeros(small.shape, bool)  # as dark as a table, near its edge
    middles = []  # between paper and table, for each edge found
    for rho, theta in found[:30, 0]:
        edge = table_side(grey, rho, theta)
        if edge is None:
            continue
        side, paper, dark = edge
        across = (xs * np.cos(theta) + ys * np.sin(theta) - rho) * side
        middle = (paper + dark) / 2
        # Chalk on a board whose frame looked like a sheet's edge: the
        # "table" holds marks as light as paper.
        beyond = across > 6
        if np.count_nonzero(grey[beyond] > middle) > 0.002 * grey.size:
            continue
        # A hard shadow's edge with the digit in the shadow: it holds deep,
        # narrow marks, strokes. (A table's grain is shallow, and a shadow
        # on the table is wide.) A stroke is at most as deep as its ground
        # is bright.
        deep = max(min(0.5 * (paper - dark), 0.4 * dark), 20)
        far = (fxs * np.cos(theta) + fys * np.sin(theta) - rho) * side > 6
        if np.count_nonzero(far & (depth > deep)) > 0.0005 * fine.size:
            if shadow is None:
                shadow = (rho / longest, theta, side, paper / max(dark, 1.0))
            continue
        table |= across > -2  # from a little inside the sheet: the edge's blur
        table_dark |= (grey < middle) & (across > -6)
        middles.append(middle)
    # What is left must be the sheet, a tenth of the picture or more (a
    # sticky note) and a quarter of it wide: mostly paper. (A light stroke
    # on a dark ground has straight edges too: a 1 in MNIST's own colours.)
    if (not middles or table.mean() > 0.9 or np.median(grey[~table]) < np.median(middles)
            or cv2.distanceTransform((~table).astype(np.uint8), cv2.DIST_L2, 3).max() < longest / 8):
        return None, shadow
    # The lines are straight to a pixel or two: take in the table's dark
    # pixels just beyond them, along the sheet's edges and the border.
    for _ in range(4):
        table |= (cv2.dilate(table.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & table_dark
    return table, shadow


def shadow_profile(work, shadow, small_size):
    """How much to brighten each distance across a hard shadow's edge:
    the edge as it is in `work`, its median along the whole line (which a
    digit crossing it does not move). small_size: the longest side of the
    copy the edge was found in, whose pixel is the unit of table_side.

    Returns the shadow as relight takes it: (rho, theta, side, distances
    across in fractions of the longest side, the gain at each).
    """
    rho, theta, side, gain = shadow
    longest = max(work.shape)
    across = np.linspace(-4, 4, 65) / small_size  # table_side's paper and table, and between

    def profile(rho, theta):  # levels across, where all of them lie in the picture
        points, steps = chord(work.shape, rho * longest, theta, 2.0)
        levels = levels_across(work, points, theta, side * across * longest).T
        inside = ~np.isnan(levels).any(axis=1)
        return levels[inside], steps[inside]

    for _ in range(2):  # find the edge's profile; fit the line to it; again
        levels, steps = profile(rho, theta)
        if len(steps) < 32:  # a line through a corner: fade in over the same width
            return rho, theta, side, across[[0, -1]], np.array([1.0, gain])
        # Where each stretch of 16 samples (32 pixels) crosses halfway
        # from paper to shadow: the edge's true place along the line.
        n = len(steps) // 16
        stretches = np.median(levels[:n * 16].reshape(n, 16, -1), axis=1)
        half = (np.median(levels[:, 0]) + np.median(levels[:, -1])) / 2
        below = stretches < half
        crossed = below.any(axis=1) & ~below[:, 0]
        first = np.argmax(below, axis=1)[crossed]
        before, after = stretches[crossed, first - 1], stretches[crossed, first]
        where = across[first - 1] + (across[first] - across[first - 1]) * (before - half) / (before - after)
        at = steps[:n * 16].reshape(n, 16).mean(axis=1)[crossed] / longest
        if len(at) < 3:
            break
        fit = np.polyfit(at, where, 1)
        good = np.abs(np.polyval(fit, at) - where) < 1 / small_size  # not where a stroke crosses
        if good.sum() >= 3:
            fit = np.polyfit(at[good], where[good], 1)
        # The edge lies fit[1] + fit[0] * t beyond the old line, t along
        # it: move the line by fit[1] and turn it by atan(fit[0]).
        turn = -side * np.arctan(fit[0])
        rho, theta = (rho + side * fit[1]) * np.cos(turn), theta + turn
    level = np.median(profile(rho, theta)[0], axis=0)  # on the fitted line
    return rho, theta, side, across, np.clip(level[0] / np.maximum(level, 1.0), 1.0, gain)


def chord(shape, rho, theta, step):
    """Points `step` pixels apart along the line (rho, theta), where it
    crosses a picture of `shape` (with a few pixels' margin), and how far
    along the line each lies."""
    h, w = shape
    along = np.arange(-(h + w), h + w, step)
    points = rho * np.array([np.cos(theta), np.sin(theta)]) + along[:, None] * np.array(
        [-np.sin(theta), np.cos(theta)])
    keep = (points[:, 0] >= -4) & (points[:, 0] <= w + 3) & (points[:, 1] >= -4) & (points[:, 1] <= h + 3)
    return points[keep], along[keep]


def levels_across(grey, points, theta, offsets):
    """The grey level at each distance in `offsets` across the line of
    angle theta through `points`: one row per offset, NaN outside."""
    h, w = grey.shape
    normal = np.array([np.cos(theta), np.sin(theta)])
    x, y = (points[None] + offsets[:, None, None] * normal).transpose(2, 0, 1)
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    level = np.full(x.shape, np.nan, np.float32)
    level[inside] = grey[np.round(y[inside]).astype(int), np.round(x[inside]).astype(int)]
    return level


def relight(img, shadow, corner=(0, 0), longest=None):
    """Brighten the shadowed side of a hard shadow's edge to the paper's
    level, by shadow_profile's gain at each distance across the edge.

    img may be a window of a bigger picture: its top left `corner`, that
    picture's `longest` side.
    """
    rho, theta, side, across, gains = shadow
    longest = longest or max(img.shape)
    ys, xs = np.ogrid[corner[0]:corner[0] + img.shape[0], corner[1]:corner[1] + img.shape[1]]
    distance = ((xs * np.cos(theta) + ys * np.sin(theta)) / longest - rho) * side
    lift = np.interp(distance, across, gains).astype(np.float32)
    return np.clip(img * lift, 0, 255).astype(np.uint8)


def table_side(grey, rho, theta):
    """Where a table lies beyond a sheet's edge along the line (rho, theta):
    its side (+1 or -1), the paper's and the table's grey levels; or None
    when the line is not a sheet's edge."""
    stretch = max(grey.shape) // 4
    points, _ = chord(grey.shape, rho, theta, 1.0)
    if len(points) < stretch:
        return None

    def levels(offsets):  # the grey level at each distance across the line, NaN outside
        return dict(zip(offsets, levels_across(grey, points, theta, offsets)))

    # Distances in pixels of the EDGE_SIZE copy: 4 is 2.5% of the picture.
    # Most lines (grain, strokes) have no step this big: done.
    at = levels(np.array([-4.0, 4.0]))
    with np.errstate(invalid="ignore"):
        steps = (at[4] < TABLE_DARKNESS * at[-4]) | (at[-4] < TABLE_DARKNESS * at[4])
    if np.count_nonzero(steps) < 0.8 * stretch:
        return None
    away = np.array([1.5, 4, 10, 16, 24, 36, 54, 80, 120, 180, 270])
    at = levels(np.concatenate((-away, away)))

    for side in (1, -1):  # the table on this side, the sheet on the other
        with np.errstate(invalid="ignore"):
            paper, table = at[-4 * side], at[4 * side]
            edge = (table < TABLE_DARKNESS * paper) & (
                at[-1.5 * side] - at[1.5 * side] > 0.5 * (paper - table))
            for offset in away[2:]:  # dark out to the border
                far = at[offset * side]
                edge &= np.isnan(far) | (far < TABLE_DARKNESS * paper)
            # Light well into the sheet, at two of three depths, along most
            # of the edge: a stroke's far side is dark again all along it,
            # while a digit filling a small note crosses only part of it.
            light = sum(np.count_nonzero(edge & (table < TABLE_DARKNESS * at[-offset * side]))
                        > 0.5 * np.count_nonzero(edge) for offset in (10, 16, 24))
        # Most of a stretch a quarter of the picture long (a knot in the
        # wood, a speck on the paper may break it here and there).
        if light >= 2 and np.convolve(edge, np.ones(stretch), "valid").max() >= 0.8 * stretch:
            return side, float(np.median(paper[edge])), float(np.median(table[edge]))
    return None


def runs_along(found, around):
    """Whether the digit's strokes touch the table or wall painted over, as
    a stroke cut in two by the painting would (a digit on a sheet stays
    clear of its edge)."""
    near = cv2.dilate(around.astype(np.uint8), np.ones((5, 5), np.uint8))
    return bool((found & (near > 0)).any())


def paint_over(work, small, hidden):
    """Paint what `hidden` marks (a mask at the size of `small`, a shrunk
    copy of work) with the level of the paper next to it. Returns the
    painted picture and the mask at its size."""
    level = cv2.inpaint(cv2.medianBlur(small, 5), hidden.astype(np.uint8), 5, cv2.INPAINT_TELEA)
    size = work.shape[::-1]
    level = cv2.resize(level, size, interpolation=cv2.INTER_LINEAR)
    hidden = cv2.resize(hidden.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    return np.where(hidden, level, work), hidden


def ink_is_dark(work):
    """True when the ink is darker than the paper (pen on paper), False for
    light ink on a dark ground (chalk on a board, MNIST itself).

    Ink is the strong, sparse departure from the paper. Against a coarse
    median of the picture (which follows light and shadow but not strokes,
    either way round), we weigh how far pixels go below it against how far
    they go above; cubes make the strong departures count most.

    A glare or a flash's hot spot on paper goes far above it too, so light
    ink must also be narrow (see narrow_side_is_dark).
    """
    small, _ = resize_longest(work, 64, 64)
    paper = cv2.medianBlur(small, 2 * (max(small.shape) // 4) + 1)
    paper = cv2.resize(paper, work.shape[::-1], interpolation=cv2.INTER_LINEAR)
    residual = cv2.subtract(work, paper, dtype=cv2.CV_16S).ravel()  # whole numbers
    threshold = max(3 * robust_sigma(residual), 4.0)
    below = np.power((-residual[residual < -threshold]).astype(np.float32), 3).sum()
    above = np.power(residual[residual > threshold].astype(np.float32), 3).sum()
    return below >= above or narrow_side_is_dark(work)


def narrow_side_is_dark(work):
    """Whether, across the picture's sharpest edges, the dark side is the
    narrow one: a stroke ends after its width, the paper beyond it goes on.

    From each of the 0.5% sharpest edge pixels (a small digit's outline is
    hardly more) we walk both ways across the edge (up to a third of the
    picture) until the level crosses back over the edge's middle; each edge
    votes, by its sharpness, for the side that ends first. A glare is wide,
    and its soft edge is seldom among the sharpest; the border ends nothing,
    as a digit may be cropped tightly. The dark side must win clearly: bold
    light strokes with narrow gaps between them vote both ways.
    """
    small, _ = resize_longest(work, 256, 256)
    grey = cv2.GaussianBlur(small, (0, 0), 1.0).astype(np.float32)
    gx, gy, sharpness = gradient(grey)
    ys, xs = np.nonzero(sharpness >= max(float(np.quantile(sharpness, 0.995)), 1e-3))
    weight = sharpness[ys, xs]
    uy, ux = gy[ys, xs] / weight, gx[ys, xs] / weight  # towards the light side
    h, w = grey.shape
    reach = max(h, w) // 3
    steps = np.arange(1, reach + 1, dtype=np.float32)[:, None]

    def walk(sign):
        """The levels met walking towards the light (1) or dark (-1) side,
        one step per row, and where the walk has left the picture."""
        py = np.round(ys + sign * steps * uy).astype(int)
        px = np.round(xs + sign * steps * ux).astype(int)
        outside = (py < 0) | (py >= h) | (px < 0) | (px >= w)
        return grey[np.clip(py, 0, h - 1), np.clip(px, 0, w - 1)], outside

    light, light_out = walk(1)
    dark, dark_out = walk(-1)
    halfway = (light[1] + dark[1]) / 2  # two steps either side of the edge

    def width(crossed, outside):
        """Steps until the level crosses back, or `reach` if it never does
        inside the picture."""
        first = np.where(crossed.any(0), crossed.argmax(0), reach)
        leaves = np.where(outside.any(0), outside.argmax(0), reach)
        return np.where(first < leaves, first, reach)

    dark_width = width(dark > halfway, dark_out)
    light_width = width(light < halfway, light_out)
    return weight[dark_width < light_width].sum() >= 1.5 * weight[light_width < dark_width].sum()


def gradient(grey):
    """Sobel's rise across and down a float32 picture, and its size: 8
    times the rise per pixel, as a 3x3 Sobel filter weighs it."""
    gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1)
    return gx, gy, np.hypot(gx, gy)


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


def noise_level(img):
    """Standard deviation of a uint8 picture's pixel noise, ignoring its content
    (Immerkaer 1996, with a median so that stroke edges do not count)."""
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = cv2.filter2D(img, cv2.CV_16S, kernel)[1:-1, 1:-1]  # whole numbers
    if response.size == 0:  # a picture one or two pixels high
        return 0.0
    return median_of_counts(np.abs(response).ravel()) / (0.6745 * 6)


def median_of_counts(values):
    """np.median of whole numbers from 0 up, from a count of each value:
    several times as fast as sorting them."""
    below = np.cumsum(np.bincount(values))
    n = int(below[-1])
    return float(np.searchsorted(below, [(n - 1) // 2, n // 2], side="right").mean())


QUIET = 0.03  # pixel noise, relative to the paper, that thresholds cope with


def quieten(ground):
    """Smooth a noisy picture (a photo taken in a dark room): its noise
    riddles the strokes with holes, and they then look thin and faint, or
    like specks. Returns the picture and the blur's sigma (0: none).

    The noise is what a blur takes away, measured against the paper;
    ruled lines and the paper's grain hardly count, being few or coarse.
    """
    blurred = cv2.GaussianBlur(ground, (0, 0), 2)
    paper = max(float(np.median(ground[::4, ::4])), 1.0)
    noise = robust_sigma(ground.astype(np.int16) - blurred) / paper
    if noise <= QUIET:
        return ground, 0.0
    # At twice the noise thresholds cope with, a blur of one pixel; never
    # more than two, as strokes may be only a few pixels wide.
    sigma = min(0.5 * noise / QUIET, 2.0)
    return cv2.GaussianBlur(ground, (0, 0), sigma), sigma


def robust_sigma(values):
    """The spread of mostly-background values, ignoring the few that are ink."""
    values = values.ravel()[::max(1, values.size // 50_000)]
    if values.size == 0:  # nothing but ink: no background to measure
        return 0.0
    if values.dtype.kind in "iu":  # whole numbers: counted, not sorted
        values = values.astype(np.int32)
        low = int(values.min())
        median = low + median_of_counts(values - low)  # a whole or a half
        return 1.4826 * median_of_counts(np.abs(2 * values - round(2 * median))) / 2
    return 1.4826 * float(np.median(np.abs(values - np.median(values))))


def paper_side(ink):
    """The paper's part of an ink map. That is nearly all of it in most
    pictures; but a bold digit cropped tightly can be mostly ink, and then
    only the side of Otsu's split nearer to paper is."""
    if np.mean(ink > 0.3) < 0.2:
        return ink
    return ink[ink < otsu_level(ink)]


def otsu_level(ink):
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
    strong = max(otsu_level(ink), 5 * noise, 0.06)
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


def find_digit(work):
    """Find the digit's strokes in the (dark ink) working image.

    Returns the mask of the digit's strokes, their width in pixels, the
    level of paper grain and noise (in ink units), and the paper's ruled
    lines (find_lines's count of lines per pixel, or None).
    """
    try:
        return look_for_digit(work, max(work.shape) / 8)
    except NoDigitFound:
        # A glare or a flash's hot spot is narrower than that paper level
        # follows: the paper around it looks like ink, and the strokes are
        # lost in it. Look again under a finer one, which follows blank
        # paper's grain more closely too: the strokes must stand out of it
        # more (a dark pen's test stays as it is: it asks for area).
        return look_for_digit(work, max(work.shape) / 24, stand_out=12)


def look_for_digit(work, widest, stand_out=8):
    """find_digit, with a first look under a paper level that clears strokes
    up to `widest` pixels wide, the strokes standing out of the paper's
    grain `stand_out` times over."""
    # First look: a coarse paper level, enough to see where the strokes are.
    paper = paper_under_ink(work, widest)
    ink = ink_map(work, paper)
    pixel_noise = noise_level(work) / max(float(np.median(paper)), 1.0)
    first_noise = max(robust_sigma(paper_side(ink)), pixel_noise)
    # Ruled lines are looked for against a finer paper level, which follows
    # shadows: against the coarse one a shadow looks like ink and hides them.
    thin = max(2, round(0.025 * max(work.shape)))
    line_ink = ink_map(work, paper_under_ink(work, thin))
    lines = find_lines(line_ink, max(robust_sigma(line_ink), pixel_noise), thin, sides=ink)
    if one_line(lines):
        # A notebook's ruling shows more than one line; a single straight
        # stroke across the whole picture is more likely a big 1.
        lines = None
    found = select_strokes(without_lines(ink, lines, first_noise), first_noise)
    # Second look: a paper level as fine as the strokes allow, which follows
    # shadows and uneven light closely. The paper's grain is measured away
    # from the strokes.
    stroke = stroke_width(found)
    ink = without_lines(ink_map(work, paper_under_ink(work, stroke)), lines, first_noise)
    near = cv2.dilate(found.astype(np.uint8), np.ones((3, 3), np.uint8),
                      iterations=max(1, round(stroke))) > 0
    noise = max(robust_sigma(ink[~near]), pixel_noise)
    try:
        found = select_strokes(ink, noise)
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
                 and darkness >= max(6 * noise, 0.1) and edge_sharpness(ink, found, darkness) >= 0.16)
    if not (stands_out or dark_pen or faint_pen):
        raise NoDigitFound("no digit found: nothing stands out from the background")
    return found, stroke_width(found), noise, lines


def edge_sharpness(ink, found, darkness):
    """How steeply the ink rises across the edges of what was found, per
    pixel, as a share of its darkness: about a fifth for a pen's stroke
    (its edge blurred over a pixel or two), a tenth or less for a blank
    page's grain or a fall of light."""
    rise = gradient(cv2.GaussianBlur(ink.astype(np.float32), (0, 0), 1.0))[2] / 8
    edge = found & ~(cv2.erode(found.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    if not edge.any():  # what was found fills the picture: no edges to measure
        return 0.0
    return float(np.median(rise[edge])) / max(float(darkness), 1e-6)


def find_lines(ink, noise, thin, sides=None):
    """The lines of ruled or squared paper: straight, at most `thin` pixels
    wide, and running from edge to edge, which no digit does. Returns how
    many lines cover each pixel (0 off the lines), or None.

    sides: an ink map in which to compare the two sides of each line
    (default `ink`); one with a coarse paper level shows shadows and wide
    strokes whole.
    """
    sides = ink if sides is None else sides
    h, w = ink.shape
    mask = (ink >= max(3 * noise, 0.03)).astype(np.uint8)
    # Search a copy at most 320 pixels across (a block is ink if any of its
    # pixels is): the Hough transform's time grows with the pixels. A line
    # crossed by the digit comes out in pieces: we look for pieces, then
    # carry each across the picture and check it there.
    k = int(np.ceil(max(h, w) / 320))
    small = (cv2.resize(mask * 255, (-(-w // k), -(-h // k)), interpolation=cv2.INTER_AREA) > 0
             ).astype(np.uint8)
    sh, sw = small.shape
    segments = cv2.HoughLinesP(small, 1, np.pi / 360, threshold=min(sh, sw) // 4,
                               minLineLength=min(sh, sw) // 4, maxLineGap=max(sh, sw) // 40)
    if segments is None:
        return None
    near_ink = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    peak = cv2.dilate(ink, np.ones((3, 3), np.uint8))  # a fitted line may be a pixel off
    side_peak = peak if sides is ink else cv2.dilate(sides, np.ones((3, 3), np.uint8))
    # The ink's pixels, by row and by column, to pick those near each piece.
    marked = mask.view(bool)  # (np.nonzero is faster on booleans)
    by_row = [a.astype(np.float32) for a in np.nonzero(marked)]
    by_column = [a.astype(np.float32) for a in np.nonzero(marked.T)[::-1]]
    share_of_ink = cv2.countNonZero(mask) / mask.size
    sets = [np.zeros((h, w), np.uint8), np.zeros((h, w), np.uint8)]
    ends = np.minimum(segments.reshape(-1, 4) * k + k // 2, [w - 1, h - 1, w - 1, h - 1])
    # Dense squared paper gives hundreds of pieces: the longest first.
    ends = ends[np.argsort(-np.hypot(ends[:, 2] - ends[:, 0], ends[:, 3] - ends[:, 1]))]
    for x0, y0, x1, y1 in ends.tolist()[:200]:
        horizontal = abs(x1 - x0) >= abs(y1 - y0)
        if sets[horizontal][(y0 + y1) // 2, (x0 + x1) // 2]:
            continue  # found already
        length = np.hypot(x1 - x0, y1 - y0)
        if length < 2:
            continue
        # Fit the line to the ink within a few pixels of the piece (the
        # piece is placed to within k pixels; a wider band would let a bold
        # digit crossing it pull the fit off the line), at full resolution.
        ys, xs = by_row if horizontal else by_column
        key, low, high = (ys, y0, y1) if horizontal else (xs, x0, x1)
        start, stop = np.searchsorted(key, [min(low, high) - thin, max(low, high) + thin + 1])
        ys, xs = ys[start:stop], xs[start:stop]
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        along = (xs - x0) * ux + (ys - y0) * uy
        across = (ys - y0) * ux - (xs - x0) * uy
        near = (np.abs(across) <= max(2, k)) & (along >= 0) & (along <= length)
        if near.sum() < 2:
            continue
        every = max(1, int(near.sum()) // 500)  # 500 points place a line well enough
        points = np.column_stack([xs[near][::every], ys[near][::every]])
        # A paper's line has ink nearly all along it, from edge to edge (not
        # just across a corner); a straight stroke of the digit does not.
        # A least-squares fit is quick enough to try every piece; the pieces
        # that pass are fitted again, giving less weight to strokes crossing.
        for distance in (cv2.DIST_L2, cv2.DIST_HUBER):
            vx, vy, cx, cy = cv2.fitLine(points, distance, 0, 0.01, 0.01).ravel()
            on, side_a, side_b = points_along((h, w), (cx, cy), (vx, vy), thin)
            edge_to_edge = len(on[0]) >= min(h, w) / 2 and near_ink[on].mean() >= 0.85
            if not edge_to_edge:
                break
        if not edge_to_edge:
            continue
        # It is thin and dark, with paper on both sides: a stroke's edge, or
        # a shadow's, has ink on one side only; a line along a wide stroke
        # has the stroke on both sides. Most of the way, as the digit may
        # cross it.
        contrast = float(np.median(peak[on]))
        tolerance = max(3 * noise, 0.5 * contrast)
        a, b = sides[side_a], sides[side_b]
        valley = (np.abs(a - b) <= tolerance) & (side_peak[on] - np.maximum(a, b) >= tolerance)
        if contrast < 3 * noise or valley.mean() < 0.3:
            continue
        # Its width: the ink in a band around it, less the band's share of
        # the picture's other ink (grain, the digit, crossing lines).
        far = 2 * max(h, w)
        line = ((round(cx - far * vx), round(cy - far * vy)),
                (round(cx + far * vx), round(cy + far * vy)))
        band = cv2.line(np.zeros((h, w), np.uint8), *line, 1, 2 * thin + 1)
        width = (cv2.countNonZero(band & mask) / (cv2.countNonZero(band) / (2 * thin + 1))
                 - share_of_ink * (2 * thin + 1))
        if width <= thin:  # the line itself, and its blurred edges
            # Hough finds a line more than once: the horizontal ones and the
            # vertical ones each count once per pixel.
            cv2.line(sets[horizontal], *line, 1, max(1, round(width)) + 2)
    lines = sets[0] + sets[1]
    return lines if lines.any() else None


def one_line(lines):
    """Whether find_lines found a single line (no crossings, one piece)."""
    if lines is None or lines.max() > 1:
        return False
    return cv2.connectedComponents((lines > 0).astype(np.uint8))[0] == 2


def points_along(shape, centre, direction, offset):
    """Pixels along a line through `centre`, a pixel apart, and the pixels
    `offset` to either side of each: three (ys, xs) index pairs, where the
    line is inside the picture. A side beyond the border is moved onto it,
    so that a line close to the border is still seen between its sides."""
    h, w = shape
    (cx, cy), (vx, vy) = centre, direction
    # Steps along the line, only those (and a step more) that fall inside.
    first, last = -(h + w), h + w
    for c, v, size in ((cx, vx, w), (cy, vy, h)):
        if abs(v) > 1e-9:
            a, b = sorted(((-1 - c) / v, (size - c) / v))
            first, last = max(first, int(np.floor(a)) - 1), min(last, int(np.ceil(b)) + 2)
    t = np.arange(first, max(first, last), 1.0)
    xs, ys = cx + t * vx, cy + t * vy
    nx, ny = -vy * offset, vx * offset
    points = [(np.round(ys + s * ny).astype(int), np.round(xs + s * nx).astype(int))
              for s in (0, -1, 1)]
    y, x = points[0]
    inside = (y >= 0) & (y < h) & (x >= 0) & (x < w)
    return [(y[inside], x[inside])] + [(np.clip(y[inside], 0, h - 1), np.clip(x[inside], 0, w - 1))
                                       for y, x in points[1:]]


def without_lines(ink, lines, noise, digit=None):
    """Remove ruled lines from an ink map, keeping the pen's strokes where
    they cross them (the pen is darker than the line there).

    digit: where the digit is, if known; the lines' darkness is then
    measured away from it.
    """
    if lines is None:
        return ink
    count = lines  # how many lines cover each pixel: where they cross, their inks add up
    single = (count == 1) & (ink >= max(3 * noise, 0.03))
    if digit is not None and (single & ~digit).sum() >= 20:
        single &= ~digit
    on_line = ink[single]
    if not on_line.size:
        return ink
    level = float(np.median(on_line))
    # A fitted line may lie a pixel off, and its blurred edges reach beyond
    # it: if left, they form slivers, which were taken for a digit on blank
    # ruled pages.
    count = cv2.dilate(count, np.ones((5, 5), np.uint8))
    return np.where((count > 0) & (ink < 1.6 * level * count), 0, ink).astype(np.float32)


def select_strokes(ink, noise):
    """The mask of the digit's strokes in an ink map, dropping specks, marks
    away from the digit and dark areas along the border (a table, a shadow).
    """
    mask = threshold_ink(ink, noise)
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


def components_with_stats(mask):
    """cv2.connectedComponentsWithStats, 8-connected, by Grana's algorithm:
    the same labels, and three times as fast as the default on sparse ink."""
    return cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_GRANA)


def straight_line(piece):
    """Whether a piece of ink is a straight line: about ten times as long as
    wide (its rectangle, through the pixels' centres)."""
    ys, xs = np.nonzero(piece)
    _, sides, _ = cv2.minAreaRect(np.column_stack((xs, ys)).astype(np.float32))
    return min(sides) < 0.1 * max(sides)


def bounding_box(mask):
    ys = np.flatnonzero(mask.any(axis=1))
    xs = np.flatnonzero(mask.any(axis=0))
    return ys[0], ys[-1] + 1, xs[0], xs[-1] + 1


def cut_out(img, work, scale, dark, found, stroke, noise, lines, around=None, shadow=None,
            smoothing=0.0):
    """Cut the digit out of the picture and clean it.

    Returns the digit as ink 0..1 on zero, its longest side about
    DIGIT_SIZE pixels, and its stroke width in pixels. `smoothing`: the
    blur quieten() gave the working copy, in its pixels.
    """
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
        if shadow is not None:  # lit up as the working copy was
            crop = relight(crop, shadow, (top, left), max(img.shape))
        crop = crop if dark else 255 - crop
        if smoothing > 0:  # as smooth as the working copy
            crop = cv2.GaussianBlur(crop, (0, 0), smoothing / scale)
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
    if around is not None:  # the table or wall: the full-resolution picture still shows it
        ink[cv2.resize(around[window].astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0] = 0
    if lines is not None:  # the paper is ruled: look for its lines in the crop too
        lines = cv2.dilate(cv2.resize(lines[window], size, interpolation=cv2.INTER_NEAREST),
                           np.ones((3, 3), np.uint8))
        crop_lines = find_lines(ink, noise, thin=max(2, round(0.06 * max(ink.shape))))
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
        mask = without_thumb(mask, ink, edges)
    if not mask.any():
        raise NoDigitFound("no digit found: only specks, no strokes")

    # Zero the background and keep the ink's grey levels, stretched as MNIST
    # strokes are: solid inside, one anti-aliased pixel at the edge. Ink at 80%
    # of the strokes' typical darkness nearby counts as full, under 20% as none.
    width = stroke_width(mask)
    level = strokes_level(ink, mask, width)
    rim = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    digit = np.where(rim, np.clip((ink / level - 0.2) / 0.6, 0, 1), 0)
    return digit.astype(np.float32), width


def without_thumb(mask, ink, edges):
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


def strokes_level(ink, mask, width):
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


def stroke_width(mask):
    """Average stroke width: twice the area over the outline's length."""
    mask = mask.astype(np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    outline = sum(cv2.arcLength(c, True) for c in contours)
    return 2 * float(mask.sum()) / max(outline, 1.0)


def fix_stroke_width(digit, width):
    """Thicken hairlines and thin marker strokes into MNIST's range.

    MNIST digits were written with pens of similar width at similar sizes;
    a fine pen on a big digit would otherwise shrink to a faint thread, and a
    marker would fill the loops of an 8.
    """
    y0, y1, x0, x1 = bounding_box(digit > 0)
    size = max(y1 - y0, x1 - x0)
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


def centre(digit):
    """Fit the longest side to 20 pixels and put the centre of mass at the
    centre of 28x28, as MNIST did.

    MNIST moved each digit by whole pixels, so its centres of mass lie
    anywhere within half a pixel of the centre; the network reads best a
    digit whose centre is right there. The digit is drawn FINE times larger,
    moved there to a 1/FINE pixel, and shrunk back, each pixel the average of
    FINE x FINE (the 10,000 MNIST test digits drawn dark on white: 97.22%
    read right, against 97.03% moved by whole pixels and 97.15% as MNIST has
    them).
    """
    mask = digit > 0.05
    if not mask.any():
        raise NoDigitFound("no digit found: only specks, no strokes")
    y0, y1, x0, x1 = bounding_box(mask)
    digit = digit[y0:y1, x0:x1]
    h, w = digit.shape
    zoom = FINE * BOX / max(h, w)
    size = (max(1, round(w * zoom)), max(1, round(h * zoom)))
    big = cv2.resize(digit, size, interpolation=cv2.INTER_AREA)
    ys, xs = np.indices(big.shape)
    mass = max(float(big.sum()), 1e-6)
    cy, cx = (ys * big).sum() / mass, (xs * big).sum() / mass
    # Pixel i of the 28x28 input is fine pixels FINE * i to FINE * i + FINE - 1.
    middle = FINE * CENTRE + (FINE - 1) / 2
    top, left = int(round(middle - cy)), int(round(middle - cx))
    # Paste, clipping whatever would fall outside (only very lopsided digits).
    side = FINE * SIDE
    canvas = np.zeros((side, side), np.float32)
    sy, sx, dy, dx = max(0, -top), max(0, -left), max(0, top), max(0, left)
    hh, ww = min(big.shape[0] - sy, side - dy), min(big.shape[1] - sx, side - dx)
    canvas[dy:dy + hh, dx:dx + ww] = big[sy:sy + hh, sx:sx + ww]
    out = cv2.resize(canvas, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    return np.clip(out / max(float(out.max()), 1e-6), 0, 1)


def to_input(img, method="mnist"):
    """Turn a greyscale image into a (28, 28) float32 array in 0..1."""
    if method == "tutorial":
        return tutorial(img)
    if method == "mnist":
        return mnist(img)
    raise ValueError(f"unknown preprocessing method {method!r}")
