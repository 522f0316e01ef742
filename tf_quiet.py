"""Import Keras without TensorFlow's C++ start-up log.

TensorFlow writes lines such as "oneDNN custom operations are on" and
"Could not find cuda drivers" from C++ before its logging is configured, so
TF_CPP_MIN_LOG_LEVEL cannot hide them. We point the process's stderr at a
temporary file for the import, and show what it caught only if the import
fails.
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
