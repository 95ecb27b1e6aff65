from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.services import pool_create


class Command(BaseCommand):
    help = "Create a user pool (tenant)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="URL slug, used in /u/<slug>/")
        parser.add_argument("--name", required=True, help="Display name of the pool")

    def handle(self, *args, slug, name, **options):
        try:
            pool = pool_create(slug=slug, name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(self.style.SUCCESS(f"Created pool {pool.slug!r} ({pool.name})."))
