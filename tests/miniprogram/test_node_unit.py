"""The mini-program's own tests (node's test runner), run from pytest so `make test` shows them."""
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_miniprogram_node_tests_pass():
    node = shutil.which("node")
    assert node, "node (>= 20) is needed to test the mini-program; install nodejs"
    result = subprocess.run([node, "--test", "miniprogram/test/"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    summary = "\n".join(line for line in result.stdout.splitlines() if line.startswith(("# tests", "# pass", "# fail", "not ok")))
    assert result.returncode == 0, f"node --test failed:\n{summary}\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    assert "# fail 0" in result.stdout
    assert "# pass 0" not in result.stdout  # it ran something
