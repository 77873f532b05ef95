"""One build at a time per reports folder, and never a wait on a build that has died.

The lock is ``flock`` on ``reports/.egov-build.lock``, which records its holder (pid and start
time). Its descriptor is close-on-exec and closed in every process the build forks, so only the
build's own process holds it and the system drops it when that process ends, however it ends.
A lock still held while its recorded holder is gone (processes left behind by a killed build
that held the descriptor) is taken over: the lock file is replaced, and the build says so.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from egov.build.layout import LOCK, show

_held: int | None = None  # the descriptor of the lock this process holds


def _close_in_child() -> None:
    global _held
    if _held is not None:
        try:
            os.close(_held)
        except OSError:
            pass
        _held = None


os.register_at_fork(after_in_child=_close_in_child)


def _start_time(pid: int) -> str | None:
    """A process's start time (clock ticks since boot), None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        if not Path("/proc/self/stat").exists():  # no procfs: whether the pid exists at all
            try:
                os.kill(pid, 0)
                return "?"
            except ProcessLookupError:
                return None
            except PermissionError:
                return "?"
        return None


def _holder(fd: int) -> tuple[int, str] | None:
    try:
        pid, start = os.pread(fd, 100, 0).decode().split()
        return int(pid), start
    except (OSError, ValueError):
        return None  # not written yet (or by a build older than this record)


def _alive(holder: tuple[int, str]) -> bool:
    now = _start_time(holder[0])
    return now is not None and now in (holder[1], "?")


class BuildLock:
    """``with BuildLock(reports_dir):`` the body runs holding the folder's build lock."""

    def __init__(self, reports_dir: Path, stream=None, poll: float = 0.5):
        self.reports_dir, self.path = reports_dir, reports_dir / LOCK
        self.stream = stream or sys.stderr
        self.poll = poll
        self.fd: int | None = None

    def __enter__(self) -> "BuildLock":
        import fcntl

        global _held
        said = False
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                if holder is not None and not _alive(holder):
                    self._say(f"egov build: the build that locked {show(self.reports_dir)} (pid {holder[0]}) "
                              "has ended, but processes it left behind still hold the lock; taking it over")
                    self._replace(fd)
                    continue
                if not said:
                    self._say(f"egov build: another build is writing to {show(self.reports_dir)}; waiting for it")
                    said = True
                os.close(fd)
                time.sleep(self.poll)
                continue
            if self._current(fd):
                break
            os.close(fd)  # the file was replaced while we waited: lock the new one
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {_start_time(os.getpid())}\n".encode(), 0)
        self.fd = _held = fd
        return self

    def __exit__(self, *exc) -> None:
        global _held
        if self.fd is not None:
            os.close(self.fd)  # also drops the lock
            self.fd = _held = None

    def _say(self, message: str) -> None:
        print(message, file=self.stream, flush=True)

    def _current(self, fd: int) -> bool:
        try:
            return os.fstat(fd).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            return False

    def _replace(self, fd: int) -> None:
        """Unlink the stale lock file (if it is still the one we looked at); the next open
        makes a new one that nobody holds."""
        if self._current(fd):
            self.path.unlink(missing_ok=True)
        os.close(fd)
