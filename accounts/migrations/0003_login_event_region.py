from django.db import migrations, models


def fill_regions(apps, schema_editor):
    """Events written before regions were stored get the region of their IP as the database knows it now."""
    from accounts.regions import region_for_ip

    LoginEvent = apps.get_model("accounts", "LoginEvent")
    batch = []
    for event in LoginEvent.objects.exclude(ip=None).only("id", "ip").iterator(chunk_size=1000):
        event.region = region_for_ip(event.ip)
        batch.append(event)
        if len(batch) == 1000:
            LoginEvent.objects.bulk_update(batch, ["region"])
            batch = []
    LoginEvent.objects.bulk_update(batch, ["region"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_pool_models_in_tenants'),
    ]

    operations = [
        migrations.AddField(
            model_name='loginevent',
            name='region',
            field=models.JSONField(blank=True, default=dict, verbose_name='region'),
        ),
        migrations.RunPython(fill_regions, migrations.RunPython.noop),
    ]
