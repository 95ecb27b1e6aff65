"""Point the foreign keys at the pool models' new home in tenants (same tables: state only)."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('tenants', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='enduser',
                    name='pool',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='end_users', to='tenants.userpool'),
                ),
                migrations.AlterField(
                    model_name='identity',
                    name='pool',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='identities', to='tenants.userpool'),
                ),
                migrations.AlterField(
                    model_name='loginevent',
                    name='application',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='tenants.application'),
                ),
                migrations.AlterField(
                    model_name='loginevent',
                    name='pool',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='login_events', to='tenants.userpool'),
                ),
    
            ],
        ),
    ]
