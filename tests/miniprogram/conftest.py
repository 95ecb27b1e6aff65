"""The mini-program's node tooling: node itself and the npm dev dependencies `make test` installs."""
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MINIPROGRAM = ROOT / "miniprogram"


@pytest.fixture(scope="session")
def node():
    path = shutil.which("node")
    assert path, "node (>= 20.19) is needed to test the mini-program; install nodejs"
    return path


@pytest.fixture(scope="session")
def miniprogram_deps():
    """miniprogram/node_modules as `npm ci` left it (make test / make miniprogram-deps run it)."""
    stamp = MINIPROGRAM / "node_modules" / ".installed"
    assert stamp.exists(), "the mini-program's npm dev dependencies are missing: run `make miniprogram-deps`"
    return MINIPROGRAM / "node_modules"
