"""Screens of the login mini-program, rendered from the real page's data and WXML/WXSS, in Chromium.

miniprogram/test/preview.js drives the real page to each screen with a scripted `wx` and writes
the WXML as HTML; this test opens each at phone size, checks what a user must see, and saves
artifacts/screenshots/miniprogram-<screen>.png for people to look at.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "review-zh": ["确认在电脑上登录", "Acme 商城", "Acme", "微信扫码登录", "Windows 上的 Chrome", "所在地区", "广东 深圳",
                  "113.116.0.1", "1:42 后过期", "确认登录", "取消"],
    "review-en": ["Log in on your computer?", "Chrome on Windows", "Location", "广东 深圳", "Expires in 1:42", "Confirm login", "Cancel"],
    "phone-denied-zh": ["需要授权手机号才能登录"],
    "confirming-zh": ["正在登录…"],
    "done-zh": ["登录成功", "请回到电脑继续操作。", "关闭"],
    "done-en": ["You are logged in"],
    "refused-zh": ["无法登录", "该应用只允许已有账号登录，你还没有账号。"],
    "cancelled-zh": ["已取消登录"],
    "expired-zh": ["二维码已过期", "扫描新的二维码"],
    "already-scanned-en": ["This code has already been scanned", "Scan a new code"],
    "network-error-zh": ["网络连接失败", "重试"],
    "loading-zh": ["正在读取登录请求…"],
}


@pytest.fixture(scope="module")
def previews(tmp_path_factory):
    node = shutil.which("node")
    assert node, "node (>= 20) is needed to render the mini-program; install nodejs"
    out = tmp_path_factory.mktemp("miniprogram")
    result = subprocess.run([node, "miniprogram/test/preview.js", "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_screen_shows_what_the_user_needs(previews, phone, screenshot, name):
    phone.goto(Path(previews[name]["file"]).as_uri())
    text = phone.inner_text("body")
    for expected in EXPECTED[name]:
        assert expected in text, f"{name}: {expected!r} not shown"
    assert phone.evaluate("document.body.scrollWidth") <= 375, f"{name} overflows the phone's width"
    screenshot(phone, f"miniprogram-{name}")


def test_buttons_on_the_review_are_the_phone_button_and_cancel(previews, phone):
    phone.goto(Path(previews["review-zh"]["file"]).as_uri())
    confirm = phone.locator('button[data-open-type="getPhoneNumber"]')
    assert confirm.get_attribute("data-bindgetphonenumber") == "onPhoneNumber"
    assert phone.locator('button[data-bindtap="onCancel"]').count() == 1
    assert phone.locator("button[disabled]").count() == 0
    phone.goto(Path(previews["confirming-zh"]["file"]).as_uri())
    assert phone.locator("button[disabled]").count() == 2
