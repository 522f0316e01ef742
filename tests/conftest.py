"""Shared fixtures: one real training run, reused by every test that needs a model,
and MNIST's test digits for the preprocessing tests (tests/preprocessing/)."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # import build_model, main and preprocessing as the scripts do


def ctrl_c_as_on_a_terminal():
    """preexec_fn for a child the test sends Ctrl-C (SIGINT): its default
    action, as in a terminal. A test run started in the background by a
    script (`.ci/run &`) ignores SIGINT, every child inherits that, and
    Python then never raises KeyboardInterrupt."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(script, *args, cwd=ROOT, env=None, timeout=600):
    """Run one of the project's scripts as a user would; return the finished process."""
    return subprocess.run([sys.executable, os.path.join(ROOT, script), *map(str, args)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def final_accuracy(stdout):
    return float(re.search(r"Final accuracy: ([0-9.]+)", stdout).group(1))


@pytest.fixture(scope="session")
def training(tmp_path_factory):
    """`python build_model.py` with the tutorial's defaults, run once for the session."""
    output = tmp_path_factory.mktemp("model") / "handwriting.keras"
    result = run("build_model.py", "--output", output)
    assert result.returncode == 0, result.stderr
    return result, output


@pytest.fixture(scope="session")
def model_path(training):
    return training[1]


@pytest.fixture(scope="session")
def mnist_test():
    """MNIST's test digits (28x28, white on black) and their labels.

    Here rather than in a tests/preprocessing/conftest.py: that one would
    take the module name `conftest` from this file, which test_main.py and
    test_build_model.py import ROOT and run from."""
    with np.load(os.path.join(ROOT, "mnist.npz")) as data:
        return data["x_test"], data["y_test"]


@pytest.fixture(scope="session")
def digits(mnist_test):
    """The first 40 test digits and their labels."""
    x, y = mnist_test
    return x[:40], y[:40]


@pytest.fixture(scope="session")
def model(model_path):
    """The trained network, loaded in this process as main.py loads it."""
    import main
    return main.load_model(model_path)
