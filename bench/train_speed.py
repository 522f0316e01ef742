"""Time the tutorial's training code against build_model.py's, same maths.

    python bench/train_speed.py [--pairs 3]

Runs bench/tutorial_build_model.py (the tutorial's plain model.fit) and
build_model.py alternately, A B A B, each in a fresh process with its output
in a file, so both pay the same start-up and neither warms the other. Prints
each run's training seconds, whole-process seconds and test accuracy, then
the medians and the speed-up.
"""
import os
import sys

# The project's root first, in place of this folder: bench/numbers.py would
# hide the standard library's `numbers`, which NumPy and statistics import.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:1] = [ROOT]

import argparse
import re
import statistics
import subprocess
import tempfile
import time

COMMANDS = {
    "tutorial": [os.path.join(ROOT, "bench", "tutorial_build_model.py")],
    "build_model.py": [os.path.join(ROOT, "build_model.py"), "--output"],
}


def run_once(name, folder):
    """Run one training process; return (train s, whole-process s, accuracy)."""
    output = os.path.join(folder, f"{name}.keras")
    log_path = os.path.join(folder, "log.txt")
    with open(log_path, "w") as log:
        start = time.perf_counter()
        finished = subprocess.run([sys.executable, "-P", *COMMANDS[name], output], cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT)
        whole = time.perf_counter() - start
    with open(log_path) as log:
        text = log.read()
    if finished.returncode != 0:
        sys.exit(f"train_speed.py: {name} failed (exit code {finished.returncode}); "
                 f"the end of its output:\n{text[-2000:]}")
    train = float(re.search(r"Trained in ([0-9.]+) s", text).group(1))
    accuracy = float(re.search(r"Final accuracy: ([0-9.]+)", text).group(1))
    return train, whole, accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3, help="A B pairs to run (default: 3)")
    args = parser.parse_args()
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")

    runs = {name: [] for name in COMMANDS}
    print(f"{'run':<16}{'train s':>9}{'process s':>11}{'accuracy':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.pairs):
            for name in COMMANDS:
                result = run_once(name, folder)
                runs[name].append(result)
                print(f"{name:<16}{result[0]:>9.2f}{result[1]:>11.2f}{result[2]:>10.4f}", flush=True)

    print(f"\nmedians over {args.pairs} pairs")
    medians = {name: [statistics.median(column) for column in zip(*rows)]
               for name, rows in runs.items()}
    for name, (train, whole, accuracy) in medians.items():
        print(f"{name:<16}{train:>9.2f}{whole:>11.2f}{accuracy:>10.4f}")
    (t_train, t_whole, _), (b_train, b_whole, _) = medians.values()
    print(f"{'speed-up':<16}{t_train / b_train:>8.2f}x{t_whole / b_whole:>10.2f}x")


if __name__ == "__main__":
    main()
