"""Shared fixtures. Each area keeps its own fixtures in tests/fixtures/<area>.py."""
pytest_plugins = [
    "tests.fixtures.core",
    "tests.fixtures.wechat",
    "tests.fixtures.scanflow",
    "tests.fixtures.oidc",
    "tests.fixtures.api",
    "tests.fixtures.browser",
    "tests.fixtures.console",
]
