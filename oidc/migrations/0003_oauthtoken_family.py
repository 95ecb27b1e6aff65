"""OAuthToken.family: the tokens descending from one authorization, for refresh-token reuse detection.

Existing tokens that came from one code share a family; the others each get their own.
"""
import uuid

from django.db import migrations, models


def assign_families(apps, schema_editor):
    OAuthToken = apps.get_model("oidc", "OAuthToken")
    by_code: dict = {}
    for token in OAuthToken.objects.filter(family__isnull=True).only("pk", "authorization_code_id").iterator():
        key = token.authorization_code_id or f"token-{token.pk}"
        family = by_code.setdefault(key, uuid.uuid4())
        OAuthToken.objects.filter(pk=token.pk).update(family=family)


class Migration(migrations.Migration):

    dependencies = [
        ("oidc", "0002_pool_models_in_tenants"),
    ]

    operations = [
        migrations.AddField(model_name="oauthtoken", name="family", field=models.UUIDField(null=True)),
        migrations.RunPython(assign_families, migrations.RunPython.noop),
        migrations.AlterField(model_name="oauthtoken", name="family",
                              field=models.UUIDField(db_index=True, default=uuid.uuid4)),
    ]
