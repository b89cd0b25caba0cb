"""Key hygiene: notebooks with keys or huge outputs are caught; the repository's own notebooks are clean."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from filmkit.cli import main
from filmkit.hygiene import files_containing, scan_notebook

ROOT = Path(__file__).resolve().parents[1]
KEY = "key_" + "3e" * 64


def _nb(path: Path, source: str, output_text: str = "") -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    if output_text:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output_text)]
    nb.cells = [cell]
    nbformat.write(nb, path)
    return path


def test_key_in_source_or_output_is_found(tmp_path: Path) -> None:
    leak = _nb(tmp_path / "leak.ipynb", f'import os\nos.environ["RUNWAYML_API_SECRET"] = "{KEY}"')
    printed = _nb(tmp_path / "printed.ipynb", "print(key)", output_text=KEY)
    assert any("Runway API key" in f.problem for f in scan_notebook(leak))
    assert any("Runway API key" in f.problem for f in scan_notebook(printed))
    assert "rotate the key" in str(scan_notebook(leak)[0])


def test_oversized_output_is_found(tmp_path: Path) -> None:
    big = _nb(tmp_path / "big.ipynb", "show()", output_text="x" * 50_000)
    findings = scan_notebook(big, max_output_bytes=10_000)
    assert [f.cell for f in findings] == [0] and "write media to a file" in findings[0].problem


def test_cli_fails_on_bad_notebooks_and_passes_clean_ones(tmp_path: Path, capsys) -> None:
    good = _nb(tmp_path / "good.ipynb", "1 + 1", output_text="2")
    assert main(["check-notebooks", str(good)]) == 0
    _nb(tmp_path / "bad.ipynb", f"k = '{KEY}'")
    assert main(["check-notebooks", str(tmp_path)]) == 1
    assert "bad.ipynb" in capsys.readouterr().out


def test_repository_notebooks_are_clean() -> None:
    folders = [ROOT / d for d in ("lessons", "exercises", "solutions") if (ROOT / d).exists()]
    assert main(["check-notebooks", *map(str, folders)]) == 0


def test_files_containing_scans_binary_files(tmp_path: Path) -> None:
    (tmp_path / "a.bin").write_bytes(b"\x00\x01" + KEY.encode() + b"\xff")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.json").write_text(json.dumps({"ok": True}))
    assert files_containing(tmp_path, KEY) == [tmp_path / "a.bin"]
