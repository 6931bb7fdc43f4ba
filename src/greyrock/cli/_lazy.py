"""Library modules the CLI loads on first use, so `greyrock --help` stays quick.

Importing the library eagerly (the importers with lxml, the vault with SQLCipher, screening
with numpy, safety, reply) cost 0.6 s before any command ran. A command module names what
it needs as `vault = lazy("greyrock.vault")`; the module is imported when a command first
touches one of its attributes (importlib's LazyLoader), and is the same module object any
other import gets.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

__all__ = ["lazy"]


def lazy(name: str) -> ModuleType:
    """`name`, imported on first attribute access (at once if it is already loaded)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:  # as the import system does, so `import greyrock.vault; greyrock.vault.x` works
        setattr(sys.modules[parent], child, module)
    loader.exec_module(module)
    return module
