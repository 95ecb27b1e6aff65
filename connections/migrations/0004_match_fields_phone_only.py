"""Field matching compares only what WeChat verifies: the phone number.

"email" and "username" were offered but never matched anything (WeChat verifies neither), so they
are dropped from every connection. A connection left with linking on but no way to link (no
field, no ask-to-bind; such a connection could also be saved before) had linking that did
nothing: it is switched off, which is what it did.
"""
from django.db import migrations


def phone_only(apps, schema_editor):
    Connection = apps.get_model("connections", "Connection")
    for conn in Connection.objects.iterator():
        fields = [f for f in conn.link_match_fields or [] if f == "phone"]
        enabled = conn.linking_enabled and bool(fields or conn.link_ask_bind)
        if (fields, enabled) != (conn.link_match_fields, conn.linking_enabled):
            conn.link_match_fields, conn.linking_enabled = fields, enabled
            conn.save(update_fields=["link_match_fields", "linking_enabled"])


class Migration(migrations.Migration):

    dependencies = [("connections", "0003_help_texts_in_one_language")]

    operations = [migrations.RunPython(phone_only, migrations.RunPython.noop)]
