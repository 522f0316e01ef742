"""Say which digit (or number) a picture shows, with the network build_model.py trained.

The steps follow the tutorial: load the model, read the image with OpenCV,
turn it into the 28x28 white-on-black input the model was trained on,
predict, and show the picture. A picture of a whole number (a year, a
postcode in a form's boxes) is split into digits first, and each digit gets
its own 28x28 input.
"""
# First, so that from here on Ctrl-C is one line and closed streams are handled.
from tf_quiet import import_keras, interrupt_handled, run_script  # isort: skip

import argparse
import contextlib
import dataclasses
import functools
import io
import json
import os
import signal
import stat
import sys
import unicodedata
import zipfile

# NumPy's BLAS would start a thread per core that spins between the forward
# pass's small products, taking the cores from the workers that prepare the
# pictures; one thread computes a batch of 256 in about a millisecond.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import draw  # noqa: E402
import forward  # noqa: E402
import preprocessing  # noqa: E402
import safe_write  # noqa: E402
from pool import InOrder, cores, start_pool  # noqa: E402
from preprocessing import ImageError, NoDigitFound  # noqa: E402

EXAMPLES = """examples:
  python main.py                       the sample, samples/eight-test.png
  python main.py my-digit.png more/    images, or folders of images
  python main.py photos/ --json        one JSON object per image
  python main.py my-digit.jpg --steps  what each preprocessing stage made of it
  python main.py scans/ --jobs 1       a folder on one core (default: every core)
  python main.py --draw                draw a digit with the mouse, watch the network read it"""

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "samples", "eight-test.png")
MODEL = os.path.join(HERE, "handwriting.keras")  # where build_model.py saves it
# What a folder is searched for; our own saved figures are left out.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff",
                  ".webp", ".pgm", ".ppm", ".pbm")
FIGURE_SUFFIX = ".prediction.png"
MAX_FIGURES = 12  # more windows than this helps nobody
FIGURES = "figures"  # with no display, figures are saved here (in the current folder)
BATCH = 256  # pictures predicted together: one call to the model, steady memory
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
        # build_model.py makes the default one; another path is as the user named it.
        hint = ": run `python build_model.py` first" if os.path.abspath(path) == MODEL else ""
        raise SetupError(f"no model at {name}{hint}") from None
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


def find_model(path):
    """The model's path: as given, or by default the one build_model.py saves
    beside this script, wherever main.py is run from; checked before the
    pictures are read."""
    path = MODEL if path is None else os.fspath(path)
    check_model_file(path)
    return path


def load_network(path):
    """The tutorial's network in NumPy (forward.py), which needs no
    TensorFlow and starts in a fraction of the time; any other model in Keras."""
    path = os.fspath(path)
    check_model_file(path)  # a hostile zip is refused before anyone reads it
    try:
        network = forward.load(path)
    except OSError:
        network = None  # Keras will say why the file cannot be read
    if network is None or not reads_digits(network):
        return load_model(path)  # which says what is wrong with it, if anything
    return network


def reads_digits(model):
    """Whether the model maps 28x28 pixels to 10 digits."""
    return np.prod(model.input_shape[1:]) == 28 * 28 and tuple(model.output_shape[1:]) == (10,)


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


def prepare_one(item, method, steps):
    """read() for one (Result, plotted) pair, in a worker process or here. It
    returns a new Result, so the list of pictures to read does not grow as
    they are read; the picture itself is kept only if it will be plotted."""
    result, plotted = item
    result = dataclasses.replace(result)
    if not result.error:  # a folder that could not be searched has nothing to read
        read(result, method, keep_picture=plotted, steps=plotted and steps)
    return result


def cannot_prepare(item, error):
    """The answer for a picture whose preparing failed unexpectedly: one line,
    and the other pictures are still read."""
    return dataclasses.replace(item[0], error=f"cannot read image: {first_line(error)}")


def start_reading(results, args, plotting):
    """Start preparing the pictures: in a pool of worker processes when there
    are several (started now, so they work while the model loads), here for one."""
    items = ((r, plotting and n < MAX_FIGURES) for n, r in enumerate(results))
    work = functools.partial(prepare_one, method=args.preprocess, steps=args.steps)
    jobs = min(args.jobs, sum(r.error is None for r in results))
    pool = start_pool(jobs, setup=one_thread) if jobs > 1 else None
    return InOrder(work, items, pool, ahead=2 * BATCH, failed=cannot_prepare)


def one_thread():
    """In a worker: OpenCV on one thread, as the pool already uses every core."""
    import cv2
    cv2.setNumThreads(1)


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


# ## Say what each picture shows, as soon as it is known
@dataclasses.dataclass
class Tally:
    """What a run has answered so far, and the pictures kept to plot."""
    total: int  # pictures to read
    done: int = 0
    no_digit: int = 0
    unreadable: int = 0
    shown: list = dataclasses.field(default_factory=list)

    def add(self, result):
        self.done += 1
        self.no_digit += result.reason is not None
        self.unreadable += result.error is not None
        if result.img is not None:
            self.shown.append(result)

    def summary(self):
        return (f"{self.done} pictures: {self.done - self.no_digit - self.unreadable} read, "
                f"{self.no_digit} without a digit, {self.unreadable} unreadable")


def answer_all(model, reader, tally, args):
    """Predict the prepared pictures a batch at a time and print each answer
    as soon as it, and every answer before it, is known: in the order given,
    flushed, so a run stopped later keeps what it printed."""
    bar = progress_bar(tally.total)
    try:
        for batch in reader.batches(BATCH):
            read_results(model, batch)
            with writing_beside(bar), interrupt_after():
                for r in batch:
                    text, stream = answer_line(r, args.json, many=tally.total > 1)
                    stream.write(text + "\n")
                    tally.add(r)
                sys.stdout.flush()
                sys.stderr.flush()
            if bar is not None:
                bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()
    if bar is not None:
        print(tally.summary(), file=sys.stderr)


@contextlib.contextmanager
def interrupt_after():
    """Ctrl-C while a batch's lines are written takes effect once they are
    written and counted: no half line, and "Interrupted: N read" is exact."""
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: caught.append(True))
    except ValueError:  # not the main thread: signals go elsewhere anyway
        yield
        return
    caught = []
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def answer_line(r, as_json_line, many):
    """The line that says what one picture shows, and where it goes: errors
    to stderr, except in --json, where every picture has its object."""
    if as_json_line:
        return json.dumps(as_json(r), allow_nan=False), sys.stdout
    if r.error:
        return f"{safe_name(r.image)}: {describe(r)}", sys.stderr
    return (f"{safe_name(r.image)}: {describe(r)}" if many else describe(r)), sys.stdout


def progress_bar(total):
    """A progress bar on stderr (pictures done, rate, time left), only when
    stderr is a terminal and there is more than one picture: never in a log."""
    if total < 2 or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # installed before requirements.txt named it: no bar, the rest works
        return None
    return tqdm(total=total, unit="picture", file=sys.stderr)


def writing_beside(bar):
    """Lines printed while a progress bar shows: the bar is taken away, the
    lines written, the bar drawn again, so the two never mix on the screen."""
    if bar is None:
        return contextlib.nullcontext()
    return bar.external_write_mode(file=sys.stdout)


# ## Show the picture
def plot(results, folder=FIGURES, readable=None):
    """Show each image with a box round each digit read, the 28x28 inputs
    the network saw, and their probabilities.

    Without a display the figures are saved as PNG files in `folder`, never
    beside the user's pictures. `readable`: how many pictures were read, to
    say when only the first MAX_FIGURES were plotted.
    """
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.backends import BackendFilter, backend_registry

    shown = [r for r in results if r.img is not None]
    interactive = matplotlib.get_backend().lower() in backend_registry.list_builtin(
        BackendFilter.INTERACTIVE)
    names = figure_names(shown, folder)
    for r in shown:
        fig = draw_reading(plt, r)
        if not interactive:
            figure_path = names[r.image]
            try:
                save_figure(fig, figure_path)
                print(f"No display: saved the figure to {safe_name(figure_path)}",
                      file=sys.stderr)
            except OSError as error:
                print(f"No display, and cannot save {safe_name(figure_path)} "
                      f"({error.strerror}): use --no-plot, or run where a window can open",
                      file=sys.stderr)
            plt.close(fig)
    if (readable if readable is not None else sum(r.error is None for r in results)) > MAX_FIGURES:
        print(f"Plotted the first {MAX_FIGURES} images only", file=sys.stderr)
    if interactive and shown:
        plt.show()


def figure_names(results, folder):
    """Where each picture's figure is saved: FOLDER/NAME.prediction.png, the
    folder made if need be; two pictures of one name get NAME-2, NAME-3."""
    names, taken = {}, set()
    for r in results:
        stem = os.path.splitext(os.path.basename(r.image))[0] or "image"
        path, n = os.path.join(folder, stem + FIGURE_SUFFIX), 1
        while path in taken:
            n += 1
            path = os.path.join(folder, f"{stem}-{n}{FIGURE_SUFFIX}")
        names[r.image] = path
        taken.add(path)
    if results:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            pass  # saving says why, for each figure
    return names


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
    parser.add_argument("--model",
                        help="trained model (default: handwriting.keras beside main.py, "
                             "where build_model.py saves it)")
    parser.add_argument("--preprocess", choices=preprocessing.METHODS, default="mnist",
                        help="mnist: crop, scale and centre the digit as MNIST did (default); "
                             "tutorial: the tutorial's resize and invert")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per image per line (no plot)")
    parser.add_argument("--no-plot", action="store_true",
                        help=f"do not show the figures (drawn for the first {MAX_FIGURES} pictures only)")
    parser.add_argument("--figures", default=FIGURES, metavar="DIR",
                        help="with no display, save the figures in DIR, made if need be "
                             "(default: %(default)s/ in the current folder)")
    parser.add_argument("--jobs", type=int, default=cores(), metavar="N",
                        help="worker processes that prepare the pictures of a folder "
                             "(default: %(default)s, this machine's cores; 1: none)")
    parser.add_argument("--steps", action="store_true",
                        help="under each figure, show the picture after each preprocessing stage")
    parser.add_argument("--draw", action="store_true",
                        help="draw a digit with the mouse instead, and watch the network read "
                             "it layer by layer (needs a window)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    # A file name that is not valid text must not crash the printing of it.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")

    # Find the images, and start preparing them on every core: the workers
    # start now, so the model loads (TensorFlow, for some models) meanwhile.
    try:
        model_path = find_model(args.model)
    except SetupError as error:
        print(f"main.py: error: {error}", file=sys.stderr)
        return 2

    # Or draw a digit with the mouse, and watch the network read it.
    if args.draw:
        try:
            model = load_model(model_path)
        except SetupError as error:
            print(f"main.py: error: {error}", file=sys.stderr)
            return 2
        return draw.run(model, args)

    results = find_images(args.images)
    plotting = not (args.json or args.no_plot)
    tally, reader = Tally(len(results)), None
    try:
        reader = start_reading(results, args, plotting)
        # Load the model build_model.py trained.
        try:
            model = load_network(model_path)
        except SetupError as error:
            print(f"main.py: error: {error}", file=sys.stderr)
            return 2

        # Predict a batch at a time, and say what each image shows, in the
        # order given: text for people, or JSON lines.
        answer_all(model, reader, tally, args)
    except KeyboardInterrupt:
        sys.stdout.flush()  # what was printed stays
        print(f"Interrupted: {tally.done} of {tally.total} pictures read", file=sys.stderr)
        interrupt_handled()
        return 130
    finally:
        if reader is not None:
            reader.stop()

    # Show the pictures, and what the network made of them.
    if plotting:
        plot(tally.shown, args.figures, readable=tally.total - tally.unreadable)
    return 1 if tally.unreadable else 0


if __name__ == "__main__":
    run_script(main)
