"""Fabric binaries: found on FABRIC_BIN or PATH when their version matches our pins, else built
from Fabric's published Go modules with the machine's Go toolchain into a per-user cache.

The pins live in network/fabric/pins.yaml; the module checksums are the go.sum files of the build
modules in network/fabric/build/, so `go build` (read-only module mode) refuses any download that
does not match. A pin may name patches: exact replacements in the module's source, applied to a
copy that a copy of the build module uses through a `go.mod` replace (the module cache stays as
downloaded; go refuses overlays of it). A patched build
goes to a cache directory of its own, named after its patches, so a stock build is never taken for
it nor it for one.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from grootboek.progress import Progress

PINS_FILE = Path(__file__).resolve().parents[1] / "fabric" / "pins.yaml"


class BinariesError(RuntimeError):
    """The Fabric binaries can be neither found nor built; the message says what to install."""


@dataclass(frozen=True)
class Patch:
    """One change to a module's source: `find` must occur exactly once in `file` (a path inside the
    module), and is replaced by `replace`; `why` is kept with it."""

    file: str
    find: str
    replace: str
    why: str

    def apply(self, source: str) -> str:
        count = source.count(self.find)
        if count != 1:
            raise BinariesError(f"patch of {self.file} expects {self.find!r} once and found it {count} times: "
                                "the pinned module changed, review the patch")
        return source.replace(self.find, self.replace)


@dataclass(frozen=True)
class Component:
    """One pinned Go module and the commands built from it (fabric, fabric-ca)."""

    name: str
    version: str
    module: str
    module_version: str
    commit: str
    version_variable: str
    build_module: Path
    cgo: bool
    commands: tuple[str, ...]
    commit_variable: str | None = None
    patches: tuple[Patch, ...] = ()

    @property
    def build_name(self) -> str:
        """The cache directory's name: name-version, and a digest of the patches if any."""
        if not self.patches:
            return f"{self.name}-{self.version}"
        digest = hashlib.sha256(json.dumps([(p.file, p.find, p.replace) for p in self.patches]).encode())
        return f"{self.name}-{self.version}-patched-{digest.hexdigest()[:8]}"

    def ldflags(self) -> str:
        flags = [f"-X {self.version_variable}={self.version}"]
        if self.commit_variable:
            flags.append(f"-X {self.commit_variable}={self.commit[:12]}")
        return " ".join(flags)


def load_pins(path: Path = PINS_FILE) -> list[Component]:
    raw = yaml.safe_load(path.read_text())
    return [
        Component(
            name=name,
            version=str(spec["version"]),
            module=spec["module"],
            module_version=spec["module_version"],
            commit=spec["commit"],
            version_variable=spec["version_variable"],
            commit_variable=spec.get("commit_variable"),
            build_module=path.parent / spec["build_module"],
            cgo=bool(spec.get("cgo", False)),
            commands=tuple(spec["commands"]),
            patches=tuple(Patch(**patch) for patch in spec.get("patches", ())),
        )
        for name, spec in raw.items()
    ]


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "grootboek" / "bin"


_VERSION_LINE = re.compile(r"^\s*Version:\s*v?(\S+)", re.MULTILINE)


# configtxgen takes a flag where the others take a subcommand (and reads no config then).
_VERSION_ARGS = {"configtxgen": ["--version"]}


def reported_version(binary: Path) -> str | None:
    """The version a Fabric binary prints (`<cmd> version`), or None if it prints none."""
    try:
        out = subprocess.run(
            [str(binary), *_VERSION_ARGS.get(binary.name, ["version"])], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION_LINE.search(out.stdout + out.stderr)
    return match.group(1) if match else None


# osnadmin prints no version; it is trusted when it sits beside a peer of the pinned version.
_UNVERSIONED = {"osnadmin"}


def _matching_dir(directory: Path, component: Component) -> bool:
    if not all((directory / c).is_file() and os.access(directory / c, os.X_OK) for c in component.commands):
        return False
    return all(
        reported_version(directory / c) == component.version
        for c in component.commands
        if c not in _UNVERSIONED
    )


class Binaries:
    """Resolved paths of every Fabric command we use."""

    def __init__(self, paths: dict[str, Path]):
        self._paths = paths

    def __getitem__(self, command: str) -> str:
        return str(self._paths[command])

    def directories(self) -> list[Path]:
        return sorted({p.parent for p in self._paths.values()})

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in sorted(self._paths.items())}


def ensure(progress: Progress | None = None, pins: list[Component] | None = None) -> Binaries:
    """Finds or builds every pinned command and returns their paths."""
    progress = progress or Progress.quiet()
    paths: dict[str, Path] = {}
    for component in pins or load_pins():
        directory = _find(component) or _build(component, progress)
        paths.update({c: directory / c for c in component.commands})
    return Binaries(paths)


def _find(component: Component) -> Path | None:
    explicit = os.environ.get("FABRIC_BIN")
    if explicit and _matching_dir(Path(explicit), component):
        return Path(explicit)
    cached = cache_root() / component.build_name
    if _stamp_ok(cached, component):
        return cached
    on_path = shutil.which(component.commands[0])
    if on_path and _matching_dir(Path(on_path).resolve().parent, component):
        return Path(on_path).resolve().parent
    return None


def _stamp(component: Component) -> dict:
    stamp = {"module": component.module, "module_version": component.module_version,
             "commands": list(component.commands), "ldflags": component.ldflags()}
    if component.patches:
        stamp["patches"] = [[p.file, p.find, p.replace] for p in component.patches]
    return stamp


def _stamp_ok(directory: Path, component: Component) -> bool:
    stamp = directory / ".grootboek-build.json"
    try:
        if json.loads(stamp.read_text()) != _stamp(component):
            return False
    except (OSError, ValueError):
        return False
    return all((directory / c).is_file() for c in component.commands)


def _go() -> str:
    go = shutil.which("go")
    if go is None:
        raise BinariesError(
            "Fabric binaries not found and Go is not installed. Either install Go (1.24 or newer, "
            "https://go.dev/dl/) so that Grootboek can build them, or put Fabric "
            f"{load_pins()[0].version} binaries on PATH or in FABRIC_BIN."
        )
    return go


def _build(component: Component, progress: Progress) -> Path:
    go = _go()
    if component.cgo and shutil.which(os.environ.get("CC", "gcc")) is None:
        raise BinariesError(
            f"{component.name} {component.version} needs cgo (sqlite) and no C compiler was found: "
            "install gcc (Debian/Ubuntu: apt install gcc)."
        )
    target = cache_root() / component.build_name
    target.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CGO_ENABLED="1" if component.cgo else "0", GOFLAGS="-mod=readonly")
    packages = [f"{component.module}/cmd/{c}" for c in component.commands]
    cwd = component.build_module
    with progress.step(f"building {component.name} {component.version} from Go modules (first run only)"):
        _run([go, "mod", "download"], cwd, env, "downloading Go modules")
        listed = _run([go, "list", "-deps", *packages], cwd, env, "resolving packages")
        total = max(1, len(listed.split()))
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{component.name}-") as tmp, \
                tempfile.TemporaryDirectory(prefix=f"{component.name}-patched-") as patched:
            if component.patches:
                cwd = _patched_module(component, Path(patched), env)
            cmd = [go, "build", "-v", "-trimpath", "-ldflags", component.ldflags(), "-o", tmp + "/", *packages]
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            done, tail = 0, []
            assert proc.stdout is not None
            for line in proc.stdout:
                done += 1
                tail = (tail + [line.rstrip()])[-30:]
                progress.update(f"compiling {min(done, total)}/{total} packages")
            if proc.wait() != 0:
                raise BinariesError(
                    f"building {component.name} failed (go build exit {proc.returncode}):\n" + "\n".join(tail)
                )
            Path(tmp, ".grootboek-build.json").write_text(json.dumps(_stamp(component)))
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
            os.makedirs(tmp, exist_ok=True)  # TemporaryDirectory cleans up a path that must exist
    return target


def module_source(component: Component, env: dict | None = None) -> Path:
    """The pinned module's source in Go's module cache (downloaded if it is not there)."""
    env = env or dict(os.environ, GOFLAGS="-mod=readonly")
    return Path(_run([_go(), "list", "-m", "-f", "{{.Dir}}", component.module], component.build_module, env,
                     "locating the module's source").strip())


def _patched_module(component: Component, directory: Path, env: dict) -> Path:
    """A copy of the build module whose pinned module is replaced by a patched copy of its source
    (go refuses to build from a changed module cache, by design); returns the copy's path."""
    copy = directory / "source"
    shutil.copytree(module_source(component, env), copy, copy_function=shutil.copyfile)  # copyfile: the cache's files are read-only
    for patch in component.patches:
        target = copy / patch.file
        target.write_text(patch.apply(target.read_text()))
    build = directory / "build"
    shutil.copytree(component.build_module, build)
    _run([_go(), "mod", "edit", f"-replace={component.module}={copy}"], build, env, "replacing the module")
    return build


def _run(cmd: list[str], cwd: Path, env: dict, what: str) -> str:
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise BinariesError(f"{what} failed ({' '.join(cmd[:3])}):\n{out.stderr.strip()[-3000:]}")
    return out.stdout
