"""Work on many pictures in worker processes, the answers in the order given.

main.py reads a folder with every core: each picture is decoded and
prepared in a worker process (`concurrent.futures.ProcessPoolExecutor`),
while the main process loads the model and predicts. The answers come back
in the order the pictures were given, in batches of those ready, and only a
bounded number of pictures is in flight at a time, so a folder of 100,000
pictures runs in steady memory.
"""
import collections
import concurrent.futures
import multiprocessing
import os
import signal
import sys
import time


def cores():
    """How many cores this process may run on (fewer than the machine's, under taskset)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start_pool(jobs, setup=None):
    """A pool of `jobs` worker processes that leave Ctrl-C to the main process
    (on a terminal it reaches every process of the group: one line, not one
    traceback per worker). `setup()` runs once in each worker."""
    # Forking copies this process as it is: quick, unless TensorFlow is
    # already loaded here (a test calling main() in-process), whose threads
    # a forked copy may wait on for ever; then workers start afresh.
    loaded = "tensorflow" in sys.modules or "keras" in sys.modules
    context = multiprocessing.get_context("forkserver" if loaded else "fork")
    return concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context,
                                                  initializer=_start_worker,
                                                  initargs=(None if loaded else os.getpid(), setup))


def _start_worker(parent, setup):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with(parent)
    if setup is not None:
        setup()


def _end_with(parent):
    """End this worker when the main process ends, even killed (Linux's
    PR_SET_PDEATHSIG): a worker waiting for work would otherwise wait forever."""
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown must do
        return
    if parent is not None and os.getppid() != parent:  # it ended before we asked
        os._exit(1)  # (started by a fork server, a worker's parent is that server)


class InOrder:
    """`work(item)` for each item, in the items' order: in `pool` if there is
    one (at most `ahead` items in flight), else here, one at a time, as
    `batches()` asks for them.

    Items are handed to the pool as soon as this is made, so the workers
    start while the caller does something else (main.py loads the model).
    `failed(item, error)` makes an answer for an item whose work raised.
    """

    def __init__(self, work, items, pool=None, ahead=512, failed=None):
        self.work, self.items, self.pool = work, iter(items), pool
        self.ahead, self.failed = ahead, failed
        self.pending = collections.deque()  # futures, in the items' order
        self._top_up()

    def _top_up(self):
        while self.pool is not None and len(self.pending) < self.ahead:
            item = next(self.items, _END)
            if item is _END:
                return
            try:
                future = self.pool.submit(self.work, item)
            except RuntimeError as error:  # a broken pool takes no more work
                future = concurrent.futures.Future()
                future.set_exception(error)
            future.item = item
            self.pending.append(future)

    def _next(self, timeout):
        """The next answer in order; TimeoutError if it is not ready in time."""
        if self.pool is None:
            item = next(self.items, _END)
            if item is _END:
                raise StopIteration
            return self._answer(item, lambda: self.work(item))
        if not self.pending:
            raise StopIteration
        future = self.pending[0]
        future.exception(timeout)  # waits, and raises only TimeoutError: its error is answered below
        self.pending.popleft()
        self._top_up()
        return self._answer(future.item, future.result)

    def _answer(self, item, get):
        try:
            return get()
        except Exception as error:  # noqa: BLE001  one item's failure is its own answer
            if self.failed is None:
                raise
            return self.failed(item, error)

    def batches(self, size=256, wait=0.1):
        """Lists of answers, in order: each holds at most `size` answers, and
        is handed over when the next answer is not ready `wait` seconds after
        the list's first one was, so nothing waits long for the rest."""
        batch, deadline = [], None
        while True:
            timeout = None if not batch else max(0.0, deadline - time.monotonic())
            try:
                answer = self._next(timeout)
            except StopIteration:
                break
            except concurrent.futures.TimeoutError:
                yield batch
                batch = []
                continue
            batch.append(answer)
            if len(batch) == 1:
                deadline = time.monotonic() + wait
            if len(batch) == size or (self.pool is None and time.monotonic() >= deadline):
                yield batch
                batch = []
        if batch:
            yield batch

    def stop(self):
        """End the workers. After Ctrl-C nobody waits for them: what is not
        started is cancelled and the workers are ended now, not after their
        current picture."""
        if self.pool is None:
            return
        if not self.pending:  # all done: the workers are idle
            self.pool.shutdown()
            return
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(1)


_END = object()
