"""The client side of warm kernels: start the template process (:mod:`egov.build.forkserver`)
and fork kernels from it.

A process starts one template (:func:`start`) and may fork others after it (the build's
workers), which share it; :func:`launch` forks a kernel, starting a template first when there is
none, it has ended, or the kernel's environment differs from the one it was started with. A
forked kernel is handled through :class:`ForkedKernel`, which has the part of
:class:`subprocess.Popen`'s interface jupyter_client's provisioner uses.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading

#: The template's command: as ipykernel_launcher, the working folder is taken off sys.path before
#: anything is imported (so ``egov`` comes from where a kernel would find it, $PYTHONPATH first).
_TEMPLATE = "import sys; del sys.path[0]; from egov.build.forkserver import main; main()"
#: Kernels run warm, from this environment's Python (the notebooks' kernelspec name).
WARM_KERNELS = ("egov",)
#: ``import egov.x`` and ``from egov[.x] import y, z`` lines of a notebook's code.
_IMPORT = re.compile(r"^[ \t]*(?:import[ \t]+(egov(?:\.\w+)*)"
                     r"|from[ \t]+(egov(?:\.\w+)*)[ \t]+import[ \t]+\(?([\w \t,]+))", re.M)
#: Variables a kernel may have that its template need not share (set per notebook or launch: its
#: data-read trace, its build's shared charts; jupyter_client drops PYTHONEXECUTABLE from a
#: Python kernel's environment).
PER_KERNEL = frozenset({"EGOV_DATA_TRACE", "EGOV_CHART_CACHE", "JPY_PARENT_PID", "JPY_SESSION_NAME",
                        "PYTHONEXECUTABLE"})


class ForkServerGone(RuntimeError):
    """The template process has ended: start another."""


def _shared_env(env: dict) -> dict:
    return {k: v for k, v in env.items() if k not in PER_KERNEL}


class ForkedKernel:
    """A kernel forked by the template, with the part of :class:`subprocess.Popen`'s interface
    jupyter_client's provisioner uses (``pid``, ``poll``, ``wait``, ``send_signal``, ``kill``)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, handle: socket.socket):
        self.pid, self.handle, self.returncode = pid, handle, None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.handle.setblocking(False)
            try:
                self._ended(self.handle.recv(4096))
            except BlockingIOError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.handle.settimeout(timeout)
            try:
                self._ended(self.handle.recv(4096))
            except TimeoutError:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout) from None
        return self.returncode

    def _ended(self, msg: bytes) -> None:
        # no message: the template ended, and its kernels with it (PR_SET_PDEATHSIG)
        self.returncode = json.loads(msg).get("exit", 1) if msg else -signal.SIGKILL
        self.handle.close()

    def send_signal(self, sig: int) -> None:
        """Signal the kernel's process group, unless it has ended (its pid may be reused)."""
        if self.poll() is None:
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkServer:
    """A template process and the control socket to it."""

    def __init__(self, env: dict | None = None, output: int | None = None, modules=()):
        self.env = dict(os.environ if env is None else env)
        control, far = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with far:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _TEMPLATE, str(far.fileno()), str(os.getpid()), *modules],
                pass_fds=[far.fileno()], env=self.env, stdin=subprocess.DEVNULL,
                stdout=output, stderr=output)
        self.control = control
        self.owner = os.getpid()

    def suits(self, env: dict) -> bool:
        """Whether a kernel with this environment may be forked from this template."""
        return _shared_env(env) == _shared_env(self.env)

    def launch(self, argv: list[str], env: dict, cwd: str, timeout: float = 120) -> ForkedKernel:
        """Fork a kernel running ``ipykernel_launcher ARGV`` and wait until its sockets are bound
        (or it has died); raise :class:`ForkServerGone`."""
        here, far = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        ready, ready_w = os.pipe()
        try:
            request = json.dumps({"argv": list(argv), "env": dict(env), "cwd": str(cwd)}).encode()
            socket.send_fds(self.control, [request], [far.fileno(), ready_w])
        except OSError as err:
            here.close()
            os.close(ready)
            raise ForkServerGone(f"the fork server has ended ({err})") from None
        finally:
            far.close()
            os.close(ready_w)
        try:
            return self._forked(here, ready, timeout)
        finally:
            os.close(ready)

    def _forked(self, here: socket.socket, ready: int, timeout: float) -> ForkedKernel:
        here.settimeout(timeout)  # the first request waits for the template's imports
        try:
            reply = json.loads(here.recv(4096) or b"{}")
        except (OSError, ValueError) as err:
            reply = {"error": f"{type(err).__name__}: {err}"}
        if "pid" not in reply:
            here.close()
            raise ForkServerGone(f"the fork server did not start a kernel: {reply.get('error', 'it ended')}")
        select.select([ready], [], [], timeout)  # "ready", or end of file: the kernel died first
        return ForkedKernel(reply["pid"], here)

    def stop(self) -> None:
        """End the template and its kernels (only from the process that started it)."""
        self.control.close()
        if os.getpid() == self.owner and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


_current: ForkServer | None = None
_wanted: list[str] = []  # egov modules a template started on demand imports
_lock = threading.Lock()


def code_cells(path) -> list[str]:
    """The code cells' sources of a notebook file (none if it cannot be read)."""
    try:
        nb = json.loads(open(path, encoding="utf-8").read())
        return ["".join(c.get("source", "")) for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    except (OSError, ValueError, AttributeError, TypeError):
        return []


def notebook_modules(sources) -> list[str]:
    """The egov modules that code (cells' sources) imports, for the template to import first.

    >>> notebook_modules(["from egov import data, plots", "import egov.notes as n", "from egov.text import Story"])
    ['egov.data', 'egov.notes', 'egov.plots', 'egov.text']
    """
    found = set()
    for source in sources:
        for plain, base, names in _IMPORT.findall(source):
            found.add(plain or base)
            if base == "egov":  # `from egov import data, plots`: modules of the package
                found.update(f"egov.{n.split()[0]}" for n in names.split(",") if n.strip())
    return sorted(found - {"egov"})


def want(modules) -> None:
    """The egov modules a template started on demand (by :func:`launch`) imports."""
    _wanted[:] = list(modules)


def start(env: dict | None = None, output: int | None = None, modules=()) -> ForkServer:
    """Start the process's template now (its imports run while the caller does other work);
    processes forked after this share it. ``modules``: egov modules, or notebooks (``.ipynb``)
    whose imports the template imports too. Call it from a thread that lives as long as the
    template is needed (the template ends with the thread that started it)."""
    global _current
    with _lock:
        if _current is not None:
            _current.stop()
        _current = ForkServer(env, output, modules)
        return _current


def stop() -> None:
    global _current
    with _lock:
        if _current is not None:
            _current.stop()
            _current = None


def launch(argv: list[str], env: dict, cwd: str) -> ForkedKernel:
    """A kernel from the process's template, started (or started again) when there is none,
    it has ended or its environment differs."""
    for attempt in (1, 2):
        with _lock:
            server = _current
        if server is None or not server.suits(env):
            server = start(_shared_env(env), modules=_wanted)
        try:
            return server.launch(argv, env, cwd)
        except ForkServerGone:
            stop()
            if attempt == 2:
                raise
