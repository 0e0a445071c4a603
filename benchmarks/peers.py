"""The peer tools: Pelican, MkDocs and Hugo on the same pages as plain Markdown (plain_corpus.py).

Pelican and MkDocs are found in their own virtual environment first (so that they do not change
the packages okrsite runs with), then on PATH; Hugo on PATH. Standard library only.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass

from measure import log, measure, output_size
from scenarios import Scenario

PEERS_VENV = pathlib.Path(os.environ.get("OKRSITE_BENCH_VENV", "~/.cache/okrsite-bench/peers")).expanduser()
PEER_PACKAGES = ("pelican[markdown]", "mkdocs")


@dataclass(frozen=True)
class Peer:
    name: str
    how_to_install: str

    def executable(self) -> str | None:
        if self.name in ("pelican", "mkdocs"):
            candidate = PEERS_VENV / "bin" / self.name
            if candidate.exists():
                return str(candidate)
        return shutil.which(self.name)

    def command(self, exe: str) -> list[str]:
        return {"pelican": [exe, "content", "-o", "out", "-s", "pelicanconf.py"],
                "mkdocs": [exe, "build"],
                "hugo": [exe, "--quiet"]}[self.name]

    def output_dirs(self) -> tuple[str, ...]:
        return {"pelican": ("out",), "mkdocs": ("site",), "hugo": ("public", "resources")}[self.name]

    def version(self, exe: str) -> str:
        cmd = [exe, "version"] if self.name == "hugo" else [exe, "--version"]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"
        first = out.splitlines()[0] if out else ""
        match = re.search(r"v?(\d+\.\d+(?:\.\d+)?)", first)
        return match.group(1) if match else (first or "?")


PEERS = (
    Peer("pelican", f'python -m venv {PEERS_VENV} && {PEERS_VENV}/bin/pip install "pelican[markdown]"'),
    Peer("mkdocs", f"python -m venv {PEERS_VENV} && {PEERS_VENV}/bin/pip install mkdocs"),
    Peer("hugo", "sudo apt-get install -y hugo   (Debian/Ubuntu; elsewhere see https://gohugo.io/installation/)"),
)


def install_peers() -> None:
    """pip-install Pelican and MkDocs into their own virtual environment (so that they do not
    change the packages okrsite runs with), apt-get install Hugo."""
    def run(cmd: list[str]) -> bool:
        log("$ " + " ".join(cmd))
        return subprocess.run(cmd).returncode == 0

    if not all(Peer(n, "").executable() for n in ("pelican", "mkdocs")):
        if not (PEERS_VENV / "bin" / "python").exists():
            run([sys.executable, "-m", "venv", str(PEERS_VENV)])
        run([str(PEERS_VENV / "bin" / "python"), "-m", "pip", "install", *PEER_PACKAGES])
    if not shutil.which("hugo"):
        apt = shutil.which("apt-get")
        if apt is None:
            log("hugo: no apt-get here; see https://gohugo.io/installation/")
            return
        sudo = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
        if sudo is None:
            log("hugo: needs root to apt-get install; run: sudo apt-get install -y hugo")
            return
        if not run(sudo + [apt, "install", "-y", "hugo"]):
            run(sudo + [apt, "update"]) and run(sudo + [apt, "install", "-y", "hugo"])


def peer_scenarios(plain: pathlib.Path, runs: int, timeout: float, found: dict[str, str]) -> list[Scenario]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    scenarios = []
    for peer in PEERS:
        scenario = Scenario(f"{peer.name} (plain Markdown pages)", peer.name)
        exe = found.get(peer.name)
        if exe is None:
            scenario.error = "not installed"
            scenarios.append(scenario)
            continue
        folder = plain / peer.name
        for i in range(runs):
            for name in peer.output_dirs():
                shutil.rmtree(folder / name, ignore_errors=True)
            run = measure(peer.command(exe), folder, env, timeout)
            run.figures = output_size(folder / peer.output_dirs()[0])
            scenario.runs.append(run)
            log(f"    {scenario.name}: run {i + 1}/{runs}: {run.wall:.2f} s"
                + ("" if run.ok else f", exit {run.returncode}"))
            if not run.ok:
                scenario.error = f"exit {run.returncode}"
                log("\n".join((run.stderr or run.stdout).strip().splitlines()[-8:]))
                break
        scenarios.append(scenario)
    return scenarios
