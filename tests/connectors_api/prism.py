"""Prism (``@stoplight/prism-cli``) mock servers for the providers' own OpenAPI specs.

Prism is installed once into ``$SHADOWSPEND_PRISM_DIR`` (default
``~/.cache/shadowspend/prism``), outside the repository; CI pre-installs it there. Each spec
is served by one Prism process on a free loopback port, started the first time a test asks
for it and stopped at the end of the session. Anything missing (../shared, node, npm, a failed
install or start) becomes a skip, never a failure.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

PRISM_VERSION = "5.14.2"
PACKAGE = f"@stoplight/prism-cli@{PRISM_VERSION}"
SPECS = Path(__file__).resolve().parents[2] / ".." / "shared" / "specs"
START_TIMEOUT = 120.0


class PrismUnavailable(Exception):
    """Prism cannot be used here; the caller skips."""


def prism_dir() -> Path:
    configured = os.environ.get("SHADOWSPEND_PRISM_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "shadowspend" / "prism"


def _installed(root: Path) -> Path | None:
    binary = root / "node_modules" / ".bin" / "prism"
    manifest = root / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    if not binary.exists() or not manifest.exists():
        return None
    try:
        version = json.loads(manifest.read_text()).get("version")
    except (OSError, ValueError):
        return None
    return binary if version == PRISM_VERSION else None


def ensure_prism() -> Path:
    """The prism executable, installing it with npm on first use (under a file lock, so
    parallel test workers install once)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise PrismUnavailable("node or npm is not installed")
    root = prism_dir()
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        binary = _installed(root)
        if binary is not None:
            return binary
        npm = shutil.which("npm") or "npm"
        try:
            done = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--prefix", str(root), PACKAGE],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PrismUnavailable(f"npm install failed: {exc}") from exc
        binary = _installed(root)
        if done.returncode != 0 or binary is None:
            raise PrismUnavailable(f"npm install {PACKAGE} failed: {done.stderr[-500:]}")
        return binary


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class PrismFarm:
    """One Prism per spec, started lazily, all stopped by :meth:`stop`."""

    log_dir: Path
    binary: Path | None = None
    servers: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    pending: dict[str, tuple[subprocess.Popen[bytes], int]] = field(default_factory=dict)

    def launch(self, spec: str) -> None:
        """Start a Prism for ``spec`` without waiting (so several start in parallel)."""
        if spec in self.servers or spec in self.pending:
            return
        path = SPECS / spec
        if not path.is_file():
            raise PrismUnavailable(f"{path} is absent")
        if self.binary is None:
            self.binary = ensure_prism()
        port = free_port()
        log = (self.log_dir / f"prism-{spec}-{port}.log").open("wb")
        process = subprocess.Popen(
            [str(self.binary), "mock", "-h", "127.0.0.1", "-p", str(port), str(path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        self.pending[spec] = (process, port)

    def url(self, spec: str) -> str:
        """``http://127.0.0.1:PORT`` of a Prism serving ``../shared/specs/<spec>``, waiting
        for it to listen."""
        for attempt in range(2):  # a port can be taken between probing and binding
            if spec in self.servers:
                return self.servers[spec]
            self.launch(spec)
            process, port = self.pending.pop(spec)
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and process.poll() is None:
                if _listening(port):
                    self.servers[spec] = f"http://127.0.0.1:{port}"
                    return self.servers[spec]
                time.sleep(0.2)
            self._kill(process)
            if attempt:
                break
        raise PrismUnavailable(f"Prism did not start on {spec} (logs in {self.log_dir})")

    @staticmethod
    def _kill(process: subprocess.Popen[bytes]) -> None:
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the group we created for it, nothing else
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            self._kill(process)
        self.processes.clear()
        self.servers.clear()
        self.pending.clear()
