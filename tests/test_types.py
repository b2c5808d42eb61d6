"""The package type-checks: mypy, configured in setup.cfg ([mypy]), reports no error on redline/.

redline ships ``py.typed``, so the annotations are part of what users get; this test keeps them true. It runs
the mypy of the test environment (the ``test`` extra) with the interpreter running the tests, from the
repository's root, so setup.cfg's configuration applies. mypy's cache goes in ``.mypy_cache`` (ignored by git):
a first run takes about half a minute, later ones a few seconds.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        import mypy  # noqa: F401
    except ImportError:
        pytest.fail("mypy is not installed: it is part of the test extra (pip install -e '.[test]')")
    return subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache"), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_mypy_reports_no_error_on_the_package():
    run = _mypy()  # `files = redline` in setup.cfg
    output = (run.stdout + run.stderr).strip()
    assert run.returncode == 0, f"mypy found type errors (python -m mypy to see them again):\n{output}"
    checked = re.search(r"no issues found in (\d+) source files", output)
    assert checked, output
    modules = list((ROOT / "redline").rglob("*.py"))
    assert int(checked.group(1)) == len(modules), f"mypy checked {checked.group(1)} of {len(modules)} modules"


def test_mypy_as_configured_reports_a_type_error(tmp_path):
    """The check above can fail: the same configuration reports a wrong argument and an unchecked Optional."""
    bad = tmp_path / "bad.py"
    bad.write_text("def half(x: int) -> float:\n    return x / 2\n\n\n"
                   "def first(names: list[str] | None) -> str:\n    return names[0]\n\n\n"
                   "half('two')\n", encoding="utf-8")
    run = _mypy(str(bad))
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "[arg-type]" in output and "[index]" in output, output
