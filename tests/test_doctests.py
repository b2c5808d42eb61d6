"""The Examples in redline's docstrings run, so the documentation cannot drift from the code."""

import doctest
import importlib
import pkgutil

import pytest

import redline

MODULES = sorted(m.name for m in pkgutil.walk_packages(redline.__path__, "redline.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples in {name} failed"


def test_the_examples_are_there():
    """A guard against the parametrisation quietly finding nothing: these modules carry worked examples."""
    counted = {name: doctest.testmod(importlib.import_module(name), report=False).attempted
               for name in ("redline.schema", "redline.overlay.idle", "redline.overlay._report")}
    assert all(n > 0 for n in counted.values()), counted
