"""Make a process die with its parent, so nothing `hotline serve` started outlives it.

Linux delivers a chosen signal to a process when the thread that created it exits
(prctl PR_SET_PDEATHSIG). The setting survives exec, so the supervisor sets it between fork and exec
of every child, and RQ's work horse sets it right after its fork. Elsewhere it does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1
_libc = None


def die_with_parent(sig: int = signal.SIGTERM, parent_pid: int | None = None) -> None:
    """Ask the kernel to send `sig` to this process when its parent dies.

    With `parent_pid`, a parent that already died before the request (the race between fork and
    prctl) ends this process at once instead of leaving it orphaned.
    """
    global _libc
    if not sys.platform.startswith("linux"):
        return
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if _libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def child_preexec(parent_pid: int, sig: int = signal.SIGTERM):
    """A `preexec_fn` for subprocess.Popen: the child dies with `parent_pid` (the caller)."""

    def preexec() -> None:
        die_with_parent(sig, parent_pid)

    return preexec
