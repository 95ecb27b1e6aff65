"""Point the foreign keys at the pool models' new home in tenants (same tables: state only)."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hostedlogin', '0001_initial'),
        ('tenants', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='loginticket',
                    name='application',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='login_tickets', to='tenants.application'),
                ),
                migrations.AlterField(
                    model_name='loginticket',
                    name='pool',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='login_tickets', to='tenants.userpool'),
                ),
    
            ],
        ),
    ]
