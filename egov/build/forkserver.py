"""Warm kernels: a template process that has imported the stack forks one new kernel per notebook.

Starting a kernel is mostly starting Python and importing pandas, matplotlib, seaborn, IPython
and the egov library: about 1 s of CPU, more than most sections' own cells. The *template*
(started by :mod:`egov.build.forkclient`) pays it once: it imports them and loads the data
tables, starting no thread, no event loop and no zmq context, then waits. For each kernel asked
for it forks; the child puts back what a new interpreter would have (signal dispositions and
mask, environment, working folder, ``sys.argv``, ``sys.path``, numpy's random state; Python's
``random`` reseeds itself at fork), starts its own session and becomes an ipykernel on the
connection file jupyter_client wrote.
Each notebook still runs in a new process with an empty namespace; whatever it changes
(variables, rcParams, module state, the working folder) dies with that process.

What the template imports is the import-time state of every kernel, so a template serves only
kernels whose environment equals its own, apart from a few variables set per kernel (the client,
:mod:`egov.build.forkclient`, checks): ``EGOV_DATA_DIR``, ``PYTHONHASHSEED`` or ``MPLCONFIGDIR``
read at start-up are then what a new interpreter would have read.

Lifetimes: the template dies with the process that started it and a kernel with the template
(``PR_SET_PDEATHSIG``). Each kernel also has a *handle*, a socket pair whose other end the client
holds: the template writes the kernel's pid on it, later its exit status, and kills the kernel
when the client goes away (a killed worker).

Protocol (``SOCK_SEQPACKET``, one JSON message a packet). Client → template on the control
socket, with two descriptors attached (``SCM_RIGHTS``): the handle's far end and the write end
of a *ready* pipe: ``{"argv", "env", "cwd"}``. Template → client on the handle: ``{"pid": N}``
or ``{"error": "..."}``, later ``{"exit": code}``. The kernel writes to the ready pipe once its
sockets are bound, so the client connects at once (zmq would otherwise retry every 0.1 s).
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sys

#: Imported by the template. Each is optional: one that fails to import is left to the notebook,
#: which then meets the error in its own process, as in a cold kernel.
PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn", "IPython",
           "ipykernel.kernelapp", "ipykernel.ipkernel",
           # what a kernel imports while it starts (none starts a thread when imported)
           "ipykernel.debugger", "IPython.core.completerlib", "IPython.core.debugger", "sqlite3",
           "tornado.queues", "tornado.locks", "psutil", "IPython.core.pylabtools",
           "matplotlib.backends.backend_agg")
#: Process names (``ps -o comm``, ``psutil.Process.name()``), at most 15 bytes.
TEMPLATE_NAME, KERNEL_NAME = "egov-forkserver", "egov-kernel"
_PR_SET_PDEATHSIG, _PR_SET_NAME = 1, 15
_MAX_MESSAGE = 1 << 20


# --------------------------------------------------------------------------------------------
# lifetimes (also used by the build's worker processes)

def _prctl(option: int, arg) -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, arg, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl failed")


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> None:
    """Have Linux send ``sig`` to this process when its parent ends (``PR_SET_PDEATHSIG``), and
    end now if the parent already has (between the fork and this call)."""
    if sys.platform.startswith("linux"):
        _prctl(_PR_SET_PDEATHSIG, int(sig))
    if os.getppid() != parent:
        os._exit(1)


def set_process_name(name: str) -> None:
    """The name ``ps`` and ``psutil`` show (the command line stays the template's)."""
    if sys.platform.startswith("linux"):
        import ctypes

        _prctl(_PR_SET_NAME, ctypes.c_char_p(name.encode()[:15]))


# --------------------------------------------------------------------------------------------
# the template

def preload(modules: list[str]) -> list[str]:
    """Import the stack and ``modules`` (the egov modules the notebooks import), and load the
    data tables once (:mod:`egov.data` caches them per folder and hands notebooks copies; what
    each notebook reads is still traced by it). Returns what could not be imported or loaded:
    the notebook meets it again, in its own process."""
    import importlib

    failed = []
    for name in [*PRELOAD, *modules]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001
            failed.append(name)
    if "egov.data" in sys.modules:
        try:
            sys.modules["egov.data"].observations()
        except Exception:  # noqa: BLE001 - bad data: each notebook reports it as a cold kernel would
            failed.append("egov.data.observations()")
    return failed


class Template:
    """The template's loop: fork on request, reap children, kill orphaned kernels."""

    def __init__(self, control: socket.socket, fresh_signals: dict):
        self.control = control
        self.fresh_signals = fresh_signals
        self.handles: dict[int, socket.socket] = {}  # kernel pid → its handle
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes select() through the pipe
        self.selector = selectors.DefaultSelector()
        self.selector.register(control, selectors.EVENT_READ, "control")
        self.selector.register(self.wake_r, selectors.EVENT_READ, "children")

    def serve(self) -> tuple[dict, int]:
        """Serve until every client has gone (then exit). Returns only in a forked child: the
        request it is to carry out as a kernel, and its ready pipe."""
        while True:
            for key, _ in self.selector.select():
                if key.data == "control":
                    request = self._receive()
                    if request is not None:
                        return request
                elif key.data == "children":
                    try:
                        while os.read(self.wake_r, 512):
                            pass
                    except BlockingIOError:
                        pass
                    self._reap()
                else:  # a handle's client closed it: the kernel has nobody to serve
                    self._orphaned(key.data, key.fileobj)

    def _receive(self) -> tuple[dict, int] | None:
        try:
            msg, fds, _, _ = socket.recv_fds(self.control, _MAX_MESSAGE, 2)
        except (InterruptedError, BlockingIOError):
            return None
        if not msg:  # every client has gone
            self._stop()
        if len(fds) != 2:
            for fd in fds:
                os.close(fd)
            return None
        handle, ready = socket.socket(fileno=fds[0]), fds[1]
        try:
            request = json.loads(msg)
            for f in (sys.stdout, sys.stderr):
                f.flush()
            pid = os.fork()
        except (OSError, ValueError) as err:
            _send(handle, {"error": f"{type(err).__name__}: {err}"})
            handle.close()
            os.close(ready)
            return None
        if pid == 0:
            self._close_in_child(handle)
            return request, ready
        os.close(ready)
        self.handles[pid] = handle
        self.selector.register(handle, selectors.EVENT_READ, pid)
        _send(handle, {"pid": pid})
        return None

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            handle = self.handles.pop(pid, None)
            if handle is not None:
                self._forget(handle)
                _send(handle, {"exit": os.waitstatus_to_exitcode(status)})
                handle.close()

    def _orphaned(self, pid: int, handle: socket.socket) -> None:
        self._forget(handle)
        try:
            os.kill(pid, signal.SIGKILL)  # not reaped yet (its handle is still here): our child
        except ProcessLookupError:
            pass

    def _forget(self, handle: socket.socket) -> None:
        try:
            self.selector.unregister(handle)
        except (KeyError, ValueError):
            pass

    def _stop(self) -> None:
        for pid in list(self.handles):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        sys.exit(0)

    def _close_in_child(self, own: socket.socket) -> None:
        """In a new child: drop the template's sockets, pipe and handlers."""
        signal.set_wakeup_fd(-1)
        self.selector.close()
        for s in [self.control, own, *self.handles.values()]:
            s.close()
        os.close(self.wake_r)
        os.close(self.wake_w)
        for sig, handler in self.fresh_signals.items():
            signal.signal(sig, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, ())


def become_kernel(request: dict, ready: int, template: int) -> None:
    """In a forked child: become what ``python -m ipykernel_launcher ARGV`` would be, in the
    request's environment and working folder, then run the kernel until it is shut down."""
    import importlib.util

    die_with_parent(template)
    set_process_name(KERNEL_NAME)
    os.setsid()  # as jupyter_client's launcher (start_new_session): interrupts reach its group
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # ipykernel reads JPY_PARENT_PID when imported (here: by the template); its parent is us
    os.environ["JPY_PARENT_PID"] = str(template)
    argv = [*request["argv"], f"--IPKernelApp.parent_handle={template}"]
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()  # a new interpreter's entropy, not the template's
    sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *argv]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()  # as ipykernel's launch_new_instance, saying when it is bound
    app.initialize(argv)
    os.write(ready, b"ready")
    os.close(ready)
    app.start()


def main(argv: list[str] | None = None) -> None:
    """The template: ``CONTROL_FD PARENT_PID [MODULE | NOTEBOOK.ipynb ...]`` (the egov modules
    to import besides the stack, named or imported by the notebooks). Started by
    :class:`egov.build.forkclient.ForkServer`, with the working folder off ``sys.path``."""
    from egov.build.forkclient import code_cells, notebook_modules

    fd, parent, *more = argv or sys.argv[1:]
    fd, parent = int(fd), int(parent)
    modules = [m for m in more if not m.endswith(".ipynb")]
    modules += notebook_modules(src for nb in more if nb.endswith(".ipynb") for src in code_cells(nb))
    die_with_parent(parent)
    set_process_name(TEMPLATE_NAME)
    fresh = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE)}
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build decides about Ctrl-C, not us
    signal.pthread_sigmask(signal.SIG_SETMASK, ())
    # the backend ipykernel chooses at start, set before matplotlib is imported (it reads it then)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    preload(modules)
    template = os.getpid()
    request, ready = Template(socket.socket(fileno=fd), fresh).serve()
    become_kernel(request, ready, template)


def _send(sock: socket.socket, message: dict) -> None:
    try:
        sock.send(json.dumps(message).encode())
    except OSError:  # the client has gone
        pass

