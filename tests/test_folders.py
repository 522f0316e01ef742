"""Folders of pictures: a pool of workers, answers in order, Ctrl-C, progress,
the scripts run from elsewhere, and the NumPy forward pass."""
import fcntl
import json
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import termios

import cv2
import numpy as np

import forward
import main
from conftest import ROOT, ctrl_c_as_on_a_terminal, run
from tf_quiet import import_keras

SAMPLES = os.path.join(ROOT, "samples")
NAMES = sorted(name for name in os.listdir(SAMPLES) if name.endswith(".png"))


def folder_of_samples(folder, copies):
    """`copies` of each sample in `folder`, named so that sorted order mixes them."""
    folder.mkdir()
    for n in range(copies):
        for name in NAMES:
            shutil.copy(os.path.join(SAMPLES, name), folder / f"{n:04d}-{name}")
    return folder


def test_a_pool_reads_dense_squared_paper_without_a_worker_dying(model_path, mnist_test, tmp_path):
    """Workers run OpenCV on one thread, where OpenCV 5's Canny corrupts the
    heap on a dense grid of edges (a number on heavy squared paper, a bench
    picture): the worker died and took the other answers with it."""
    from bench import numbers
    x, y = mnist_test
    data, _ = numbers.make_number("ruled", x, y, np.random.default_rng([0, numbers.KINDS.index("ruled"), 2]))
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    lines = img < np.median(img) - 20  # the grid: rows and columns dark most of the way
    assert (lines.mean(axis=0) > 0.6).sum() > 100 and (lines.mean(axis=1) > 0.6).sum() > 100
    folder = tmp_path / "pictures"
    folder.mkdir()
    (folder / "a-squared.jpg").write_bytes(data)
    shutil.copy(os.path.join(SAMPLES, NAMES[0]), folder / "b-sample.png")
    result = run("main.py", folder, "--no-plot", "--jobs", 2, "--model", model_path)
    assert "terminated abruptly" not in result.stdout + result.stderr
    assert "b-sample.png: The number is probably" in result.stdout


def test_a_pool_answers_in_order_and_a_bad_file_among_good_ones(model_path, tmp_path):
    folder = folder_of_samples(tmp_path / "pictures", 2)
    (folder / "0001-broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    one = run("main.py", folder, "--json", "--jobs", 1, "--model", model_path)
    two = run("main.py", folder, "--json", "--jobs", 2, "--model", model_path)
    assert two.returncode == one.returncode == 1  # one file could not be read
    assert two.stdout == one.stdout
    answers = [json.loads(line) for line in two.stdout.splitlines()]
    assert [a["image"] for a in answers] == [str(folder / n) for n in sorted(os.listdir(folder))]
    broken = [a for a in answers if a["image"].endswith("broken.png")]
    assert len(broken) == 1 and broken[0]["error"].startswith("cannot read image:")
    digits = [a["digit"] for a in answers if "error" not in a]
    assert digits == [8 if n.startswith("eight") else int(n[0]) for n in NAMES] * 2
    assert "Traceback" not in two.stderr


def test_the_scripts_run_from_another_folder(tmp_path):
    """Defaults beside the scripts (mnist.npz), explicit paths as given
    (relative to where the user is), and nothing written elsewhere."""
    trained = run("build_model.py", "--epochs", 1, "--limit", 2000, "--output", "mine.keras",
                  cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    assert os.listdir(tmp_path) == ["mine.keras"]
    shutil.copy(os.path.join(SAMPLES, "7.png"), tmp_path / "seven.png")
    read = run("main.py", "seven.png", "--model", "mine.keras", "--no-plot", cwd=tmp_path)
    assert read.returncode == 0, read.stderr
    assert read.stdout.startswith("The number is probably a ")
    assert sorted(os.listdir(tmp_path)) == ["mine.keras", "seven.png"]
    assert main.MODEL == os.path.join(ROOT, "handwriting.keras")
    assert main.parse_args([]).model is None  # None: main.MODEL, wherever main.py is run


def test_ctrl_c_keeps_what_was_printed(model_path, tmp_path):
    """Ctrl-C on a terminal reaches every process of the group: the workers
    leave it to main.py, which says in one line how many were read."""
    folder = folder_of_samples(tmp_path / "pictures", 60)  # 600 pictures: many seconds
    process = subprocess.Popen([sys.executable, os.path.join(ROOT, "main.py"), folder,
                                "--no-plot", "--jobs", "2", "--model", model_path],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=ctrl_c_as_on_a_terminal)
    try:
        first = [process.stdout.readline() for _ in range(3)]
        os.killpg(process.pid, signal.SIGINT)
        # read() on the same files as readline(): communicate() would skip
        # what readline() has read ahead into its buffer.
        rest, errors = process.stdout.read(), process.stderr.read()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    lines = (''.join(first) + rest).splitlines()
    assert 3 <= len(lines) < 600
    for n, line in enumerate(lines):  # whole lines, in order
        name = f"{n // len(NAMES):04d}-{NAMES[n % len(NAMES)]}"
        assert line.startswith(f"{folder / name}: The number is probably a ")
    assert errors == f"Interrupted: {len(lines)} of 600 pictures read\n"


def run_on_a_terminal(*args):
    """main.py with its stderr on a pseudo-terminal of 100 columns, as in a
    terminal window; stdout in a pipe. Returns (returncode, stdout, stderr)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen([sys.executable, os.path.join(ROOT, "main.py"), *map(str, args)],
                               stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    out = process.stdout.read()
    process.wait(timeout=120)
    err = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal's other end is closed: all read
            break
        if not chunk:
            break
        err += chunk
    os.close(leader)
    return process.returncode, out, err.decode()


def test_progress_bar_on_a_terminal_only(model_path, tmp_path):
    (tmp_path / "blank.png").write_bytes(open(os.path.join(SAMPLES, "0.png"), "rb").read()[:0])
    args = [SAMPLES, tmp_path / "blank.png", "--json", "--model", model_path]
    code, out, err = run_on_a_terminal(*args)
    assert code == 1
    assert "11/11" in err and "picture/s" in err  # the bar, finished
    assert err.rstrip().endswith("11 pictures: 10 read, 0 without a digit, 1 unreadable")
    assert [json.loads(line)["image"] for line in out.splitlines()][-1] == str(tmp_path / "blank.png")
    piped = run("main.py", *args)
    assert piped.stdout == out
    assert piped.stderr == ""  # in a pipe or a log: no bar, no summary


def test_numpy_forward_pass_gives_keras_probabilities(model_path, mnist_test):
    x, _ = mnist_test
    x = x / np.float32(255)
    network = forward.load(model_path)
    assert network is not None and network.input_shape == (None, 28, 28)
    keras = import_keras()
    model = keras.models.load_model(model_path)
    expected = np.asarray(model.predict(x, batch_size=1000, verbose=0))
    assert np.abs(network.predict_on_batch(x) - expected).max() < 1e-5

    # A convnet is not ours to run: Keras loads it.
    convnet = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3),
                                keras.layers.Flatten(), keras.layers.Dense(10, "softmax")])
    convnet.save(os.path.join(os.path.dirname(model_path), "convnet.keras"))
    path = os.path.join(os.path.dirname(model_path), "convnet.keras")
    assert forward.load(path) is None
    assert main.load_network(path).output_shape == (None, 10)


def test_the_forward_pass_needs_no_tensorflow(model_path):
    code = ("import sys, forward; n = forward.load(sys.argv[1]); "
            "print(n is not None, 'tensorflow' in sys.modules, 'keras' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code, str(model_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["True", "False", "False"], result.stderr


def reciprocal(n):
    return 1 / n


def test_in_order_answers_a_failure_and_carries_on():
    """pool.InOrder on a real pool: an item whose work raises gets the answer
    `failed` makes of it, in its place, and the items after it are answered."""
    from pool import InOrder, start_pool
    items = [4, 2, 0, 1, 5] * 3
    for pool in (None, start_pool(2)):
        reader = InOrder(reciprocal, items, pool, ahead=4,
                         failed=lambda item, error: type(error).__name__)
        answers = [a for batch in reader.batches(size=3) for a in batch]
        reader.stop()
        assert answers == [0.25, 0.5, "ZeroDivisionError", 1.0, 0.2] * 3
