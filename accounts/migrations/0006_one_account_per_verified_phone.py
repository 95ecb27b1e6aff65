"""One account per verified phone in a pool: leave no duplicate behind, then add the unique index.

For each phone verified on several accounts of one pool, the most recently used account keeps
it verified (last login, then the newest); the others keep the number but as unverified, and each
gets an AccountAudit row saying so and which account kept it. Nothing else is touched: the console's
"accounts sharing a phone" list shows them, and an admin may merge them.
"""
from django.db import migrations, models
from django.db.models import Count, F, Q


def unverify_duplicates(apps, schema_editor):
    EndUser = apps.get_model("accounts", "EndUser")
    AccountAudit = apps.get_model("accounts", "AccountAudit")
    verified = EndUser.objects.filter(phone_verified=True).exclude(phone="")
    shared = verified.values("pool_id", "phone").annotate(n=Count("id")).filter(n__gt=1).order_by()
    for group in shared.iterator():
        users = list(verified.filter(pool_id=group["pool_id"], phone=group["phone"]).order_by(
            F("last_login_at").desc(nulls_last=True), "-created_at", "-id"))
        keeper, others = users[0], users[1:]
        EndUser.objects.filter(pk__in=[u.pk for u in others]).update(phone_verified=False)
        AccountAudit.objects.bulk_create([
            AccountAudit(pool_id=u.pool_id, user_id=u.pk, change="phone_unverified", actor="migration",
                         detail={"phone": u.phone, "kept_on": str(keeper.sub)})
            for u in others
        ])


class Migration(migrations.Migration):

    dependencies = [("accounts", "0005_account_audit_merged_into")]

    operations = [
        migrations.RunPython(unverify_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="enduser",
            constraint=models.UniqueConstraint(
                condition=Q(phone_verified=True) & ~Q(phone=""), fields=("pool", "phone"),
                name="enduser_pool_verified_phone_unique",
                violation_error_message="Another account of this pool already has this verified phone number.",
            ),
        ),
    ]
