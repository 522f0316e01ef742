"""TensorFlow without its noise: a quiet start and a quick, clean exit.

TensorFlow writes lines such as "oneDNN custom operations are on" and
"Could not find cuda drivers" from C++ before its logging is configured, so
TF_CPP_MIN_LOG_LEVEL cannot hide them. We point the process's stderr at a
temporary file for the import; if the import fails, its error is one line. At exit, TensorFlow spends most of a second tearing itself down;
our scripts have saved and closed everything by then, so they skip it.

The scripts end the same way whatever happens: Ctrl-C at any moment prints
"Interrupted" (exit 130), a closed or full stdout is one line (exit 1), and
a closed stderr costs the messages only, never the answers.
"""
import errno
import os
import signal
import sys


# ## Ctrl-C
# Set first: the scripts import this module before anything else, so a
# Ctrl-C while TensorFlow loads (seconds) ends as cleanly as one later.
INTERRUPTED = []  # a Ctrl-C that some library caught and ignored is still seen here


def _on_interrupt(signum, frame):
    INTERRUPTED.append(signum)
    raise KeyboardInterrupt


def _excepthook(kind, value, traceback):
    if issubclass(kind, KeyboardInterrupt):
        interrupted_exit()
    if issubclass(kind, KerasImportError):  # at a script's import: one line, exit 2
        print(f"{os.path.basename(sys.argv[0])}: error: {value}", file=sys.stderr)
        _flush_quietly(sys.stderr)
        os._exit(2)
    sys.__excepthook__(kind, value, traceback)


def interrupt_handled():
    """A script has said what Ctrl-C stopped, in its own words: no second line."""
    INTERRUPTED.clear()


def interrupted_exit():
    """Ctrl-C's one line and exit code, whatever was running."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
    print("Interrupted", file=sys.stderr)
    _flush_quietly(sys.stderr)
    os._exit(130)


if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
    signal.signal(signal.SIGINT, _on_interrupt)
sys.excepthook = _excepthook


# ## Standard streams that are closed or fail
def open_standard_streams():
    """Put /dev/null on a closed stdin, stdout or stderr; return the closed ones.

    A closed fd 0-2 would be taken by the next file we open, and then
    TensorFlow's C++ log, or our messages, would be written into that file.
    """
    closed = set()
    for fd in (0, 1, 2):  # in order: os.open takes the lowest free number
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            closed.add(fd)
    # Python leaves sys.stdout or sys.stderr None if its fd was closed.
    if sys.stdout is None:
        sys.stdout = open(1, "w", closefd=False)
    if sys.stderr is None:
        sys.stderr = open(2, "w", closefd=False)
    return closed


CLOSED_AT_START = open_standard_streams()  # at import: before any file is opened


class OutputLost(Exception):
    """stdout cannot be written (closed, full, or its reader gone)."""

    def __init__(self, error):
        super().__init__(error.strerror or str(error))
        self.errno = error.errno


class _Checked:
    """A text stream whose write errors become OutputLost (for stdout), or are
    dropped (for stderr: a lost message must not cost the answers)."""

    def __init__(self, stream, lost, closed=False):
        self._stream, self._lost, self._closed = stream, lost, closed

    def _guard(self, method, *args):
        try:
            if self._closed:
                raise OSError(errno.EBADF, "it is closed")
            return method(*args)
        except OSError as error:
            if self._lost:
                raise OutputLost(error) from None
            return None

    def write(self, text):
        return self._guard(self._stream.write, text)

    def flush(self):
        return self._guard(self._stream.flush)

    def __getattr__(self, name):  # isatty, encoding, reconfigure, fileno...
        return getattr(self._stream, name)


def _flush_quietly(stream):
    try:
        stream.flush()
    except (OSError, OutputLost, ValueError):
        pass


# ## Import Keras quietly
class KerasImportError(ImportError):
    """TensorFlow's Keras cannot be imported (message: one line)."""


def import_keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # later C++ logs
    import tempfile  # here, not above: tf_quiet is imported first, and fast

    _flush_quietly(sys.stderr)
    saved = os.dup(2)

    def restore_stderr():
        os.dup2(saved, 2)

    previous = signal.getsignal(signal.SIGINT)

    def on_interrupt(signum, frame):  # stderr first, so "Interrupted" is seen
        restore_stderr()
        previous(signum, frame)

    in_main_thread = callable(previous)
    with tempfile.TemporaryFile() as log:
        if in_main_thread:
            signal.signal(signal.SIGINT, on_interrupt)
        os.dup2(log.fileno(), 2)
        try:
            import keras
        except Exception as error:  # a broken install or environment (MPLBACKEND=...)
            if INTERRUPTED:  # Keras turns a Ctrl-C during its imports into ImportError
                raise KeyboardInterrupt from None
            lines = str(error).strip().splitlines() or [type(error).__name__]
            raise KerasImportError(f"cannot import TensorFlow's Keras: {lines[0]}") from error
        finally:
            restore_stderr()
            if in_main_thread:
                signal.signal(signal.SIGINT, previous)
            os.close(saved)
    return keras


# ## Run a script
def run_script(main):
    """Run a script's main() and exit with its code, without the teardown.

    Ctrl-C ends it with one line; a reader that stops early (`| head`) ends
    it quietly; a closed or full stdout ends it with one line; none of them
    with a traceback.
    """
    sys.stdout = _Checked(sys.stdout, lost=True, closed=1 in CLOSED_AT_START)
    sys.stderr = _Checked(sys.stderr, lost=False)
    try:
        if INTERRUPTED:  # during an import, and swallowed there
            raise KeyboardInterrupt
        code = main()
        sys.stdout.flush()  # a full disk shows here, when the buffer is written
        if INTERRUPTED:  # caught and ignored by a library along the way
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        interrupted_exit()
    except KerasImportError as error:
        print(f"{os.path.basename(sys.argv[0])}: error: {error}", file=sys.stderr)
        code = 2
    except OutputLost as error:
        code = 1
        if error.errno != errno.EPIPE:  # `| head` stopped reading: nothing to say
            name = os.path.basename(sys.argv[0])
            print(f"{name}: error: cannot write to stdout: {error}", file=sys.stderr)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a late Ctrl-C changes nothing
    _flush_quietly(sys.stderr)
    os._exit(code or 0)
