"""The layers point one way: web -> services -> adapters / models.

Services return domain results and raise SokuErrors; the web layer (shared/web/) turns
them into responses, and where a response streams or is a page (media delivery, the
OAuth pages) the handler lives in shared/web/ and calls the service. Adapters and models
sit below both. Every import is checked, function-local ones included (ast, not grep).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# package folder -> {forbidden module prefix: why}
OUTSIDE = {"devstack": "the local stack is not deployed", "functions": "entry points sit above the layers",
           "main": "entry points sit above the layers", "tests": "the suite", "bench": "the benchmarks"}
RULES: dict[str, dict[str, str]] = {
    "shared/services": {"shared.web": "services return results and raise SokuErrors; the web layer "
                                      "makes responses", **OUTSIDE},
    "shared/adapters": {"shared.services": "adapters sit below the services",
                        "shared.web": "adapters sit below the web layer", **OUTSIDE},
    "shared/models": {"shared.services": "models sit below the services",
                      "shared.web": "models sit below the web layer", **OUTSIDE},
}


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module) for every import in `source`, wherever it is (module level, inside a
    function or a class, under `if TYPE_CHECKING`). `from a import b` yields `a` and `a.b`
    (b may be a module); relative imports are resolved against `module`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[:len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*"]
    return found


def _matches(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def violations() -> list[str]:
    problems = []
    for folder, forbidden in RULES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            module = ".".join(relative.with_suffix("").parts)
            is_package = path.name == "__init__.py"
            if is_package:
                module = module.removesuffix(".__init__")
            seen = set()
            for line, imported in imported_modules(path.read_text(), module, is_package):
                for prefix, why in forbidden.items():
                    if _matches(imported, prefix) and (line, prefix) not in seen:
                        seen.add((line, prefix))
                        problems.append(f"{relative}:{line} imports {imported} ({folder} must not import "
                                        f"{prefix}: {why})")
    return problems


def test_imports_point_one_way():
    problems = violations()
    assert not problems, "imports against the layering:\n  " + "\n  ".join(problems)


def test_the_scan_sees_every_kind_of_import():
    source = """
import shared.web.api
from shared.web import responses
from shared import web
def f():
    from devstack.gateway import load_rewrites
    import main
class C:
    def g(self):
        from ..web.responses import Reply
from . import sibling
"""
    found = {m for _, m in imported_modules(source, "shared.services.x")}
    assert {"shared.web.api", "shared.web", "shared.web.responses", "shared.web", "devstack.gateway", "main",
            "shared.web.responses.Reply", "shared.services.sibling"} <= found
    assert any(_matches(m, "shared.web") for m in found if m.startswith("shared.web"))
    assert not _matches("shared.webhooks", "shared.web")  # a prefix of the name is not the package
    package = {m for _, m in imported_modules("from . import flow", "shared.services.connections", True)}
    assert "shared.services.connections.flow" in package


def import_cycles(root: Path = ROOT) -> list[list[str]]:
    """Every set of `shared` modules that import one another in a circle (function-local
    imports included: a lazy import hides a circle from Python, not from a reader)."""
    modules = {}
    for path in sorted((root / "shared").rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        is_package = path.name == "__init__.py"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    graph = {name: {m for _, m in imported_modules(path.read_text(), name, is_package)
                    if m in modules and m != name}
             for name, (path, is_package) in modules.items()}
    # Tarjan's strongly connected components: a component of more than one module is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_in_a_circle():
    """Issue 35, item 12: runs -> outbox -> outcomes -> post_events -> posts.views -> posts.dispatch
    -> runs made webhook payloads depend on the API's display code at dispatch time. Events are
    frozen when a run finishes now (publishing/run_events.py), from a pure shape (posts/shape.py)."""
    cycles = import_cycles()
    assert not cycles, "modules importing each other in a circle:\n  " + "\n  ".join(map(" <-> ".join, cycles))
