"""The layout is the architecture: these checks keep it so. No part imports itself in a circle,
every module says why it exists, and every path ARCHITECTURE.md names is where it says."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("network", "chaincode", "client", "api", "grootboek")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] != "grootboek":
        parts.insert(0, "grootboek")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for part in PARTS for path in (ROOT / part).rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return getattr(test, "id", None) == "TYPE_CHECKING" or getattr(test, "attr", None) == "TYPE_CHECKING"


def _imports(name: str, path: Path) -> set[str]:
    """The modules of ours `name` imports anywhere (functions too; not under TYPE_CHECKING)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    targets: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                targets.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(anchor + ([child.module] if child.module else []))
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    targets.add(sub if sub in MODULES else base)
            visit(child)

    visit(ast.parse(path.read_text()))
    found = set()
    for target in targets:
        segments = target.split(".")
        for end in range(len(segments), 0, -1):  # the longest prefix that is one of our modules
            candidate = ".".join(segments[:end])
            if candidate in MODULES:
                if candidate != name:
                    found.add(candidate)
                break
    return found


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        circles.append(sorted(component))
    return circles


def test_the_circle_finder_finds_a_circle():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_part_imports_itself_in_a_circle():
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    assert sum(map(len, graph.values())) > 600  # the parser does see the imports
    assert _circles(graph) == []


def test_every_module_says_why_it_exists():
    silent = sorted(str(path.relative_to(ROOT)) for path in MODULES.values()
                    if not ast.get_docstring(ast.parse(path.read_text())))
    assert silent == []


def test_every_path_architecture_md_names_exists():
    text = (ROOT / "ARCHITECTURE.md").read_text()
    tops = (*PARTS, "tests", "bench")
    named = {match for match in re.findall(r"`([A-Za-z0-9_./-]+)`", text)
             if match.split("/")[0] in tops or match.endswith((".py", ".md", ".yaml"))}
    assert len(named) > 30  # the map names the parts' files, not just a few folders
    missing = sorted(path for path in named if not (ROOT / path.rstrip("/")).exists())
    assert missing == []
