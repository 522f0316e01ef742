"""How fast main.py reads a folder of pictures, against a plain MNIST-style reader.

    python bench/throughput.py [--count 390] [--jobs N] [--model handwriting.keras]
    python bench/throughput.py --count 100000 --small    # steady memory

Writes N realistic pictures of MNIST test digits (bench/pictures.py's
kinds, in turn: photos, pens, chalk, ruled paper, ...; about 0.2
megapixels, or --enlarge 2 times as big each way, 0.8 megapixels, as a
phone photo cropped to the digit; with --small, the 28x28 digits
themselves as PNGs) into a temporary folder, then runs, each as
a subprocess:

    main.py FOLDER --json          every core (--jobs), our preprocessing
    the plain reader, FOLDER       written below: decode, threshold, crop,
                                   20x20, centre of mass, one batch predict

and each three times more on the first picture alone, to take the
start-up (Python, the imports, the model; the middle of the three runs)
out: per-picture cost = (time for N - time for 1) / (N - 1), in
wall-clock time and in CPU time (the process and the workers it waited
for: what the pictures cost, whatever else the machine is doing). Peak
memory: the largest process's resident set (getrusage of the child, which
counts its workers), and the most all of a run's processes held at once
(sampled from /proc every 0.2 s).
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[0] = ROOT  # not bench/, where numbers.py would hide Python's own numbers module
import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402


# The plain reader: what an MNIST tutorial's reader does, and no more -----------

def plain_input(path):
    """A picture as a 28x28 MNIST-style input: grey, ink bright, Otsu's
    threshold, the ink's box scaled to fit 20x20, its centre of mass put at
    the centre of 28x28."""
    img = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if img is None:
        return np.zeros((28, 28), np.float32)
    if np.median(img) > 127:  # dark ink on light paper: make the ink bright
        img = 255 - img
    _, ink = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(xs) == 0:
        return np.zeros((28, 28), np.float32)
    digit = np.where(ink > 0, img, 0)[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = digit.shape
    scale = 20 / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    digit = cv2.resize(digit, size, interpolation=cv2.INTER_AREA)
    x = np.zeros((28, 28), np.float32)
    top, left = (28 - size[1]) // 2, (28 - size[0]) // 2
    x[top:top + size[1], left:left + size[0]] = digit / 255
    m = cv2.moments(x)
    if m["m00"] > 0:  # shift the centre of mass to the middle
        shift = np.float32([[1, 0, 14 - m["m10"] / m["m00"]], [0, 1, 14 - m["m01"] / m["m00"]]])
        x = cv2.warpAffine(x, shift, (28, 28))
    return x


def plain_reader(folder, model_path):
    """Read every picture in `folder` (sorted) and print one digit a line."""
    from tf_quiet import import_keras
    keras = import_keras()
    model = keras.models.load_model(model_path)
    names = sorted(os.listdir(folder))
    inputs = np.stack([plain_input(os.path.join(folder, name)) for name in names])
    digits = model.predict(inputs, batch_size=1024, verbose=0).argmax(axis=1)
    sys.stdout.write("".join(f"{name} {d}\n" for name, d in zip(names, digits)))


# Running and measuring ------------------------------------------------------------

@dataclasses.dataclass
class Run:
    seconds: float
    cpu: float  # CPU seconds of the process and the workers it waited for
    peak_mb: float  # the largest process's peak resident set
    all_mb: float  # the most all the run's processes held at once (sampled)
    stdout: str


def tree_rss(pid):
    """Resident memory of `pid` and its descendants now, in MB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except (OSError, StopIteration, ValueError):
            pass
    return total / 1024


def measure(command):
    """Run `command`; its wall-clock time, peak memory and output."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, text=True)
        most, done = [0.0], threading.Event()

        def sample():
            while not done.wait(0.2):
                most[0] = max(most[0], tree_rss(process.pid))
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        errors = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1):  # 1: some picture could not be read
            sys.exit(f"throughput.py: {' '.join(command)} failed:\n{errors}")
        out.seek(0)
        return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, most[0],
                   out.read())


def write_pictures(folder, count, small, seed=0, enlarge=1):
    """`count` pictures of MNIST test digits in `folder`, named
    NNNNNN-LABEL.EXT, each `enlarge` times as big each way; their labels in order."""
    from bench.pictures import KINDS, enlarged, make_images
    with np.load(os.path.join(ROOT, "mnist.npz")) as data:
        x, y = data["x_test"], data["y_test"]  # never the training split
    if small:
        images = [("plain", cv2.imencode(".png", 255 - x[i])[1].tobytes(), int(y[i]))
                  for i in range(min(count, len(x)))]
    else:
        per_kind = min(-(-count // len(KINDS)), len(x))
        rng = np.random.default_rng(seed)
        made = [(kind, enlarged(kind, data, enlarge, rng), label)
                for kind, data, label in make_images(x, y, per_kind, seed)]
        # Kinds in turn, so that any first N are a mix of them.
        images = [made[k * per_kind + n] for n in range(per_kind) for k in range(len(KINDS))]
    labels = []
    for n in range(count):  # more than were made: the same bytes again
        _, data, label = images[n % len(images)]
        ext = ".jpg" if data[:3] == b"\xff\xd8\xff" else ".png"
        with open(os.path.join(folder, f"{n:06d}-{label}{ext}"), "wb") as f:
            f.write(data)
        labels.append(label)
    return labels


def accuracy(lines, labels, main_py):
    """Right answers among the first len(labels) lines of output."""
    if main_py:
        digits = [json.loads(line).get("digit") for line in lines]
    else:
        digits = [int(line.split()[1]) for line in lines]
    return np.mean([d == label for d, label in zip(digits, labels)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=390, metavar="N",
                        help="pictures in the folder (default: %(default)s, 30 of each kind)")
    parser.add_argument("--small", action="store_true",
                        help="the 28x28 test digits as PNGs, not realistic photos")
    parser.add_argument("--enlarge", type=float, default=1, metavar="F",
                        help="realistic pictures F times as big each way, as a phone's "
                             "photo (2: 0.8 megapixels; default: %(default)s, 0.2)")
    parser.add_argument("--jobs", type=int, help="main.py's --jobs (default: its own)")
    parser.add_argument("--model", default=os.path.join(ROOT, "handwriting.keras"),
                        help="trained model (default: handwriting.keras)")
    parser.add_argument("--no-plain", action="store_true", help="main.py only")
    parser.add_argument("--main", default=os.path.join(ROOT, "main.py"), metavar="PATH",
                        help="the main.py to time, e.g. an older copy (default: this one)")
    parser.add_argument("--plain-reader", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain_reader:  # the subprocess the bench runs
        plain_reader(args.plain_reader, args.model)
        return
    if args.count < 2:
        parser.error("--count must be at least 2")

    with tempfile.TemporaryDirectory() as tmp:
        folder, first = os.path.join(tmp, "pictures"), os.path.join(tmp, "first")
        os.mkdir(folder)
        os.mkdir(first)
        start = time.perf_counter()
        labels = write_pictures(folder, args.count, args.small, enlarge=args.enlarge)
        name = sorted(os.listdir(folder))[0]
        os.link(os.path.join(folder, name), os.path.join(first, name))
        print(f"{args.count} {'small PNG' if args.small else 'realistic'} pictures written "
              f"in {time.perf_counter() - start:.0f} s", file=sys.stderr)

        jobs = [] if args.jobs is None else ["--jobs", str(args.jobs)]
        readers = {"main.py": lambda where: [sys.executable, args.main,
                                             where, "--json", "--model", args.model, *jobs]}
        if not args.no_plain:
            readers["plain reader"] = lambda where: [
                sys.executable, os.path.abspath(__file__), "--model", args.model,
                "--plain-reader", where]
        rows = {}
        for reader, command in readers.items():
            # The start-up varies by a tenth of a second from run to run: the
            # middle of three runs on one picture is taken out.
            one = sorted((measure(command(first)) for _ in range(3)), key=lambda r: r.seconds)[1]
            many = measure(command(folder))
            per_picture = (many.seconds - one.seconds) / (args.count - 1)
            cpu = (many.cpu - one.cpu) / (args.count - 1)
            rows[reader] = (many, one, per_picture, cpu,
                            accuracy(many.stdout.splitlines(), labels, reader == "main.py"))

    kind = "small PNGs" if args.small else "realistic pictures"
    if args.enlarge != 1 and not args.small:
        kind += f", enlarged {args.enlarge:g} times"
    print(f"{args.count} {kind}, {os.cpu_count()} cores"
          + (f", main.py --jobs {args.jobs}" if args.jobs else ""))
    print(f"{'reader':<14}{'total s':>9}{'1 picture s':>13}{'pictures/s':>12}"
          f"{'ms/picture':>12}{'CPU ms':>8}{'peak MB':>9}{'all MB':>8}{'accuracy':>10}")
    for reader, (many, one, per_picture, cpu, right) in rows.items():
        print(f"{reader:<14}{many.seconds:>9.1f}{one.seconds:>13.2f}"
              f"{args.count / many.seconds:>12.0f}{1000 * per_picture:>12.1f}{1000 * cpu:>8.1f}"
              f"{many.peak_mb:>9.0f}{many.all_mb:>8.0f}{right:>10.1%}")
    if len(rows) == 2:
        ratio = rows["main.py"][2] / rows["plain reader"][2]
        cpu = rows["main.py"][3] / rows["plain reader"][3]
        print(f"main.py's cost per picture: {ratio:.1f} times the plain reader's "
              f"({cpu:.1f} times in CPU time)")


if __name__ == "__main__":
    main()
