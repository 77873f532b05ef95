"""A build's processes: its workers, fork server and kernels die with it, and its lock never
outlives it (``kill -9`` included)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import psutil
import pytest

from egov.build.layout import LOCK, STAGING_MARK
from tests.helpers import FIX, copy_project, ended, start_build


@pytest.fixture
def project(fixture_build, tmp_path):
    root = copy_project(fixture_build, tmp_path / "p")
    shutil.copy(FIX / "slow.ipynb", root / "notebooks" / "slow.ipynb")
    return root


def running_tree(proc: subprocess.Popen, seconds: float = 90) -> list[psutil.Process]:
    """The build's descendants once a kernel runs a cell (its trace file exists)."""
    deadline = time.monotonic() + seconds
    reports = None
    while time.monotonic() < deadline:
        if reports is None:
            reports = next(iter(psutil.Process(proc.pid).cmdline()[i + 1] for i, a in
                                enumerate(psutil.Process(proc.pid).cmdline()) if a == "-o"), None)
        from pathlib import Path

        if reports and list(Path(reports).glob(".staging-*/en/slow.trace")):
            return psutil.Process(proc.pid).children(recursive=True)
        time.sleep(0.1)
    raise AssertionError("no kernel ran a cell")


def test_kill_9_of_the_build_leaves_no_process_and_no_lock(project):
    proc = start_build(project, "--lang", "en", "--only", "slow", "--workers", "2")
    tree = running_tree(proc)
    names = sorted(p.name() for p in tree)
    assert "egov-forkserver" in names and "egov-kernel" in names, names
    proc.kill()
    proc.communicate()
    deadline = time.monotonic() + 15
    while not all(ended(p) for p in tree) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p.name() for p in tree if not ended(p)] == []
    left = list((project / "reports").glob(".staging-*"))
    assert left and all((p / STAGING_MARK).is_file() for p in left)  # what the killed build staged
    # the next build neither waits nor fails: the lock went with the killed build
    t0 = time.monotonic()
    again = start_build(project, "--lang", "en", "--only", "reads_platform", "--format", "html")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "waiting" not in err and "taking it over" not in err
    assert time.monotonic() - t0 < 100
    assert not any(p.exists() for p in left)  # cleaned by name: the killed build's staging folder


def test_no_child_holds_the_lock(project):
    proc = start_build(project, "--lang", "en", "--only", "slow")
    try:
        tree = running_tree(proc)
        lock = str(project / "reports" / LOCK)

        def holds(p: psutil.Process) -> bool:
            try:
                return any(f.path == lock for f in p.open_files())
            except psutil.NoSuchProcess:
                return False

        assert holds(psutil.Process(proc.pid))
        assert [p.name() for p in tree if holds(p)] == []  # workers, fork server, kernels
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)


def _start_time(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[19]


def _holder_of(lock_file, owner: str) -> subprocess.Popen:
    """A process that holds the flock, with the lock file naming another process as its holder:
    what a killed build's orphans used to leave."""
    code = ("import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "os.ftruncate(fd, 0); os.write(fd, (sys.argv[2] + '\\n').encode())\n"
            "print('held', flush=True)\n"
            "time.sleep(600)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(lock_file), owner],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_lock_left_by_a_dead_build_is_taken_over(project):
    dead = subprocess.Popen(["true"])
    dead.wait()
    holder = _holder_of(project / "reports" / LOCK, f"{dead.pid} 1")
    try:
        proc = start_build(project, "--lang", "en", "--only", "reads_platform", "--format", "html")
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert (f"(pid {dead.pid}) has ended, but processes it left behind still hold the lock; "
                "taking it over") in err, err
    finally:
        holder.kill()
        holder.wait()


def test_a_live_build_is_waited_for(project):
    me = os.getpid()  # alive: the lock's holder is waited for
    holder = _holder_of(project / "reports" / LOCK, f"{me} {_start_time(me)}")
    try:
        proc = start_build(project, "--lang", "en", "--only", "reads_platform", "--format", "html")
        time.sleep(3)
        assert proc.poll() is None  # still waiting
    finally:
        holder.kill()
        holder.wait()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "another build is writing to" in err and "waiting for it" in err
