"""The console's Simplified Chinese catalogue compiles and covers the console's own words."""
import subprocess
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_zh_hans_catalogue_compiles_without_errors(tmp_path):
    # msgfmt comes with gettext, which .ci/run installs; `make test` needs it for compilemessages too.
    result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "django.mo").stat().st_size > 1000


def test_console_ui_strings_have_translations():
    text = PO.read_text(encoding="utf-8")
    for english, chinese in [("Create identity source", "创建身份源"), ("Try login", "体验登录"),
                             ("PC mini-program scan", "PC 端小程序扫码"), ("Not yet available", "暂未开放")]:
        assert f'msgid "{english}"\nmsgstr "{chinese}"' in text
