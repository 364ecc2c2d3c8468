"""Case references, passphrases and encryption at rest for report content.

Content, notes and messages are encrypted with Fernet (the cryptography package); the keys come
from REPORTS_KEY and are never stored in the database. MultiFernet makes rotation possible: the
first key encrypts, every listed key decrypts, and ``rekey`` re-encrypts old rows with the first.
Passphrases are stored only as scrypt hashes (hashlib), with their own salt each.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as random
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

# Crockford's base32: no I, L, O, U, so a reference read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
#: The time written into every Fernet token (see Vault.seal): the epoch, for every token.
SEALED_AT = 0


def _code(length: int) -> str:
    return "".join(random.choice(ALPHABET) for _ in range(length))


def new_reference() -> str:
    """``R-XXXX-XXXX``: 40 random bits, unique in the database (checked on insert)."""
    return f"R-{_code(4)}-{_code(4)}"


def new_passphrase() -> str:
    """Five groups of five: 125 random bits, readable and easy to type."""
    return "-".join(_code(5) for _ in range(5))


def normalise(code: str) -> str:
    """What people type back: any case, spaces or missing dashes; O for 0 and I/L for 1."""
    cleaned = code.upper().replace(" ", "").replace("-", "")
    return cleaned.translate(str.maketrans("OIL", "011"))


def hash_passphrase(passphrase: str) -> str:
    salt = random.token_bytes(16)
    digest = hashlib.scrypt(
        normalise(passphrase).encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


#: Checked against when a reference is unknown, so a wrong reference costs the same time as a
#: wrong passphrase and the two cannot be told apart.
DUMMY_HASH = hash_passphrase("not-a-real-passphrase")


def check_passphrase(passphrase: str, stored: str) -> bool:
    _, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(
        normalise(passphrase).encode(),
        salt=base64.b64decode(salt),
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        dklen=32,
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


class VaultError(ValueError):
    """REPORTS_KEY is missing or malformed; the message says how to make one."""


@dataclass(frozen=True)
class Vault:
    """Encrypts and decrypts report text with the configured keys (newest first)."""

    fernet: MultiFernet

    @classmethod
    def from_keys(cls, keys: list[str]) -> Vault:
        if not keys:
            raise VaultError("no REPORTS_KEY: make one with `inclusion-bot reports new-key`")
        try:
            return cls(MultiFernet([Fernet(key.encode()) for key in keys]))
        except ValueError:
            raise VaultError(
                "REPORTS_KEY is not a list of Fernet keys; make one with "
                "`inclusion-bot reports new-key`"
            ) from None

    def seal(self, text: str) -> str:
        """Encrypt with the newest key. A Fernet token carries, unencrypted, the second it was
        made; that would date a report or a reporter's answer to the second, so every token
        says 1970-01-01 00:00:00 instead (tokens are never checked for age)."""
        return self.fernet.encrypt_at_time(text.encode(), SEALED_AT).decode()

    def open(self, token: str) -> str:
        try:
            return self.fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise VaultError(
                "a report cannot be decrypted with REPORTS_KEY (a key missing?)"
            ) from None

    def reseal(self, token: str) -> str:
        """Re-encrypt with the newest key (key rotation). Unlike MultiFernet.rotate, this does
        not keep the token's timestamp, so rotating also scrubs any older, dated token."""
        return self.seal(self.open(token))


def new_key() -> str:
    return Fernet.generate_key().decode()
