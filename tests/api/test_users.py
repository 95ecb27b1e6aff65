"""/api/v1/users: read and filter end users; block/unblock and unlink identities (admin only)."""
from accounts.models import EndUser, Identity

from .helpers import assert_error

URL = "/api/v1/users"


def test_list_filter_and_read(api_client, pool, end_user):
    from tests.fixtures.api import make_end_user

    blocked = make_end_user(pool, phone="+8613900000000", openid="o-2")
    EndUser.objects.filter(pk=blocked.pk).update(blocked=True)
    assert {u["sub"] for u in api_client.get(URL).json()["results"]} == {str(end_user.sub), str(blocked.sub)}
    assert [u["sub"] for u in api_client.get(URL, {"phone": "+8613800138000"}).json()["results"]] == [str(end_user.sub)]
    assert [u["sub"] for u in api_client.get(URL, {"blocked": "true"}).json()["results"]] == [str(blocked.sub)]
    assert [u["sub"] for u in api_client.get(URL, {"blocked": "false"}).json()["results"]] == [str(end_user.sub)]
    got = api_client.get(f"{URL}/{end_user.sub}").json()
    assert got["phone"] == "+8613800138000" and got["identities"][0]["connection"] == "wechat-pc"
    assert "password" not in got


def test_bad_filter_is_400(api_client, end_user):
    body = assert_error(api_client.get(URL, {"blocked": "perhaps"}), 400, "validation_error")
    assert "blocked" in body["fields"]


def test_block_and_unblock(api_client, end_user):
    response = api_client.post(f"{URL}/{end_user.sub}/block")
    assert response.status_code == 200 and response.json()["blocked"] is True
    assert EndUser.objects.get(pk=end_user.pk).blocked
    assert api_client.post(f"{URL}/{end_user.sub}/block").json()["blocked"] is True
    assert api_client.post(f"{URL}/{end_user.sub}/unblock").json()["blocked"] is False
    assert not EndUser.objects.get(pk=end_user.pk).blocked


def test_unlink_identity(api_client, end_user):
    identity = end_user.identities.get()
    assert api_client.delete(f"{URL}/{end_user.sub}/identities/{identity.pk}").status_code == 204
    assert not Identity.objects.filter(pk=identity.pk).exists()
    assert_error(api_client.delete(f"{URL}/{end_user.sub}/identities/{identity.pk}"), 404, "not_found")


def test_identity_of_another_user_is_404(api_client, pool, end_user):
    from tests.fixtures.api import make_end_user

    someone = make_end_user(pool, phone="+8613900000003", openid="o-3")
    other_identity = someone.identities.get()
    assert_error(api_client.delete(f"{URL}/{end_user.sub}/identities/{other_identity.pk}"), 404, "not_found")
    assert Identity.objects.filter(pk=other_identity.pk).exists()


def test_operator_reads_but_cannot_block_or_unlink(operator_client, end_user):
    assert operator_client.get(f"{URL}/{end_user.sub}").status_code == 200
    assert_error(operator_client.post(f"{URL}/{end_user.sub}/block"), 403, "permission_denied")
    assert_error(operator_client.post(f"{URL}/{end_user.sub}/unblock"), 403, "permission_denied")
    identity = end_user.identities.get()
    assert_error(operator_client.delete(f"{URL}/{end_user.sub}/identities/{identity.pk}"), 403, "permission_denied")
    assert not EndUser.objects.get(pk=end_user.pk).blocked and Identity.objects.filter(pk=identity.pk).exists()
