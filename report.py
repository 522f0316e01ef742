"""Pictures of what a trained network learnt: `python build_model.py --report`.

Writes into one folder:
  curves.png     loss and accuracy per epoch, training and validation
  confusion.png  which digit was taken for which, on the test split
  mistakes.png   test digits the network got wrong, with its answer
  summary.json   the figures behind them, and the arguments of the run
"""
import json
import math
import os

import matplotlib

matplotlib.use("Agg")  # files only: a report must work without a display
import matplotlib.pyplot as plt
import numpy as np

import safe_write

MISTAKES_SHOWN = 36
# No software version or date in the files: the same run gives the same bytes.
PNG_METADATA = {"Software": None}


def save_figure(fig, path):
    """Write the PNG whole or not at all: a full disk leaves no half picture."""
    try:
        with safe_write.replacing(path) as tmp:
            fig.savefig(tmp, format="png", metadata=PNG_METADATA)
    finally:
        plt.close(fig)


def confusion_matrix(y_true, y_pred):
    """counts[t, p]: how many test digits t were predicted as p."""
    counts = np.zeros((10, 10), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def plot_curves(history, path):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    epochs = range(1, len(history["loss"]) + 1)
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, history[metric], "o-", label="training")
        ax.plot(epochs, history["val_" + metric], "o-", label="validation")
        ax.set(title=metric, xlabel="epoch", xticks=list(epochs))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    save_figure(fig, path)


def plot_confusion(counts, path):
    fig, ax = plt.subplots(figsize=(6, 6))
    # A log scale keeps the few mistakes visible beside ~1,000 correct answers.
    ax.imshow(np.log1p(counts), cmap="Blues")
    for t in range(10):
        for p in range(10):
            if counts[t, p]:
                dark = counts[t, p] > counts.max() ** 0.5
                ax.text(p, t, counts[t, p], ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit",
           ylabel="true digit", title="Confusion matrix on the 10,000 test digits")
    fig.tight_layout()
    save_figure(fig, path)


def plot_mistakes(x_test, y_test, probabilities, path):
    y_pred = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(y_pred != y_test)[:MISTAKES_SHOWN]
    columns = 9
    rows = max(1, -(-len(wrong) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 1.3, rows * 1.55), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong):
        ax.imshow(x_test[i], cmap="gray_r")
        ax.set_title(f"true {y_test[i]}, said {y_pred[i]}\n{probabilities[i, y_pred[i]]:.0%} sure",
                     fontsize=7)
    fig.suptitle(f"{len(np.flatnonzero(y_pred != y_test))} test digits wrong; "
                 f"the first {len(wrong)}")
    fig.tight_layout()
    save_figure(fig, path)


def summary(counts, history, seconds, args):
    correct = np.diag(counts)
    return {
        "test_accuracy": round(float(correct.sum() / counts.sum()), 4),
        "per_digit": {
            str(d): {"precision": round(float(correct[d] / max(counts[:, d].sum(), 1)), 4),
                     "recall": round(float(correct[d] / max(counts[d].sum(), 1)), 4)}
            for d in range(10)},
        # A loss that diverged is NaN, which JSON has no word for: null.
        "history": {k: [round(float(v), 4) if math.isfinite(v) else None for v in vs]
                    for k, vs in history.items()},
        "training_seconds": round(seconds, 2),
        "arguments": vars(args),
    }


def write_report(folder, history, x_test, y_test, probabilities, seconds, args):
    """Write the three pictures and summary.json into `folder`; return their paths."""
    safe_write.make_folders(folder)
    counts = confusion_matrix(y_test, probabilities.argmax(axis=1))
    paths = [os.path.join(folder, name) for name in
             ("curves.png", "confusion.png", "mistakes.png", "summary.json")]
    plot_curves(history, paths[0])
    plot_confusion(counts, paths[1])
    plot_mistakes(x_test, y_test, probabilities, paths[2])
    text = json.dumps(summary(counts, history, seconds, args), indent=2, allow_nan=False)
    safe_write.write_text(paths[3], text + "\n")
    return paths
