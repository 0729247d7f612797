"""The SDK's callback thread: runs, in order, what the SDK's own threads hand to Python (the
core's log records and `on_tokens` calls), so that none of them ever waits for the GIL.

Started with the first client of a process (and again in a forked child whose parent had
started it). It waits in `os.read` on a pipe the SDK rings when something is queued; at exit,
`atexit` runs what is still queued."""

from __future__ import annotations

import atexit
import os
import threading
import time

from . import _native

_pid: int | None = None
_lock = threading.Lock()


def _run() -> None:
    # One runner at a time (this thread, or `atexit`), so callbacks keep their order.
    with _lock:
        _native._handoff_run()


def flush() -> None:
    """Runs, on this thread, what is queued now: the callback thread's current batch first,
    then the rest. (Tests read log records right after a call with it.)"""
    _run()


def _serve(fd: int) -> None:
    while True:
        if fd >= 0:
            os.read(fd, 4096)
        else:
            time.sleep(0.01)
        try:
            _run()
        except Exception:  # this thread must outlive any one record
            pass


def ensure_started() -> None:
    """Starts this process's callback thread, once."""
    global _pid, _lock
    if _pid == os.getpid():
        return
    _pid = os.getpid()
    _lock = threading.Lock()  # a forked child may have inherited it held
    fd = _native._handoff_start()
    threading.Thread(target=_serve, args=(fd,), name="mypos-callbacks", daemon=True).start()


def _after_fork_in_child() -> None:
    if _pid is not None:
        ensure_started()


def _at_exit() -> None:
    # A callback stuck forever must not hold the process up.
    if _pid == os.getpid() and _lock.acquire(timeout=5):
        try:
            _native._handoff_run()
        finally:
            _lock.release()


atexit.register(_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
