"""One way to store and check high-entropy secrets: SHA-256 hex, compared in constant time.

Used for everything ScanLogin hands out and must recognise later without keeping it: client
secrets, management tokens, OIDC codes and tokens, scan tokens, the browser binding secret.
(A fast hash is right for random secrets of 128+ bits; passwords use Django's hashers.)
"""
import hashlib
import hmac


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """True if `secret` hashes to `stored_hash` (constant-time; an empty stored hash never matches)."""
    return bool(stored_hash) and hmac.compare_digest(sha256_hex(secret), stored_hash)
