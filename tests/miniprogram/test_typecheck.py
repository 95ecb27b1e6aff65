"""`tsc --checkJs --noEmit` of the mini-program against WeChat's miniprogram-api-typings.

miniprogram/jsconfig.json checks app.js, config.js, lib/ and pages/ in strict mode with the
types of every wx.* API and event. The second test proves the check bites: a copy of the
mini-program with typical mistakes (a misspelt wx.request option, a wrong getPhoneNumber event
field, a code type wx.scanCode does not know, a text key no language has) fails with
exactly those errors.
"""
import os
import re
import shutil
import subprocess

from .conftest import MINIPROGRAM


def tsc(node, project_dir):
    command = [node, str(MINIPROGRAM / "node_modules" / "typescript" / "bin" / "tsc"), "-p", "jsconfig.json", "--pretty", "false"]
    return subprocess.run(command, cwd=project_dir, capture_output=True, text=True, timeout=300)


def test_the_miniprogram_type_checks(node, miniprogram_deps):
    result = tsc(node, MINIPROGRAM)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert result.stdout.strip() == ""


MISTAKES = [
    # (file, original, mistake, the error tsc must report for that file)
    ("lib/api.js", "method: 'POST',", "methd: 'POST',", r"lib/api\.js\(\d+,\d+\): error TS2561: .*'methd'"),
    ("lib/page.js", "this.flow.confirm(e && e.detail)", "this.flow.confirm(e && e.details)",
     r"lib/page\.js\(\d+,\d+\): error TS2551: Property 'details' does not exist on type 'ButtonGetPhoneNumber'"),
    ("lib/page.js", "scanType: ['wxCode', 'qrCode'],", "scanType: ['wxCode', 'qrcode'],",
     r"lib/page\.js\(\d+,\d+\): error TS2820: Type '\"qrcode\"' is not assignable to type '\"barCode\" \| \"qrCode\""),
    ("lib/view.js", "t('reviewHeading')", "t('reviewHeadng')",
     r"lib/view\.js\(\d+,\d+\): error TS2345: Argument of type '\"reviewHeadng\"' is not assignable to parameter of type"),
]


def test_typical_mistakes_fail_the_type_check(node, miniprogram_deps, tmp_path):
    copy = tmp_path / "miniprogram"
    shutil.copytree(MINIPROGRAM, copy, ignore=shutil.ignore_patterns("node_modules"))
    os.symlink(MINIPROGRAM / "node_modules", copy / "node_modules")
    for rel, original, mistake, _ in MISTAKES:
        path = copy / rel
        source = path.read_text(encoding="utf-8")
        assert original in source, f"{rel} no longer has {original!r}"
        path.write_text(source.replace(original, mistake, 1), encoding="utf-8")
    result = tsc(node, copy)
    assert result.returncode != 0
    for rel, _, mistake, error in MISTAKES:
        assert re.search(error, result.stdout), f"no type error for {mistake!r} in {rel}:\n{result.stdout[-3000:]}"
    assert len(re.findall(r"error TS\d+", result.stdout)) == len(MISTAKES), result.stdout
