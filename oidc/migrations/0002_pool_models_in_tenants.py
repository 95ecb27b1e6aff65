"""Point the foreign keys at the pool models' new home in tenants (same tables: state only)."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('oidc', '0001_initial'),
        ('tenants', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='authorizationcode',
                    name='application',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.application'),
                ),
                migrations.AlterField(
                    model_name='authorizationcode',
                    name='pool',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.userpool'),
                ),
                migrations.AlterField(
                    model_name='oauthtoken',
                    name='application',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.application'),
                ),
                migrations.AlterField(
                    model_name='oauthtoken',
                    name='pool',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.userpool'),
                ),
                migrations.AlterField(
                    model_name='signingkey',
                    name='pool',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signing_keys', to='tenants.userpool'),
                ),
    
            ],
        ),
    ]
