"""Old module paths (before the stage packages) keep working: ``import checker.index`` gives ``checker.store.index``.

A meta-path finder maps each old name to its module in the new layout, so code written against the
flat layout (``from checker.index import Index``, ``from checker.judge import RuleJudge``) still imports
the same objects. Nothing is imported until such a name is asked for.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

#: old module → new module
OLD_PATHS = {
    "checker.ingest": "checker.read.ingest", "checker.clean": "checker.read.clean",
    "checker.claims": "checker.read.claims", "checker.attribution": "checker.read.attribution",
    "checker.signals": "checker.text.signals", "checker.onnx_encoder": "checker.embed.onnx_e5",
    "checker.use_encoder": "checker.embed.use", "checker.convert_e5": "checker.embed.convert_e5",
    "checker.distributed": "checker.judge.ray", "checker.index": "checker.store.index",
    "checker.ann": "checker.store.ann", "checker.faiss_files": "checker.store.faiss_files",
    "checker.build": "checker.store.build", "checker.pairs": "checker.judge.pairs",
    "checker.stories": "checker.judge.stories", "checker.scorer": "checker.judge.scorer",
    "checker.calibrate": "checker.judge.calibrate", "checker.train": "checker.judge.train",
    "checker.evaluate": "checker.judge.evaluate", "checker.ci": "checker.report.ci",
    "checker.plot": "checker.report.plot",
}


class _Alias:
    """Finds an old module name and loads it as the module it moved to (a meta-path finder and loader;
    not derived from ``importlib.abc``, which would cost ``import checker`` 8 ms)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in OLD_PATHS:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return importlib.import_module(OLD_PATHS[spec.name])

    def exec_module(self, module) -> None:
        """Nothing to run: the module was imported under its new name."""


def install() -> None:
    """Add the finder once (``import checker`` calls this)."""
    if not any(isinstance(finder, _Alias) for finder in sys.meta_path):
        sys.meta_path.append(_Alias())
