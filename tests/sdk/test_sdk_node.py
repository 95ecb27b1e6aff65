"""The browser SDK's own tests (tsc for its types, node's test runner with jsdom), run from pytest
so `make test` shows them. Installs the SDK's npm dev dependencies from its lock file when needed."""
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "sdk" / "js"


def _npm_ci_if_needed(npm: str) -> None:
    marker = SDK / "node_modules" / ".package-lock.json"
    lock = SDK / "package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=SDK, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"npm ci failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"


def test_sdk_types_and_node_tests_pass():
    npm = shutil.which("npm")
    assert npm and shutil.which("node"), "node (>= 20) and npm are needed to test the browser SDK; install nodejs and npm"
    _npm_ci_if_needed(npm)
    result = subprocess.run([npm, "test", "--silent"], cwd=SDK, capture_output=True, text=True, timeout=600)
    summary = "\n".join(line for line in result.stdout.splitlines() if line.startswith(("# tests", "# pass", "# fail", "not ok")))
    assert result.returncode == 0, f"npm test failed:\n{summary}\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    assert "# fail 0" in result.stdout
    assert "# pass 0" not in result.stdout  # it ran something
