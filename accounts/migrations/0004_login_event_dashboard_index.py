"""LoginEvent: one index (pool, created_at, outcome, connection, application) replaces (pool, -created_at).

It serves the console's newest-first list (scanned backwards) and the pool dashboard's daily
counts (answered from the index alone). On PostgreSQL it is built CONCURRENTLY, so a large login
event table keeps taking logins while it builds (hence a non-atomic migration); the old index is
dropped only once the new one exists.
"""
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """AddIndex, built CONCURRENTLY on PostgreSQL (no write lock), plainly elsewhere (SQLite)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('accounts', '0003_login_event_region'),
        ('connections', '0002_pool_models_in_tenants'),
        ('tenants', '0002_web_origins_custom_domain'),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name='loginevent',
            index=models.Index(fields=['pool', 'created_at', 'outcome', 'connection', 'application'], name='loginevent_pool_time_outcome'),
        ),
        migrations.RemoveIndex(
            model_name='loginevent',
            name='accounts_lo_pool_id_cb91f1_idx',
        ),
    ]
