"""One way to each name (issue 20, "one way per concern"): no module of deskterm is a facade.

A re-export is a name imported into a module that the module itself never uses, kept there only
so that callers can write `module.X` (listed in `__all__`, hidden with `noqa: F401`, or simply
reached through it). Every caller (deskterm, tests, bench, scripts) imports a name from the
module that defines it. Two checks, both over every module (ast, no import of the code):

- no module of deskterm imports a name it does not use itself;
- no caller reaches a name through a module that only imported it (`from deskterm.a import X`
  or `a.X` where `a` got X from elsewhere).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "deskterm"
CALLERS = ("deskterm", "tests", "bench", "scripts")

# The one facade: SQLModel (and Alembic's autogenerate) needs every table imported in one place
# for the metadata, so deskterm.models imports them all and callers may take them from there.
FACADE = "deskterm.models"

# Imports done for their side effect, never for a name: (module, bound name) -> why.
SIDE_EFFECT = {
    ("deskterm.migrations.env", "deskterm"): "`import deskterm.models` fills the metadata",
    ("deskterm.tui.app", "deskterm"): "warm-up loads sign-in's modules in a thread",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "versions" in path.relative_to(PACKAGE).parts[:2]:  # generated migrations
            continue
        found[module_name(path)] = path
    return found


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def import_nodes(module: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    return [n for n in ast.walk(module) if isinstance(n, ast.Import | ast.ImportFrom)]


def absolute(node: ast.ImportFrom, name: str, path: Path) -> str:
    """The module an ImportFrom names (relative imports resolved against `name`'s package)."""
    if not node.level:
        return node.module or ""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def bindings(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The names an import statement binds."""
    if isinstance(node, ast.Import):
        return [a.asname or a.name.partition(".")[0] for a in node.names]
    if node.module == "__future__":
        return []
    return [a.asname or a.name for a in node.names if a.name != "*"]


def used_names(module: ast.Module) -> set[str]:
    """Every name the module reads, in code or in a string annotation (`__all__` is no use)."""
    used = {n.id for n in ast.walk(module) if isinstance(n, ast.Name)}
    annotations = []
    for n in ast.walk(module):
        if isinstance(n, ast.arg | ast.AnnAssign) and n.annotation is not None:
            annotations.append(n.annotation)
        elif isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.returns is not None:
            annotations.append(n.returns)
        elif isinstance(n, ast.Call) and getattr(n.func, "id", "") == "cast" and n.args:
            annotations.append(n.args[0])
    for annotation in annotations:
        for c in ast.walk(annotation):
            if isinstance(c, ast.Constant) and isinstance(c.value, str):
                try:
                    parsed = ast.parse(c.value, mode="eval")
                except SyntaxError:
                    continue
                used |= {n.id for n in ast.walk(parsed) if isinstance(n, ast.Name)}
    return used


@cache
def imported_only(name: str) -> frozenset[str]:
    """The names module `name` binds at its top level by importing them from deskterm (and
    never defines). A library's name reached through a module (`db.time` for a monkeypatch)
    is no facade of ours."""
    path = modules()[name]
    module = tree(path)
    imported: set[str] = set()
    defined: set[str] = set()

    def top(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.ImportFrom):
                if absolute(node, name, path).startswith("deskterm"):
                    imported.update(bindings(node))
            elif isinstance(node, ast.Import):
                imported.update(
                    a.asname for a in node.names if a.asname and a.name.startswith("deskterm.")
                )
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.If | ast.Try):
                top(node.body)
                top(node.orelse)
                for handler in getattr(node, "handlers", []):
                    top(handler.body)
                top(getattr(node, "finalbody", []))
            else:
                for n in ast.walk(node):
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                        defined.add(n.id)

    top(module.body)
    submodules = {m.rpartition(".")[2] for m in modules() if m.rpartition(".")[0] == name}
    return frozenset(imported - defined - submodules)


def unused_imports(name: str, path: Path) -> list[str]:
    module = tree(path)
    used = used_names(module)
    found = []
    for node in import_nodes(module):
        for bound in bindings(node):
            if bound not in used and (name, bound) not in SIDE_EFFECT:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {bound}")
    return found


def test_no_module_imports_a_name_it_does_not_use():
    found = []
    for name, path in modules().items():
        if name != FACADE:
            found += unused_imports(name, path)
    assert found == [], "re-exported (import it from its home instead):\n" + "\n".join(found)


def dotted(node: ast.expr) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def through_a_facade(full: str) -> str | None:
    """`deskterm.a.b.X` -> "deskterm.a.b.X" when module deskterm.a.b only imported X."""
    parts = full.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        home = ".".join(parts[:cut])
        if home in modules():
            if home != FACADE and parts[cut] in imported_only(home):
                return f"{home}.{parts[cut]}"
            return None
    return None


def caller_files() -> list[Path]:
    return [p for top in CALLERS for p in sorted((ROOT / top).rglob("*.py"))]


def test_every_name_is_imported_from_the_module_that_defines_it():
    found = []
    for path in caller_files():
        if "versions" in path.parts:
            continue
        module = tree(path)
        here = module_name(path)
        aliases: dict[str, str] = {}  # local name -> deskterm module it stands for
        for node in import_nodes(module):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("deskterm"):
                        aliases[a.asname or "deskterm"] = a.name if a.asname else "deskterm"
                continue
            source = absolute(node, here, path)
            if not source.startswith("deskterm"):
                continue
            for a in node.names:
                full = f"{source}.{a.name}"
                if full in modules():
                    aliases[a.asname or a.name] = full
                elif through_a_facade(full) is not None:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {source} {a.name}")
        for node in ast.walk(module):
            if not isinstance(node, ast.Attribute) or isinstance(node.ctx, ast.Store):
                continue  # `module.name = fake` patches that module's own binding: no facade
            chain = dotted(node)
            if chain is None or chain[0] not in aliases:
                continue
            full = ".".join([aliases[chain[0]], *chain[1:]])
            if (hit := through_a_facade(full)) is not None:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {hit}")
    found = sorted(set(found))
    assert found == [], "reached through a module that only imported it:\n" + "\n".join(found)
