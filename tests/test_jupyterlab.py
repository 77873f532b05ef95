"""JupyterLab, for real: a server on localhost lists the notebooks, starts the `egov` kernel
and runs a notebook's cells through its REST and websocket API, then is stopped by its PID.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "01_platform.ipynb"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path_factory.mktemp("lab") / "jupyter-lab.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT / 'notebooks'}",
           "--ServerApp.port_retries=0", "--allow-root"]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                env=dict(os.environ, JUPYTER_PLATFORM_DIRS="1"))
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/api/status", headers=headers, timeout=2).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.3)
        assert proc.poll() is None, log.read_text()
    else:
        proc.kill()
        pytest.fail(f"jupyter lab did not start in 60 s:\n{log.read_text()}")
    yield base, headers, token, proc
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_server_lists_the_notebooks_and_serves_lab(lab):
    base, headers, _, _ = lab
    listing = requests.get(f"{base}/api/contents", headers=headers, timeout=10).json()
    names = {item["name"] for item in listing["content"]}
    expected = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert expected and expected <= names
    assert requests.get(f"{base}/lab", headers=headers, timeout=10).ok
    assert requests.get(f"{base}/api/contents", timeout=10).status_code == 403  # token required


def test_egov_kernel_runs_a_notebook_through_the_server(lab):
    base, headers, token, _ = lab
    specs = requests.get(f"{base}/api/kernelspecs", headers=headers, timeout=10).json()
    assert "egov" in specs["kernelspecs"]
    kernel = requests.post(f"{base}/api/kernels", headers=headers, json={"name": "egov"}, timeout=30).json()
    try:
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}/api/kernels/{kernel['id']}/channels?token={token}", timeout=120)
        nb = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        assert code_cells
        outputs = 0
        for cell in code_cells:
            status, n = _execute(ws, cell.source)
            assert status == "ok", f"cell failed in JupyterLab's kernel:\n{cell.source[:300]}"
            outputs += n
        assert outputs > 0
        ws.close()
    finally:
        requests.delete(f"{base}/api/kernels/{kernel['id']}", headers=headers, timeout=30)


def _execute(ws, code: str) -> tuple[str, int]:
    """Send one execute_request; return the reply status and the number of outputs seen."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                   "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    outputs, status = 0, None
    while status is None:
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if msg["msg_type"] in ("display_data", "execute_result", "stream"):
            outputs += 1
        if msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        if msg["msg_type"] == "execute_reply":
            status = msg["content"]["status"]
    return status, outputs


def test_server_stops_by_pid(lab):
    *_, proc = lab
    assert proc.poll() is None  # still running here; the fixture stops it by PID afterwards
    assert Path(f"/proc/{proc.pid}").exists()
