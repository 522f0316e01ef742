"""Say which digit (or number) a picture shows, with the network build_model.py trained.

The steps follow the tutorial: load the model, read the image with OpenCV,
turn it into the 28x28 white-on-black input the model was trained on,
predict, and show the picture. A picture of a whole number (a year, a
postcode in a form's boxes) is split into digits first, and each digit gets
its own 28x28 input.
"""
# First, so that from here on Ctrl-C is one line and closed streams are handled.
from tf_quiet import import_keras, run_script  # isort: skip

import argparse
import dataclasses
import io
import json
import os
import stat
import sys
import unicodedata
import zipfile

import numpy as np

import draw
import preprocessing
import safe_write
from preprocessing import ImageError, NoDigitFound

EXAMPLES = """examples:
  python main.py                       the sample, samples/eight-test.png
  python main.py my-digit.png more/    images, or folders of images
  python main.py photos/ --json        one JSON object per image
  python main.py my-digit.jpg --steps  what each preprocessing stage made of it
  python main.py --draw                draw a digit with the mouse, watch the network read it"""

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "samples", "eight-test.png")
# What a folder is searched for; our own saved figures are left out.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff",
                  ".webp", ".pgm", ".ppm", ".pbm")
FIGURE_SUFFIX = ".prediction.png"
MAX_FIGURES = 12  # more windows than this helps nobody
PREVIEW_SIZE = 800  # the plot shows the picture at most this big: enough to see


class SetupError(Exception):
    """Something to fix before any image can be read (message: one line)."""


@dataclasses.dataclass
class Digit:
    """One digit read in a picture."""
    x: np.ndarray  # the 28x28 input the network saw
    box: tuple  # where it is in the picture: x, y, width, height in its pixels
    prediction: np.ndarray  # the network's probability for each digit

    @property
    def digit(self):
        return int(np.argmax(self.prediction))

    @property
    def confidence(self):
        return float(np.max(self.prediction))


@dataclasses.dataclass
class Result:
    """What we learn about one image, step by step."""
    image: str  # its path, as given
    img: np.ndarray = None  # the picture as read (shrunk), kept only to plot it
    shrunk: float = 1.0  # how much img was shrunk, to draw the digits' boxes on it
    writing: preprocessing.Writing = None  # the ways its ink may split into digits
    digits: list = None  # the Digits read, left to right
    error: str = None  # why the file could not be read
    reason: str = None  # why no digit was found in it
    steps: preprocessing.Steps = None  # the picture after each stage, with --steps

    @property
    def number(self):
        return "".join(str(d.digit) for d in self.digits) if self.digits else None

    @property
    def least_sure(self):
        return min(d.confidence for d in self.digits)


# ## Load the model
# What a digit model's .keras file may unpack to, checked before Keras reads
# it: the tutorial's holds 4 KB of configuration and 1.4 MB of weights.
MODEL_BUDGET = {"config.json": 2**20, "metadata.json": 2**16, "model.weights.h5": 64 * 2**20,
                "model.weights.npz": 64 * 2**20}
MODEL_OTHER_BUDGET = 2**20  # anything else in the file, all together
# The layers config.json declares are built (their weights allocated) before
# any weight is read: a few bytes can ask for gigabytes. An estimate, high on
# purpose, of their numbers: the tutorial's is 0.2 million, the convnet's 5.
MODEL_MAX_WEIGHTS = 200_000_000
MODEL_MAX_VALUES = 2**22  # in one layer's input or output (the convnet's largest: 21,632)
# What the weights file's arrays may take once read, by their declared shapes:
# a compressed array can declare gigabytes in a few bytes.
MODEL_MAX_WEIGHT_BYTES = 256 * 2**20
WIDTH_KEYS = ("units", "filters", "output_dim", "input_dim", "key_dim", "num_heads", "n")
SHAPE_KEYS = ("batch_shape", "input_shape", "shape", "target_shape", "size")


def load_model(path):
    """Load the trained network, checking it reads 28x28 digits into 10
    probabilities. A model that ends in scores (logits), not probabilities,
    gets a softmax added, and says so."""
    path = os.fspath(path)
    check_model_file(path)
    keras = import_keras()  # TensorFlow loads here, not when main.py is imported
    try:
        model = keras.models.load_model(path)
    except Exception as error:  # a damaged file or another program's: one line, no traceback
        raise SetupError(f"cannot load model {safe_name(path)}: {first_line(error)}")
    check_model_shape(model, path)
    if not gives_probabilities(model, path):
        print(f"main.py: note: {safe_name(path)} gives scores, not probabilities: "
              "a softmax turns them into probabilities", file=sys.stderr)
        model = keras.Sequential([model, keras.layers.Softmax()])
    return model


def check_model_file(path):
    """A model file is a regular file and a zip archive whose members fit a
    digit model: checked before Keras unpacks anything."""
    name = safe_name(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise SetupError(f"no model at {name}: run `python build_model.py` first") from None
    except OSError as error:  # a symlink loop, no permission...
        raise SetupError(f"cannot open model {name}: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        raise SetupError(f"{name} is a folder, not a model file")
    if not stat.S_ISREG(mode):
        raise SetupError(f"{name} is not a regular file")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            check_model_members(name, members)
            config = archive.read("config.json") if "config.json" in archive.namelist() else None
            check_model_weights(name, archive)
    except SetupError:
        raise
    except OSError as error:
        raise SetupError(f"cannot read model {name}: {error.strerror}") from None
    except Exception:  # BadZipFile, or a header zipfile cannot parse
        raise SetupError(f"cannot load model {name}: it is not a .keras file, "
                         "or it is cut short (not a whole zip archive)") from None
    if config is not None:
        check_model_config(name, config)


def check_model_members(name, members):
    """Each member of the zip within what a digit model needs, from the
    sizes the zip declares (zipfile reads no more than that)."""
    if len(members) > 64:
        raise SetupError(f"{name} is not a digit model: it holds {len(members):,} files")
    other = 0
    for member in members:
        budget = MODEL_BUDGET.get(member.filename)
        if budget is None:
            other += member.file_size
        if member.file_size > (budget or MODEL_OTHER_BUDGET) or other > MODEL_OTHER_BUDGET:
            raise SetupError(f"{name} is not a digit model: its {safe_name(member.filename)} "
                             f"unpacks to {member.file_size:,} bytes, more than a digit "
                             f"model needs ({budget or MODEL_OTHER_BUDGET:,})")


def check_model_weights(name, archive):
    """The arrays of the weights file within budget, from their declared
    shapes (HDF5 datasets, or .npy headers), before Keras reads any."""
    names = archive.namelist()
    sizes = []
    try:
        if "model.weights.h5" in names:
            import h5py  # Keras's own dependency, for .keras files
            with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as weights:
                weights.visititems(lambda key, item: sizes.append(
                    item.size * item.dtype.itemsize) if isinstance(item, h5py.Dataset) else None)
        elif "model.weights.npz" in names:
            with zipfile.ZipFile(io.BytesIO(archive.read("model.weights.npz"))) as weights:
                for member in weights.namelist():
                    with weights.open(member) as f:
                        version = np.lib.format.read_magic(f)
                        shape, _, dtype = (np.lib.format.read_array_header_1_0(f)
                                           if version == (1, 0)
                                           else np.lib.format.read_array_header_2_0(f))
                        sizes.append(float(np.prod(shape, dtype=float)) * dtype.itemsize)
    except Exception as error:  # h5py, zip and .npy header errors: a damaged file
        raise SetupError(f"cannot load model {name}: its weights cannot be read "
                         f"({first_line(error)})") from None
    if sum(sizes) > MODEL_MAX_WEIGHT_BYTES:
        raise SetupError(f"{name} is not a digit model: its weights would take "
                         f"{sum(sizes):,.0f} bytes once read, more than a digit model "
                         f"needs ({MODEL_MAX_WEIGHT_BYTES:,})")


def check_model_config(name, text):
    """Refuse a config.json that declares layers too big for a digit model,
    before Keras builds them."""
    try:
        config = json.loads(text)
    except (ValueError, RecursionError):
        raise SetupError(f"cannot load model {name}: its config.json is not JSON") from None
    layers, largest, stack = [], 28 * 28, [config]
    while stack:  # a loop, not recursion: any depth of nesting is fine
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        if not isinstance(item, dict):
            continue
        stack.extend(item.values())
        width = max([number(item.get(key)) for key in WIDTH_KEYS], default=0)
        kernel = item.get("kernel_size")
        area = np.prod([number(k) for k in kernel]) if isinstance(kernel, list) \
            else number(kernel) or 1
        layers.append((width, area))
        for key in SHAPE_KEYS:
            value = item.get(key)
            sizes = [number(v) or 1 for v in value] if isinstance(value, list) else [number(value)]
            if key == "size":  # UpSampling: a factor on the 28x28 picture
                sizes.append(28 * 28)
            largest = max(largest, float(np.prod(sizes, dtype=float)))
        largest = max(largest, number(item.get("height")) * number(item.get("width")))  # Resizing
    largest = max([largest] + [width for width, _ in layers])
    weights = sum(float(width) * area * largest for width, area in layers)
    if largest > MODEL_MAX_VALUES:  # an activation this big, for each picture
        raise SetupError(f"{name} is not a digit model: a layer of it holds {largest:,.0f} "
                         f"values per picture, more than a digit model needs "
                         f"({MODEL_MAX_VALUES:,})")
    if weights > MODEL_MAX_WEIGHTS:
        raise SetupError(f"{name} is not a digit model: its layers would hold about "
                         f"{weights:,.0f} numbers, more than a digit model needs "
                         f"({MODEL_MAX_WEIGHTS:,})")


def number(value):
    """A size from a config: a number, or 0 for anything else (None, text)."""
    return abs(float(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else 0


def check_model_shape(model, path):
    """One input of 28x28 pixels (any layout), one output of 10."""
    name = safe_name(path)
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise SetupError(f"{name} is not a digit model: it has {len(model.inputs)} input(s) "
                         f"and {len(model.outputs)} output(s), not one of each")
    size = model.input_shape[1:]
    if (None in size or int(np.prod(size)) != 28 * 28
            or tuple(model.output_shape[1:]) != (10,)):
        raise SetupError(f"{name} is not a digit model: it maps {size} "
                         f"to {tuple(model.output_shape[1:])}, not 28x28 pixels to 10 digits")


def gives_probabilities(model, path):
    """Whether the model's outputs are probabilities, tried on a few inputs;
    a model that gives NaN (damaged weights) is refused."""
    damaged = (f"{safe_name(path)} is damaged: it holds or answers NaN (not a number) or "
               "infinity; train it again with `python build_model.py`")
    if not all(np.all(np.isfinite(w)) for w in model.get_weights()):
        raise SetupError(damaged)
    rng = np.random.default_rng(0)
    probe = np.stack([np.zeros((28, 28)), np.ones((28, 28)), rng.random((28, 28)),
                      rng.random((28, 28)) ** 4]).astype(np.float32)
    try:
        outputs = predict(model, list(probe))
    except Exception as error:
        raise SetupError(f"cannot run model {safe_name(path)}: {first_line(error)}") from None
    if not np.all(np.isfinite(outputs)):
        raise SetupError(damaged)
    return bool(np.all(outputs >= -1e-6) and np.all(outputs <= 1 + 1e-6)
                and np.allclose(outputs.sum(axis=1), 1, atol=1e-3))


def first_line(error):
    return safe_name(str(error).strip().splitlines()[0]) if str(error).strip() \
        else type(error).__name__


def safe_name(text):
    """`text` as one line of valid text, the same in text and JSON output:
    control characters escaped (\\n, \\x1b), and bytes of a file name that
    are not UTF-8 written as \\xff."""
    parts = []
    for char in text:
        if "\udc80" <= char <= "\udcff":  # a byte os.fsdecode could not decode
            parts.append(f"\\x{ord(char) - 0xdc00:02x}")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            parts.append(char.encode("unicode_escape").decode("ascii"))
        else:
            parts.append(char)
    return "".join(parts)


# ## Read the images
def find_images(paths):
    """A Result for each image; a folder stands for the images inside it, in
    sorted order."""
    results = []
    for path in paths:
        if not os.path.isdir(path):
            results.append(Result(path))
            continue
        try:
            names = sorted(name for name in os.listdir(path)
                           if name.lower().endswith(IMAGE_SUFFIXES)
                           and not name.endswith(FIGURE_SUFFIX)
                           and not name.startswith("."))
        except OSError as error:
            results.append(Result(path, error=f"cannot list this folder ({error.strerror})"))
            continue
        if not names:
            results.append(Result(path, error="no images in this folder"))
        results += [Result(os.path.join(path, name)) for name in names]
    return results


def read(result, method, keep_picture, steps=False):
    """Read one image and prepare the network's inputs; a bad file is noted,
    never raised, so the other images are still answered."""
    try:
        img = preprocessing.read_image(result.image)
    except ImageError as error:
        result.error = f"cannot read image: {error}"
        return
    if keep_picture:
        result.img, result.shrunk = preprocessing.resize_longest(img, 1, PREVIEW_SIZE)
    prepare(result, img, method, steps)


def prepare(result, img, method, steps=False):
    """Turn the picture into 28x28 inputs: one per digit, or, for a number
    whose digits touch, one per way of splitting it (the network chooses)."""
    try:
        if method == "tutorial":
            h, w = img.shape
            x = preprocessing.tutorial(img)
            result.writing = preprocessing.Writing(1, [preprocessing.Candidate(0, 0, x, (0, 0, w, h))])
        else:
            result.writing = preprocessing.read_number(img, steps=steps)
            result.steps = result.writing.steps
    except NoDigitFound as error:
        result.reason = str(error)
        result.steps = getattr(error, "steps", None)  # how far it got


# ## Predict
def predict(model, inputs):
    """The ten probabilities for each 28x28 input, in one call to the model."""
    batch = np.stack(inputs).astype(np.float32)
    # A convnet may want a channel axis: shape the batch to the model's input.
    batch = batch.reshape((len(batch),) + tuple(model.input_shape[1:]))
    return np.asarray(model.predict_on_batch(batch))


def choose(result, prediction):
    """The digits the picture shows: of the ways its ink may split into
    digits, the one whose digits the network is surest of."""
    if not np.all(np.isfinite(prediction)):  # JSON has no NaN, and "nan% sure" says nothing
        result.error = "the model answered NaN (not a number) for it"
        return
    chosen = preprocessing.best_reading(result.writing, prediction)
    result.digits = [Digit(result.writing.candidates[i].x, result.writing.candidates[i].box,
                           prediction[i]) for i in chosen]


def read_results(model, results):
    """Predict every candidate digit of every picture in one call to the
    model, then choose each picture's digits."""
    ready = [r for r in results if r.writing is not None]
    inputs = [c.x for r in ready for c in r.writing.candidates]
    if not inputs:
        return
    prediction = predict(model, inputs)
    start = 0
    for r in ready:
        count = len(r.writing.candidates)
        choose(r, prediction[start:start + count])
        start += count


def describe(result):
    """One line of text for one image."""
    if result.error:
        return safe_name(result.error)
    if result.reason:
        return safe_name(result.reason)
    if len(result.digits) == 1:
        digit = result.digits[0]
        return f"The number is probably a {digit.digit} ({digit.confidence:.1%} sure)"
    return f"The number is probably {result.number} (least sure digit: {result.least_sure:.0%})"


def as_json(result):
    """One JSON object for one image: "digit" for a single digit, and for
    every picture the number and each digit with its box in the picture."""
    image = safe_name(result.image)
    if result.error:
        return {"image": image, "error": safe_name(result.error)}
    if result.reason:
        return {"image": image, "digit": None, "number": None, "digits": [],
                "reason": safe_name(result.reason)}
    answer = {"image": image}
    if len(result.digits) == 1:
        only = result.digits[0]
        answer.update(digit=only.digit, confidence=round(only.confidence, 4),
                      probabilities=[round(float(p), 4) for p in only.prediction])
    answer["number"] = result.number
    answer["digits"] = [{"digit": d.digit, "confidence": round(d.confidence, 4),
                         "box": [int(v) for v in d.box],
                         "probabilities": [round(float(p), 4) for p in d.prediction]}
                        for d in result.digits]
    return answer


# ## Show the picture
def plot(results):
    """Show each image with a box round each digit read, the 28x28 inputs
    the network saw, and their probabilities.

    Without a display the figures are saved as PNG files beside the images.
    """
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.backends import BackendFilter, backend_registry

    shown = [r for r in results if r.img is not None]
    interactive = matplotlib.get_backend().lower() in backend_registry.list_builtin(
        BackendFilter.INTERACTIVE)
    for r in shown:
        fig = draw_reading(plt, r)
        if not interactive:
            figure_path = os.path.splitext(r.image)[0] + FIGURE_SUFFIX
            try:
                save_figure(fig, figure_path)
                print(f"No display: saved the figure to {safe_name(figure_path)}",
                      file=sys.stderr)
            except OSError as error:
                print(f"No display, and cannot save {safe_name(figure_path)} "
                      f"({error.strerror}): use --no-plot, or run where a window can open",
                      file=sys.stderr)
            plt.close(fig)
    if sum(r.error is None for r in results) > MAX_FIGURES:
        print(f"Plotted the first {MAX_FIGURES} images only", file=sys.stderr)
    if interactive and shown:
        plt.show()


def draw_reading(plt, r):
    """One figure: the picture as read with each digit's box and reading;
    each digit's 28x28 input and its ten probabilities (under the picture
    for a number, beside it for one digit); with --steps, the stages."""
    digits = r.digits or []
    many = len(digits) > 1
    rows = ([2.2, 1, 0.9] if many else [1.6]) + ([1] if r.steps is not None else [])
    width = 12 if r.steps is not None else max(10, 1.3 * len(digits))
    fig = plt.figure(figsize=(width, 2.2 * sum(rows)))
    grid = fig.add_gridspec(len(rows), 1, height_ratios=rows)
    # parse_math=False: a "$" in a file name is text, not a formula.
    fig.suptitle(f"{safe_name(os.path.basename(r.image))}: {describe(r)}", parse_math=False)
    if many:
        ax_img = fig.add_subplot(grid[0])
        inputs, bars = grid[1].subgridspec(1, len(digits)), grid[2].subgridspec(1, len(digits))
        for n, d in enumerate(digits):
            draw_input(fig.add_subplot(inputs[n]), d.x, str(d.digit))
            draw_bars(fig.add_subplot(bars[n]), d, small=True)
    else:
        ax_img, ax_input, ax_bars = (fig.add_subplot(cell) for cell in grid[0].subgridspec(1, 3))
        draw_input(ax_input, digits[0].x if digits else None, "28x28 input the network saw")
        draw_bars(ax_bars, digits[0] if digits else None, small=False)
    ax_img.imshow(r.img, cmap="gray", vmin=0, vmax=255)
    ax_img.set_title("image as read")
    ax_img.set_xticks([])
    ax_img.set_yticks([])
    for d in digits:  # each digit's box, and what was read there
        x, y, w, h = (v * r.shrunk for v in d.box)
        ax_img.add_patch(plt.Rectangle((x - 0.5, y - 0.5), w, h, fill=False, color="tab:orange",
                                       linewidth=1.5))
        if many:
            ax_img.text(x + w / 2, y - 2, str(d.digit), color="tab:orange", ha="center",
                        va="bottom", fontsize=12, fontweight="bold")
    if r.steps is not None:
        strip = grid[len(rows) - 1].subgridspec(1, len(STAGES))
        draw_steps([fig.add_subplot(strip[n]) for n in range(len(STAGES))], r.steps)
    fig.tight_layout()
    return fig


def draw_input(ax, x, title):
    """A 28x28 input as the network saw it."""
    if x is not None:
        ax.imshow(x, cmap="gray", vmin=0, vmax=1)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])


def draw_bars(ax, d, small):
    """A digit's ten probabilities, the one read in orange."""
    if d is not None:
        ax.bar(range(10), d.prediction, color="tab:blue")
        ax.bar(d.digit, d.confidence, color="tab:orange")
    ax.set(xticks=range(10), ylim=(0, 1))
    if small:
        ax.tick_params(labelsize=6)
        ax.set_yticks([])
    else:
        ax.set_title("probability of each digit")


# What each stage's picture shows: grey levels (0 to 255), ink (0 to 1), or
# ink measured against the paper (0 up to its darkest strokes: None).
STAGES = {"as read": (0, 255), "ground evened out": (0, 255), "ink": (0, None),
          "lines removed": (0, None), "digit cut out": (0, 1), "20x20 box": (0, 1),
          "28x28 input": (0, 1)}


def draw_steps(axes, steps):
    """The picture after each stage of preprocessing, left to right, titled
    with the stage's name as in the README and preprocessing/pipeline.py."""
    for ax, (name, (low, high)) in zip(axes, STAGES.items()):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name, fontsize=9)
        if name in steps.images:
            img = steps.images[name]
            high = high or max(float(np.percentile(img, 99.9)), 0.05)
            ax.imshow(img, cmap="gray", vmin=low, vmax=high)
        else:
            ax.text(0.5, 0.5, "(not reached)", ha="center", va="center", fontsize=8,
                    transform=ax.transAxes)


def save_figure(fig, path):
    """Save a figure as PNG whole or not at all (see safe_write.py); never
    through a symbolic link, nor over a file that is not a PNG."""
    safe_write.check_target(path)
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                raise safe_write.Refused("a file that is not a PNG has that name")
    with safe_write.replacing(path) as tmp:
        fig.savefig(tmp, format="png")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("images", nargs="*", default=[SAMPLE],
                        help="image files or folders (default: samples/eight-test.png)")
    parser.add_argument("--model", default="handwriting.keras",
                        help="trained model (default: %(default)s)")
    parser.add_argument("--preprocess", choices=preprocessing.METHODS, default="mnist",
                        help="mnist: crop, scale and centre the digit as MNIST did (default); "
                             "tutorial: the tutorial's resize and invert")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per image per line (no plot)")
    parser.add_argument("--no-plot", action="store_true", help="do not show the figures")
    parser.add_argument("--steps", action="store_true",
                        help="under each figure, show the picture after each preprocessing stage")
    parser.add_argument("--draw", action="store_true",
                        help="draw a digit with the mouse instead, and watch the network read "
                             "it layer by layer (needs a window)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    # A file name that is not valid text must not crash the printing of it.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")

    # Load the model build_model.py trained.
    try:
        model = load_model(args.model)
    except SetupError as error:
        print(f"main.py: error: {error}", file=sys.stderr)
        return 2

    # Or draw a digit with the mouse, and watch the network read it.
    if args.draw:
        return draw.run(model, args)

    # Read each image and turn it into the 28x28 input the model knows.
    results = find_images(args.images)
    plotting = not (args.json or args.no_plot)
    for n, result in enumerate(results):
        if not result.error:  # a folder that could not be searched has nothing to read
            shown = plotting and n < MAX_FIGURES
            read(result, args.preprocess, keep_picture=shown, steps=shown and args.steps)

    # Predict every digit in one batch: one call to the model, not one per image.
    read_results(model, results)

    # Say what each image shows, in the order given: text for people, or JSON lines.
    for r in results:
        if args.json:
            print(json.dumps(as_json(r), allow_nan=False))
        elif r.error:
            print(f"{safe_name(r.image)}: {describe(r)}", file=sys.stderr)
        elif len(results) > 1:
            print(f"{safe_name(r.image)}: {describe(r)}")
        else:
            print(describe(r))

    # Show the pictures, and what the network made of them.
    if plotting:
        plot(results)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    run_script(main)
