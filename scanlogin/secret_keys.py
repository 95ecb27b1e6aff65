"""The two keys every deployment sets itself: SECRET_KEY and FIELD_ENCRYPTION_KEY.

FIELD_ENCRYPTION_KEY encrypts every AppSecret and every pool's RS256 signing key: with a
database backup and a publicly known key anyone could forge ID tokens. So with DEBUG off the
settings refuse a key that is missing, a known placeholder, too short or too uniform, or the same
as the other key, and `manage.py check --deploy` reports the same problems (scanlogin/checks.py).
`python manage.py generate_secrets` prints real ones.
"""
import secrets

# Used only with DEBUG on, when the environment sets no key (the embedded default).
DEVELOPMENT_SECRET_KEY = "scanlogin-insecure-development-key-change-me"
DEVELOPMENT_FIELD_KEY = "scanlogin-development-field-key"

MIN_LENGTH = {"SECRET_KEY": 50, "FIELD_ENCRYPTION_KEY": 32}
MIN_DISTINCT_CHARACTERS = 5  # as Django's own SECRET_KEY deploy check (security.W009)
# Placeholders seen in examples and earlier .env.example files; any key containing one of these
# words is taken for a placeholder (a random key practically never contains one).
PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me", "insecure", "placeholder", "example", "development", "your-")
KNOWN_PLACEHOLDERS = {"", "secret", "change-me", "change-me-too", DEVELOPMENT_SECRET_KEY, DEVELOPMENT_FIELD_KEY}

CHECK_IDS = {"SECRET_KEY": "scanlogin.E001", "FIELD_ENCRYPTION_KEY": "scanlogin.E002", "same": "scanlogin.E003"}
HOW_TO_FIX = "Generate both with: python manage.py generate_secrets (it prints the two lines to paste into .env)."


def _key_problem(name: str, value: str) -> str | None:
    if not value:
        return f"{name} is not set."
    lowered = value.lower()
    if lowered in KNOWN_PLACEHOLDERS or lowered.startswith("django-insecure-") or any(w in lowered for w in PLACEHOLDER_WORDS):
        return f"{name} is a placeholder value, not a secret."
    if len(value) < MIN_LENGTH[name]:
        return f"{name} is shorter than {MIN_LENGTH[name]} characters."
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return f"{name} has fewer than {MIN_DISTINCT_CHARACTERS} different characters."
    return None


def key_problems(secret_key: str, field_key: str) -> list[tuple[str, str]]:
    """[(check id, message)] for what is wrong with the two keys; [] when both are fit for production."""
    found = [(CHECK_IDS[name], problem) for name, value in (("SECRET_KEY", secret_key), ("FIELD_ENCRYPTION_KEY", field_key))
             if (problem := _key_problem(name, value))]
    if secret_key and secret_key == field_key:
        found.append((CHECK_IDS["same"], "SECRET_KEY and FIELD_ENCRYPTION_KEY are the same; each must be its own secret."))
    return found


def generate() -> dict[str, str]:
    """Fresh random keys (URL-safe characters: no quoting needed in .env or compose files)."""
    return {"SECRET_KEY": secrets.token_urlsafe(50), "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(32)}
