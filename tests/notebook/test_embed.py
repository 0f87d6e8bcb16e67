"""<pathgrad-graph>'s data and snippet, and ``python -m pathgrad.notebook``."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from pathgrad import Var, sigmoid
from pathgrad.notebook import embed_data, embed_snippet
from pathgrad.notebook.__main__ import main
from pathgrad.notebook.assets import element_script

DIAMOND = "a = 2; b = 1; e = (a+b)*(b+1)"


def test_the_data_is_the_offline_exports_with_paths_for_every_leaf() -> None:
    data = embed_data(DIAMOND, values={"a": 3})
    assert set(data) == {"state", "graph", "pathsByInput", "ops", "program"}
    assert data["state"]["source"] == DIAMOND and data["state"]["values"] == {"a": 3}
    assert data["state"]["input"] == "b"  # the leaf with the most paths
    assert set(data["pathsByInput"]) == {"a", "b"}
    assert data["pathsByInput"]["b"]["gradient"] == 6.0
    assert data["program"] is True


def test_a_python_graph_embeds_too() -> None:
    w = Var(0.0, name="w")
    y = sigmoid(w * 2.0)
    data = embed_data(y)
    assert data["program"] is False and data["state"]["input"] == "w"
    assert data["pathsByInput"]["w"]["gradient"] == 0.5


def test_a_program_that_does_not_build_says_why() -> None:
    with pytest.raises(ValueError, match=r"does not build.*line"):
        embed_data("a = 2; e = a +")


def test_the_snippet_keeps_its_json_inside_its_script() -> None:
    w = Var(1.0, name="</script><script>alert(1)</script>")
    html = embed_snippet(w * w, height=500)
    assert html.count("</script>") == 1 and "\\u003c/script>" in html
    assert html.startswith('<pathgrad-graph height="500"')
    inner = re.search(r'<script type="application/json">(.*)</script>', html, re.DOTALL)
    assert inner and json.loads(inner.group(1))["state"]["input"] == "</script><script>alert(1)</script>"


def test_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snippet", DIAMOND, "--input", "a", "--height", "600"]) == 0
    assert capsys.readouterr().out.startswith('<pathgrad-graph height="600"')
    assert main(["data", DIAMOND, "--values", '{"b": 2}']) == 0
    assert json.loads(capsys.readouterr().out)["pathsByInput"]["b"]["gradient"] == 7.0
    assert main(["data", "a = "]) == 2
    assert "does not build" in capsys.readouterr().err
    out = subprocess.run(
        [sys.executable, "-m", "pathgrad.notebook", "element"], capture_output=True, text=True, check=True
    )
    assert out.stdout == element_script()
