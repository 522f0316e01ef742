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
import json
import os
import sys

# NumPy's BLAS would start a thread per core that spins between the forward
# pass's small products, taking the cores from the workers that prepare the
# pictures; one thread computes a batch of 256 in about a millisecond.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import forward  # noqa: E402
import preprocessing  # noqa: E402
from figures import FIGURE_SUFFIX, FIGURES, MAX_FIGURES, plot  # noqa: E402
from model_file import (MODEL, SetupError, check_model_file, check_model_shape,  # noqa: E402
                        first_line)
from pool import InOrder, cores, start_pool  # noqa: E402
from preprocessing import ImageError, NoDigitFound  # noqa: E402
from safe_write import interrupts_held, safe_name  # noqa: E402

EXAMPLES = """examples:
  python main.py                       the sample, samples/eight-test.png
  python main.py my-digit.png more/    images, or folders of images
  python main.py photos/ --json        one JSON object per image
  python main.py my-digit.jpg --steps  what each preprocessing stage made of it
  python main.py scans/ --jobs 1       a folder on one core (default: every core)
  python main.py --draw                draw a digit with the mouse, watch the network read it"""

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "samples", "eight-test.png")
# What a folder is searched for; our own saved figures are left out.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff",
                  ".webp", ".pgm", ".ppm", ".pbm")
BATCH = 256  # pictures predicted together: one call to the model, steady memory
PREVIEW_SIZE = 800  # the plot shows the picture at most this big: enough to see


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
def load_model(path):
    """Load the trained network, checking it reads 28x28 digits into 10
    probabilities. A model that ends in scores (logits), not probabilities,
    gets a softmax added, and says so."""
    path = os.fspath(path)
    check_model_file(path)
    return keras_model(path)


def keras_model(path):
    """load_model() for a file already checked."""
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
        return keras_model(path)  # which says what is wrong with it, if anything
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
    if not chosen:  # every piece was likelier a speck or a scrap of a line than a digit
        result.reason = "no digit found: only specks and scraps of lines"
        return
    result.digits = [Digit(result.writing.candidates[i].x, result.writing.candidates[i].box,
                           prediction[i]) for i in chosen]


# A pixel each way: the shifts each candidate is read at, where a picture splits more than one way.
SHIFTS = ((1, 0), (-1, 0), (1, 1), (-1, 1))


def shifted(inputs):
    """Each input moved a pixel down, up, right and left (in that order,
    input by input), black coming in at the edge it leaves (np.roll would
    wrap ink on one edge round to the other)."""
    return [moved_a_pixel(x, step, axis) for x in inputs for step, axis in SHIFTS]


def moved_a_pixel(x, step, axis):
    """x moved one pixel (step +1 or -1) along axis, the edge it leaves black."""
    moved = np.roll(x, step, axis)
    edge = [slice(None)] * x.ndim
    edge[axis] = 0 if step > 0 else -1
    moved[tuple(edge)] = 0
    return moved


def steady(prediction, moved):
    """The network's answers for each candidate read as it is and shifted
    (`moved`: len(SHIFTS) rows per candidate), combined by their geometric
    mean: a digit reads the same a pixel further, two digits pressed into
    one input read as one digit only by chance, and less surely shifted."""
    logs = np.log(np.maximum(prediction, 1e-9))
    moved = np.log(np.maximum(moved, 1e-9)).reshape(len(prediction), len(SHIFTS), -1)
    mean = np.exp((logs + moved.sum(axis=1)) / (1 + len(SHIFTS)))
    return mean / mean.sum(axis=1, keepdims=True)


def read_results(model, results):
    """Predict every candidate digit of every picture in one call to the
    model, then choose each picture's digits. Where a picture may split
    more than one way, each candidate is read shifted too (see steady)."""
    ready = [r for r in results if r.writing is not None]
    inputs = [c.x for r in ready for c in r.writing.candidates]
    if not inputs:
        return
    many = [c.x for r in ready if len(r.writing.candidates) > 1 for c in r.writing.candidates]
    prediction = predict(model, inputs + shifted(many))
    moved = prediction[len(inputs):]
    start = shift = 0
    for r in ready:
        count = len(r.writing.candidates)
        ours = prediction[start:start + count]
        if count > 1:
            ours_moved = moved[shift:shift + count * len(SHIFTS)]
            choose(r, steady(ours, ours_moved))
            shift += count * len(SHIFTS)
        else:
            choose(r, ours)
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
            # Ctrl-C while a batch's lines are written takes effect once they
            # are written and counted: no half line, and "Interrupted: N read" is exact.
            with writing_beside(bar), interrupts_held():
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
            model = keras_model(model_path)  # checked by find_model
        except SetupError as error:
            print(f"main.py: error: {error}", file=sys.stderr)
            return 2
        import draw  # the pad, only when asked for
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
        plot(tally.shown, describe, args.figures, readable=tally.total - tally.unreadable)
    return 1 if tally.unreadable else 0


if __name__ == "__main__":
    run_script(main)
