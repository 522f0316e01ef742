"""TensorFlow without its noise: a quiet start and a quick exit.

TensorFlow writes lines such as "oneDNN custom operations are on" and
"Could not find cuda drivers" from C++ before its logging is configured, so
TF_CPP_MIN_LOG_LEVEL cannot hide them. We point the process's stderr at a
temporary file for the import, and show what it caught only if the import
fails. At exit, TensorFlow spends most of a second tearing itself down;
our scripts have saved and closed everything by then, so they skip it.
"""
import os
import sys
import tempfile


def import_keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # later C++ logs
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as log:
        os.dup2(log.fileno(), 2)
        try:
            import keras
        except BaseException:
            os.dup2(saved, 2)
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    return keras


def run_script(main):
    """Run a script's main() and exit with its code, without the teardown.

    Ctrl-C ends it with one line, and a reader that stops early (`| head`)
    ends it quietly, not with a traceback.
    """
    try:
        code = main()
    except KeyboardInterrupt:
        print("Interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = code or 1
    os._exit(code or 0)
