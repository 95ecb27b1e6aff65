"""The tenant models move here from the console app. Their tables stay where they are
(db_table), so this changes Django's model state only: no table is created or copied."""
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import tenants.models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("console", "0002_application_client_type"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='UserPool',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('slug', models.CharField(help_text='Used in the hosted login URL /u/<slug>/. 用于托管登录地址 /u/<slug>/。', max_length=50, unique=True, validators=[django.core.validators.RegexValidator('^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$', 'Use 1–50 lowercase letters, digits and hyphens, not starting or ending with a hyphen.')], verbose_name='URL slug')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                    ],
                    options={
                        'db_table': 'console_userpool',
                        'verbose_name': 'user pool',
                        'verbose_name_plural': 'user pools',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ManagementToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('role', models.CharField(choices=[('admin', 'Admin'), ('operator', 'Operator')], default='operator', max_length=16, verbose_name='role')),
                        ('prefix', models.CharField(editable=False, max_length=16, unique=True)),
                        ('token_hash', models.CharField(editable=False, max_length=64)),
                        ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expires')),
                        ('last_used_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='last used')),
                        ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='revoked')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                        ('pool', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='management_tokens', to='tenants.userpool')),
                    ],
                    options={
                        'db_table': 'console_managementtoken',
                        'verbose_name': 'management token',
                        'verbose_name_plural': 'management tokens',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Application',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('logo', models.ImageField(blank=True, upload_to='app-logos/', verbose_name='logo')),
                        ('client_id', models.CharField(default=tenants.models.generate_client_id, editable=False, max_length=64, unique=True, verbose_name='client ID')),
                        ('client_secret_hash', models.CharField(blank=True, editable=False, max_length=64)),
                        ('redirect_uris', models.JSONField(blank=True, default=list, verbose_name='redirect URIs')),
                        ('client_type', models.CharField(choices=[('confidential', 'Confidential (server-side website)'), ('public', 'Public (single-page or native app, PKCE, no secret)')], default='confidential', help_text='Confidential: authenticates at the token endpoint with its client secret. Public: no secret, PKCE (S256) required. 机密客户端用密钥换取令牌；公开客户端无密钥，必须使用 PKCE (S256)。', max_length=16, verbose_name='client type')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                        ('pool', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='applications', to='tenants.userpool')),
                    ],
                    options={
                        'db_table': 'console_application',
                        'verbose_name': 'application',
                        'verbose_name_plural': 'applications',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('admin', 'Admin'), ('operator', 'Operator')], default='operator', max_length=16, verbose_name='role')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                        ('pool', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='tenants.userpool')),
                    ],
                    options={
                        'db_table': 'console_membership',
                        'verbose_name': 'membership',
                        'verbose_name_plural': 'memberships',
                        'constraints': [models.UniqueConstraint(fields=('user', 'pool'), name='membership_user_pool_unique')],
                    },
                ),
            ],
        ),
    ]
