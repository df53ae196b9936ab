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


# -- platform packages (issue 38): the core never imports one --------------------------------------

PLATFORMS = ROOT / "shared" / "platforms"
# Packages of platform code that several platforms share (and only they may import).
FAMILIES = {"meta_graph": {"facebook", "instagram", "threads"}, "google": {"youtube", "google_business"}}


def platform_packages() -> list[str]:
    return sorted(d.name for d in PLATFORMS.iterdir() if (d / "__init__.py").exists())


def platform_import_violations(root: Path = ROOT) -> list[str]:
    """Every import of a platform package (`shared.platforms.<name>`) from outside it: the core
    (shared/, functions/, main.py) reaches a platform only through shared/platforms/loader.py,
    by name, so arrows point from the platforms to the core and never back."""
    packages = platform_packages()
    problems = []
    files = [*sorted((root / "shared").rglob("*.py")), *sorted((root / "functions").rglob("*.py")), root / "main.py"]
    for path in files:
        relative = path.relative_to(root)
        parts = relative.with_suffix("").parts
        owner = parts[2] if parts[:2] == ("shared", "platforms") and len(parts) > 3 else None
        is_package = path.name == "__init__.py"
        module = ".".join(parts[:-1] if is_package else parts)
        for line, imported in imported_modules(path.read_text(), module, is_package):
            for package in packages:
                if not _matches(imported, f"shared.platforms.{package}") or owner == package:
                    continue
                if owner in FAMILIES.get(package, set()):
                    continue
                problems.append(f"{relative}:{line} imports {imported}: only shared/platforms/loader.py reaches "
                                f"a platform package (by name), and a platform only its own package"
                                f"{' or ' + package if package in FAMILIES else ''}")
    return problems


def test_the_core_never_imports_a_platform_package():
    assert len(platform_packages()) >= 8
    problems = platform_import_violations()
    assert not problems, "imports of platform packages from outside them:\n  " + "\n  ".join(problems)


def test_the_platform_scan_catches_an_import_from_the_core(tmp_path):
    (tmp_path / "shared" / "platforms" / "x").mkdir(parents=True)
    (tmp_path / "shared" / "platforms" / "x" / "__init__.py").write_text("")
    (tmp_path / "shared" / "platforms" / "x" / "publisher.py").write_text("from shared.platforms import Platform\n")
    (tmp_path / "shared" / "services").mkdir()
    (tmp_path / "shared" / "services" / "runner.py").write_text("from shared.platforms.x import publisher\n")
    (tmp_path / "functions").mkdir()
    (tmp_path / "main.py").write_text("")
    global PLATFORMS
    saved, PLATFORMS = PLATFORMS, tmp_path / "shared" / "platforms"
    try:
        problems = platform_import_violations(tmp_path)
    finally:
        PLATFORMS = saved
    assert len(problems) == 2 and all(p.startswith("shared/services/runner.py:1") for p in problems), problems


def test_every_platform_package_has_its_five_parts():
    from shared.platforms import Platform

    for platform in Platform:
        for part in ("manifest", "options", "connector", "publisher", "insights"):
            assert (PLATFORMS / platform.value / f"{part}.py").exists(), f"{platform.value}/{part}.py"
