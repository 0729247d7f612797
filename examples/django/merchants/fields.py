"""A text field stored encrypted (Fernet: AES-128 with an HMAC, from the `cryptography`
package), for the merchants' client secrets. It encrypts with the first key of
settings.CREDENTIALS_KEYS and decrypts with any of them: to rotate, put a new key first, re-save
the rows, then drop the old key. Encrypted values differ each time, so the field cannot be
searched."""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:  # development: a key derived from SECRET_KEY
        derived = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"salon credentials").derive(secret_key.encode())
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.CREDENTIALS_KEYS), settings.SECRET_KEY)


class EncryptedTextField(models.TextField):
    """Plain text in Python, Fernet tokens in the database."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else fernet().encrypt(value.encode()).decode()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else fernet().decrypt(value.encode()).decode()
