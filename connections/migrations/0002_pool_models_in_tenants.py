"""Point the foreign keys at the pool models' new home in tenants (same tables: state only)."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('connections', '0001_initial'),
        ('tenants', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='connection',
                    name='applications',
                    field=models.ManyToManyField(blank=True, related_name='connections', through='connections.ConnectionApplication', to='tenants.application'),
                ),
                migrations.AlterField(
                    model_name='connection',
                    name='pool',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='connections', to='tenants.userpool'),
                ),
                migrations.AlterField(
                    model_name='connectionapplication',
                    name='application',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='connection_links', to='tenants.application'),
                ),
    
            ],
        ),
    ]
