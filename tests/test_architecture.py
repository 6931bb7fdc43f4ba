"""design.md's import boundaries, checked on the source rather than trusted."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "greyrock"


def _greyrock_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("greyrock"):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("greyrock"))
    return found


def test_model_imports_nothing_of_greyrock() -> None:
    assert _greyrock_imports(SRC / "model.py") == set()


def test_ingest_never_touches_vault_screen_or_cli() -> None:
    for path in (SRC / "ingest").glob("*.py"):
        for module in _greyrock_imports(path):
            assert not module.startswith(("greyrock.vault", "greyrock.screen", "greyrock.cli")), (path.name, module)


def test_no_importer_is_left_a_placeholder() -> None:
    import inspect

    from greyrock.ingest._registry import IMPORTERS

    for importer in IMPORTERS:
        for method in (importer.sniff, importer.parse):
            body = inspect.getsource(method)
            assert "raise NotImplementedError" not in body, f"{importer.name}.{method.__name__}"
        assert importer.help and importer.name
