"""The pool models now belong to tenants (tenants 0001 took them over with the same tables).

Django's state forgets them here; no table is dropped. Their content types are renamed, so
permissions and the console's history keep pointing at the same rows.
"""
from django.db import migrations

MOVED = ["userpool", "membership", "application", "managementtoken"]


def content_types_to(app_label_from, app_label_to):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        taken = set(ContentType.objects.filter(app_label=app_label_to, model__in=MOVED).values_list("model", flat=True))
        ContentType.objects.filter(app_label=app_label_from, model__in=set(MOVED) - taken).update(app_label=app_label_to)
    return move


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("console", "0002_application_client_type"),
        ("tenants", "0001_initial"),
        ("connections", "0002_pool_models_in_tenants"),
        ("accounts", "0002_pool_models_in_tenants"),
        ("hostedlogin", "0002_pool_models_in_tenants"),
        ("oidc", "0002_pool_models_in_tenants"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="ManagementToken"),
                migrations.DeleteModel(name="Application"),
                migrations.DeleteModel(name="UserPool"),
            ],
        ),
        migrations.RunPython(content_types_to("console", "tenants"), content_types_to("tenants", "console")),
    ]
