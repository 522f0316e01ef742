"""Write a file whole or not at all, and never through a link.

Every file the scripts write (the model, figures, the report) goes to a new
temporary file in the target's folder, named `.NAME.tmp-PID-RANDOM.EXT`, and
is renamed onto NAME once complete: a crash, Ctrl-C or full disk leaves the
previous file as it was. A target that is a symbolic link, a folder or a
device is refused, not replaced, so nothing outside what the user asked for
is ever written. A temporary file left by a killed run (its process gone) is
removed by the next run that writes the same file. A name written into a
line of output (safe_name) is escaped, so it stays one line of valid text.
"""
import contextlib
import errno
import os
import re
import secrets
import signal
import stat
import threading
import unicodedata


class Refused(OSError):
    """The target must not be replaced; `strerror` says why, in a few words."""

    def __init__(self, why):
        super().__init__(errno.EEXIST, why)


def check_target(path):
    """Raise Refused if `path` exists and is anything but a regular file, or
    if its folder is missing or is not a folder."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        if not stat.S_ISDIR(os.stat(folder).st_mode):
            raise Refused(f"its folder {folder} is a file")
    except FileNotFoundError:
        raise Refused(f"its folder {folder} does not exist") from None
    except NotADirectoryError:
        raise Refused(f"a part of {folder} is a file, not a folder") from None
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise Refused("it is a symbolic link, which is left as it is")
    if stat.S_ISDIR(mode):
        raise Refused("it is a folder")
    if not stat.S_ISREG(mode):
        raise Refused("it is not a regular file (a device, pipe or socket), left as it is")


def check_writable(path):
    """Raise Refused now if `path` could not be written later (checked before
    long work): a file where a folder should be, an unwritable folder, or a
    target that check_target refuses."""
    folder = os.path.dirname(os.path.abspath(path))
    existing = folder
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise Refused(f"{existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise Refused(f"no permission to write in {existing}")
    if existing == folder:
        check_target(path)


def make_folders(folder):
    """os.makedirs, saying plainly when a file stands where a folder should."""
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        existing = folder
        while not os.path.exists(existing):
            existing = os.path.dirname(existing)
        raise Refused(f"{existing} is a file, not a folder") from None


def temporary_name(path):
    """`.NAME.tmp-PID-RANDOM.EXT` beside `path`: hidden, ours, with the same
    extension (Keras and matplotlib choose the format by it)."""
    folder, name = os.path.split(os.path.abspath(path))
    extension = os.path.splitext(name)[1]
    return os.path.join(folder, f".{name}.tmp-{os.getpid()}-{secrets.token_hex(4)}{extension}")


def remove_stale(path):
    """Remove temporary files for `path` left by runs that were killed."""
    folder, name = os.path.split(os.path.abspath(path))
    extension = os.path.splitext(name)[1]
    ours = re.compile(rf"\.{re.escape(name)}\.tmp-(\d+)-[0-9a-f]{{8}}{re.escape(extension)}")
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        match = ours.fullmatch(entry)
        if not match or process_alive(int(match.group(1))):
            continue
        stale = os.path.join(folder, entry)
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(stale).st_mode):
                os.unlink(stale)


def process_alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process: not ours to judge
    return True


@contextlib.contextmanager
def interrupts_held():
    """Hold Ctrl-C for a step that must not be cut in half; raise it after."""
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or not callable(previous):
        yield
        return
    caught = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append((signum, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            previous(*caught[0])


@contextlib.contextmanager
def replacing(path):
    """Yield a new temporary path to write; once the block ends without error
    it is synced to disk and renamed onto `path`. On any error, Ctrl-C
    included, it is removed and `path` is untouched.

    Raises Refused (an OSError) before anything is written if `path` must
    not be replaced.
    """
    check_target(path)
    remove_stale(path)
    tmp = temporary_name(path)
    try:
        # Made here, empty, with the permissions any new file gets (umask).
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)  # the data is on disk before the name points at it
        finally:
            os.close(fd)
        with interrupts_held():
            check_target(path)  # still not a link: it may have changed meanwhile
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path, text):
    """Write `text` to `path` whole or not at all."""
    with replacing(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)


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
