"""A throwaway PostgreSQL cluster on 127.0.0.1, for the production-profile test.

Debian's ``postgresql`` package (``make postgresql`` installs it when missing) provides the
server binaries under /usr/lib/postgresql/<major>/bin. The cluster lives in a temporary
directory on a free port with password authentication, and is stopped and deleted afterwards.
PostgreSQL refuses to run as root, so under root every server command runs as the ``postgres``
system user through ``runuser``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 30


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing or the cluster did not start (the reason is attached)."""


def server_bin() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not candidates:
        raise PostgresUnavailable(
            "no initdb found: install Debian's postgresql (`make postgresql` does it)"
        )
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ThrowawayPostgres:
    host: str = "127.0.0.1"
    port: int = 0
    user: str = "tasapaino"
    database: str = "tasapaino"
    password: str = ""
    root: Path | None = None

    def env(self) -> dict[str, str]:
        """The TASAPAINO_PG_* variables that deploy/dagster.production.yaml reads."""
        return {
            "TASAPAINO_PG_HOST": self.host,
            "TASAPAINO_PG_PORT": str(self.port),
            "TASAPAINO_PG_DB": self.database,
            "TASAPAINO_PG_USER": self.user,
            "TASAPAINO_PG_PASSWORD": self.password,
        }

    def _run(self, *cmd: str | Path) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run(
            [*prefix, *map(str, cmd)],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S + 30,
            env={**os.environ, "PGPASSWORD": self.password, "LC_ALL": "C"},
        )
        if result.returncode != 0:
            log = self.root / "server.log" if self.root else None
            tail = log.read_text(errors="replace")[-1500:] if log and log.exists() else ""
            raise PostgresUnavailable(
                f"{Path(str(cmd[0])).name} failed ({result.returncode}): "
                f"{result.stderr.strip()[-1500:]}\n{tail}"
            )
        return result

    def start(self) -> ThrowawayPostgres:
        bindir = server_bin()
        self.root = Path(tempfile.mkdtemp(prefix="tasapaino-pg-"))
        self.password = secrets.token_hex(16)
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
        data = self.root / "data"
        self._run(
            bindir / "initdb",
            "-D",
            data,
            "-U",
            self.user,
            "--auth=scram-sha-256",
            f"--pwfile={pwfile}",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        for attempt in range(3):
            self.port = _free_port()
            try:
                self._run(
                    bindir / "pg_ctl",
                    "-D",
                    data,
                    "-l",
                    self.root / "server.log",
                    "-o",
                    f"-h {self.host} -p {self.port} -k {self.root} -F",
                    "-w",
                    "-t",
                    str(START_TIMEOUT_S),
                    "start",
                )
                break
            except PostgresUnavailable:
                if attempt == 2:
                    raise
                time.sleep(0.5)
        self._run(
            bindir / "createdb",
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-U",
            self.user,
            self.database,
        )
        return self

    def stop(self) -> None:
        if self.root is None:
            return
        data = self.root / "data"
        if (data / "postmaster.pid").exists():
            # Already gone is fine: the directory is removed below either way.
            with contextlib.suppress(PostgresUnavailable):
                self._run(server_bin() / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None
