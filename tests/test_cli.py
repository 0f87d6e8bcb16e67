"""The ``pathgrad`` command: grad, paths, export, and errors (exit code 2, message on stderr)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pathgrad.cli import main

DIAMOND = "a = 2; b = 1; e = (a+b)*(b+1)"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_grad_prints_the_value_and_each_leafs_gradient(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "grad", "x = 1; w = 3; y = w*x*x", "--at", "x=2")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "y = 12"
    assert lines[1].split() == ["leaf", "value", "dy/dleaf", "paths"]
    assert lines[2].split() == ["x", "2", "12", "2"]
    assert lines[3].split() == ["w", "3", "4", "1"]


def test_grad_with_arrays_expand_and_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "x = [1, 2]; y = sum(x*x); z = y*y", "--at", "x=[3, 4]",
                       "--output", "y", "--expand")
    assert code == 0
    assert out.splitlines()[0] == "y = 25"
    assert "[6.0, 8.0]" in out


def test_grad_shows_nonfinite_values_with_their_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "grad", "x = 0; y = log(x)")
    assert code == 0
    assert out.splitlines()[0].startswith("y = -inf")  # its kind, not just "non-finite"
    assert "log" in out.splitlines()[0]


def test_paths_shows_both_witnesses_and_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "paths", "x = 1; y = 1 + 1e-19*x", "--wrt", "x")
    assert code == 0
    assert "forward mode" in out and "1e-19" in out
    assert "cannot resolve below" in out


def test_paths_lists_them_and_checks_the_sum(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "paths", DIAMOND, "--wrt", "b", "--limit", "20")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "2 path(s); showing the top 2 by |product|"
    assert lines[2].split()[0] == "1" and lines[2].split()[-1] == "3"
    assert lines[3].split()[0] == "2" and lines[3].split()[-1] == "2"
    assert "sum of listed paths  5" in out
    assert "reverse-mode gradient 5" in out
    assert "unlisted remainder   0" in out


def test_paths_counts_beyond_the_limit(capsys: pytest.CaptureFixture[str]) -> None:
    source = "x0 = 1\n" + "\n".join(f"x{i + 1} = x{i}*2 + x{i}*3" for i in range(30))
    code, out, _ = run(capsys, "paths", source, "--wrt", "x0", "--limit", "3")
    assert code == 0
    assert out.splitlines()[0] == "1,073,741,824 path(s); showing the top 3 by |product|"


def test_export_json_is_the_graph(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "x = 3; y = x*x", "--format", "json")
    assert code == 0
    graph = json.loads(out)
    assert [e["arg"] for e in graph["edges"]] == [0, 1]
    assert graph["stats"]["path_counts"] == {"n0": "2"}
    code, default, _ = run(capsys, "export", "x = 3; y = x*x")
    assert json.loads(default) == graph


def test_export_dot(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "x = 3; y = x*x", "--format", "dot")
    assert code == 0
    assert out.startswith("digraph pathgrad {")
    assert out.rstrip().endswith("}")
    assert out.count(" -> ") == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grad", "y = 2*"], "line 1, column"),
        (["grad", "x = 1; y = 2*x", "--at", "z=1"], "'z'"),
        (["grad", "x = 1; y = 2*x", "--output", "q"], "'q'"),
        (["grad", "x = 1; y = x", "--at", "x=1e309"], "too large"),
        (["paths", DIAMOND, "--wrt", "q"], "'q'"),
        (["paths", "x = [1, 2]; y = x*x", "--wrt", "x"], "scalar"),
        (["export", "x = 1; y = __import__"], "__"),
    ],
)
def test_program_errors_exit_2_with_the_message_on_stderr(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("pathgrad: ")
    assert message in err


@pytest.mark.parametrize(
    "argv",
    [
        ["grad", "x = 1", "--at", "x=abc"],
        ["grad", "x = 1", "--at", "x"],
        ["grad", "x = 1", "--at", "x=[1,"],
        ["paths", DIAMOND, "--wrt", "b", "--limit", "-1"],
        ["paths", DIAMOND],
        ["export", "x = 1", "--format", "svg"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    _, err = capsys.readouterr()
    assert "usage: pathgrad" in err
    assert "Traceback" not in err


def test_the_installed_command(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("pathgrad")
    assert command.exists(), command
    done = subprocess.run(
        [str(command), "grad", "x = 1; y = x*x*x", "--at", "x=2"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "y = 8"
    assert done.stdout.splitlines()[2].split() == ["x", "2", "12", "3"]
    failed = subprocess.run(
        [str(command), "grad", "y = ("], capture_output=True, text=True, timeout=60, check=False
    )
    assert failed.returncode == 2
    assert failed.stderr.startswith("pathgrad: line 1, column")


def test_view_values_lists_paths_through_named_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "paths", DIAMOND, "--wrt", "b", "--view", "values")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "1 path(s); showing the top 1 by |product|"
    assert lines[2].split() == ["1", "b", "→", "e", "5", "5"]
    code, out, _ = run(capsys, "export", DIAMOND, "--view", "values")
    graph = json.loads(out)
    assert code == 0 and graph["view"] == "values"
    edges = [(e["source"], e["target"], e["local"]) for e in graph["edges"]]
    assert edges == [("v0", "v2", 2.0), ("v1", "v2", 5.0)]
    code, out, _ = run(capsys, "grad", DIAMOND, "--view", "values")
    assert code == 0 and out.splitlines()[3].split() == ["b", "1", "5", "1"]


def test_the_cli_accepts_what_the_server_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    # A 48 KB program: within the server's max_source_chars, and so within the CLI's (one default).
    from pathgrad.settings import Settings

    source = "x = 1\n" + "".join(f"y{i} = x * {i}\n" for i in range(3_000)) + "y = y1 + y2"
    assert 40_000 < len(source) <= Settings().max_source_chars
    code, out, err = run(capsys, "paths", source, "--wrt", "x", "--output", "y")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "2 path(s); showing the top 2 by |product|"
    assert "reverse-mode gradient 3" in out
