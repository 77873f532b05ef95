"""The ``egov`` papermill engine: papermill's nbclient engine on warm kernels of this environment.

``papermill --engine egov`` (registered under papermill's ``papermill.engine`` entry point) and
``egov build`` execute notebooks the same way:

* **The project's kernel.** A notebook whose kernel is ``egov`` runs on this environment's own
  Python (:data:`sys.executable`), whatever kernelspec named ``egov`` is registered elsewhere
  (another checkout's, user-wide): :class:`WarmKernelManager` does not look it up.
* **Warm.** That kernel is forked from a template that has imported the stack
  (:mod:`egov.build.forkserver`), through jupyter_client's provisioner seam
  (:class:`WarmProvisioner`, entry point ``jupyter_client.kernel_provisioners``), so nbclient
  drives it as any kernel. Other kernels (``--kernel python3``) start cold from their kernelspec.
* **Faults in the notebook.** A cell that runs past the timeout, or a kernel that dies while
  running a cell, gets an error output in that cell (:data:`TIMEOUT`, :data:`DEAD_KERNEL`):
  papermill then writes its error banner and raises ``PapermillExecutionError`` as for any
  failing cell. A kernel that dies before running a cell (e.g. two kernels raced for a port) is
  started again, up to :data:`KERNEL_START_TRIES` in all, then :class:`KernelStartError`.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
from importlib import metadata
from queue import Empty

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from traitlets import default

from egov.build import forkclient

#: The ``ename`` of the error output a fault leaves in the cell it stopped.
TIMEOUT, DEAD_KERNEL = "CellTimeoutError", "DeadKernelError"
#: A kernel that dies before running any cell is started again, up to this many times in all.
KERNEL_START_TRIES = 3
_LAUNCHER = [sys.executable, "-m", "ipykernel_launcher"]
#: ipykernel 7 greets each IOPub subscriber (JEP 65).
_GREETS = int(metadata.version("ipykernel").split(".")[0]) >= 7


class KernelStartError(RuntimeError):
    """The kernel died before running a cell, :data:`KERNEL_START_TRIES` times."""


class WarmProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching ipykernels of this Python from the fork
    server instead of a new interpreter (any other command is launched as usual)."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        if cmd[:3] != _LAUNCHER:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        self.cwd = kwargs.get("cwd") or os.getcwd()
        self.process = forkclient.launch(cmd[3:], env, str(self.cwd))
        self.pid = self.pgid = self.process.pid  # the kernel leads its own session and group
        return self.connection_info

    async def send_signal(self, signum: int) -> None:
        if isinstance(self.process, forkclient.ForkedKernel):
            self.process.send_signal(signum)  # never to a pid that has ended (it may be reused)
        else:
            await super().send_signal(signum)

    async def kill(self, restart: bool = False) -> None:
        await super().kill(restart)
        if isinstance(self.process, forkclient.ForkedKernel):
            try:  # SIGKILL ends it at once: spare jupyter_client's 0.1 s polls
                self.process.wait(1)
            except subprocess.TimeoutExpired:
                pass


class WarmKernelClient(AsyncKernelClient):
    """Ready as soon as the kernel is. jupyter_client's handshake, after the ``kernel_info``
    reply, waits up to 0.2 s for an IOPub message to be sure IOPub is connected; ipykernel 7
    greets each IOPub subscriber (``iopub_welcome``), which says the same at once."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        if _GREETS and await self._welcomed(min(timeout or 2, 2)):
            msg_id = self.kernel_info()
            try:
                while True:
                    reply = await self.shell_channel.get_msg(timeout=min(timeout or 10, 10))
                    if reply["parent_header"].get("msg_id") == msg_id:
                        self._handle_kernel_info_reply(reply)
                        return
            except Empty:
                pass
        await super()._async_wait_for_ready(timeout)  # the usual handshake, and its errors

    wait_for_ready = _async_wait_for_ready  # the base class binds the name to its own method

    async def _welcomed(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if (await self.iopub_channel.get_msg(timeout=0.05))["msg_type"] == "iopub_welcome":
                    return True
            except Empty:
                if not await self._async_is_alive():
                    return False
        return False


class WarmKernelManager(AsyncKernelManager):
    """Kernels named in :data:`~egov.build.forkclient.WARM_KERNELS` are this environment's
    Python, warm; others come from their kernelspec."""

    @default("client_factory")
    def _client_factory_default(self):
        return WarmKernelClient if self.kernel_name in forkclient.WARM_KERNELS else AsyncKernelClient

    @property
    def kernel_spec(self):
        if self._kernel_spec is None and self.kernel_name in forkclient.WARM_KERNELS:
            self._kernel_spec = KernelSpec(
                argv=[*_LAUNCHER, "-f", "{connection_file}", "--HistoryManager.hist_file=:memory:"],
                display_name="Python (egov)", language="python",
                metadata={"kernel_provisioner": {"provisioner_name": "egov-warm"}})
        return super().kernel_spec


class EgovEngine:
    """papermill's nbclient engine on :class:`WarmKernelManager`, with the faults above marked
    in the notebook; takes ``kernel_env`` (variables added to the kernel's environment).

    papermill imports its engines' entry points while it imports itself, so this class imports
    papermill only when it is used (:func:`_nbclient_engine` builds the engine then)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, **kwargs):
        return _nbclient_engine().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        return _nbclient_engine().nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):
        return _nbclient_engine().nb_language(nb, language)


@functools.cache
def _nbclient_engine():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None,
                                     kernel_env=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            options = merge_kwargs(
                kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log=logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                kernel_manager_class=WarmKernelManager, shutdown_kernel="immediate")
            env = {**os.environ, **(kernel_env or {})}
            # what a template started for this notebook imports first
            forkclient.want(forkclient.notebook_modules(c.source for c in nb_man.nb.cells
                                                        if c.cell_type == "code"))
            for attempt in range(1, KERNEL_START_TRIES + 1):
                try:
                    return PapermillNotebookClient(nb_man, **options).execute(env=env)
                except NoSuchKernel:
                    raise
                except CellTimeoutError:
                    _fail_running_cell(nb_man, TIMEOUT, f"the cell ran longer than {execution_timeout} s")
                    return nb_man.nb
                except Exception as err:  # noqa: BLE001 - a fault of the kernel, not of a cell
                    if _started(nb_man.nb):
                        dead = isinstance(err, DeadKernelError)
                        _fail_running_cell(nb_man, DEAD_KERNEL if dead else type(err).__name__,
                                           "the kernel died while running this cell (out of memory, "
                                           "or a crash in compiled code)" if dead else str(err))
                        return nb_man.nb
                    if attempt == KERNEL_START_TRIES:
                        raise KernelStartError(
                            f"the kernel {kernel_name!r} died while starting ({attempt} tries): "
                            f"{type(err).__name__}: {err}") from None

    return Engine


def _started(nb) -> bool:
    return any(c.metadata.get("papermill", {}).get("start_time") for c in nb.cells)


def _fail_running_cell(nb_man, ename: str, evalue: str) -> None:
    """Give the cell that was running (the last one papermill started) an error output."""
    nb = nb_man.nb
    index = max(i for i, c in enumerate(nb.cells) if c.metadata.get("papermill", {}).get("start_time"))
    cell = nb.cells[index]
    cell.setdefault("outputs", []).append(
        nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]))
    nb_man.cell_exception(cell, cell_index=index)
