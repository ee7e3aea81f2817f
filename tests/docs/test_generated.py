"""Generated artefacts are current, and the code is lint-clean."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys

import pytest

from ctlsupport.cli import docgen


@functools.cache
def _outputs():
    """Every generated file's text, built once for all the checks below."""
    return docgen.outputs()


@pytest.mark.parametrize("path", sorted(_outputs()), ids=lambda p: p.name)
def test_reference_is_current(path):
    expected = _outputs()[path]
    assert path.exists(), f"{path.name} is missing: run python -m ctlsupport.cli.docgen"
    assert path.read_text() == expected, (
        f"{path.name} is stale: run python -m ctlsupport.cli.docgen"
    )


def _ruff(*args: str) -> subprocess.CompletedProcess:
    ruff = shutil.which("ruff") or str(__import__("pathlib").Path(sys.executable).parent / "ruff")
    return subprocess.run(
        [ruff, *args], cwd=docgen.ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_check_is_clean():
    result = _ruff("check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = _ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr
