"""The mini-program's own tests (node's test runner), run from pytest so `make test` shows them.

They include the page rendering tests (miniprogram/test/render*.test.js) that use WeChat's
miniprogram-simulate and j-component from miniprogram/node_modules.
"""
import subprocess

from .conftest import ROOT


def test_miniprogram_node_tests_pass(node, miniprogram_deps):
    result = subprocess.run([node, "--test", "miniprogram/test/"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    summary = "\n".join(line for line in result.stdout.splitlines() if line.startswith(("# tests", "# pass", "# fail", "not ok")))
    assert result.returncode == 0, f"node --test failed:\n{summary}\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    assert "# fail 0" in result.stdout
    assert "# pass 0" not in result.stdout  # it ran something
