"""python manage.py generate_secrets: print a fresh SECRET_KEY and FIELD_ENCRYPTION_KEY."""
from django.core.management.base import BaseCommand

from scanlogin.secret_keys import generate


class Command(BaseCommand):
    help = ("Print a new SECRET_KEY and FIELD_ENCRYPTION_KEY as .env lines. Set them once per deployment and "
            "keep them: a changed FIELD_ENCRYPTION_KEY cannot decrypt the AppSecrets and signing keys stored before.")

    def handle(self, *args, **options):
        for name, value in generate().items():
            self.stdout.write(f"{name}={value}")
