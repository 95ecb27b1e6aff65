"""Adding staff to a pool never tells a pool admin which usernames exist in other pools."""
import pytest

from tenants.models import Membership, Role
from tests.fixtures.core import make_staff

ADD = "/console/tenants/membership/add/"


def username_errors(client, username):
    response = client.post(ADD, {"username": username, "role": "operator"})
    form = response.context["adminform"].form if response.status_code == 200 else None
    return response, (form.errors.get("username") if form else None)


def test_unknown_and_other_pool_usernames_get_the_same_answer(admin_console, outsider, other_pool, pool):
    inactive = make_staff("ivan")
    inactive.is_active = False
    inactive.save()
    make_staff("root2", superuser=True)
    answers = {name: username_errors(admin_console, name)[1] for name in ("ghost", outsider.username, "ivan", "root2")}
    assert answers["ghost"] == answers[outsider.username] == answers["ivan"] == answers["root2"]
    assert answers["ghost"] == ["No staff user with this username can be added to this pool."]
    assert not Membership.objects.filter(user=outsider, pool=pool).exists()  # and nobody was added


def test_a_new_colleague_without_a_pool_can_be_added(admin_console, pool):
    newbie = make_staff("nina")
    response, errors = username_errors(admin_console, "nina")
    assert response.status_code == 302 and errors is None
    assert Membership.objects.get(user=newbie).pool == pool


@pytest.mark.django_db
def test_a_superuser_adds_staff_of_another_pool(superuser, pool, outsider):
    from tests.fixtures.console import logged_in
    client = logged_in(superuser)
    client.post("/console/switch-pool/", {"pool": pool.slug})
    response = client.post(ADD, {"username": outsider.username, "role": Role.OPERATOR})
    assert response.status_code == 302
    assert Membership.objects.filter(user=outsider, pool=pool).exists()
