from __future__ import annotations

from typing import Any

from django.db import models

import mypos.sync

from . import gateway
from .fields import EncryptedTextField


class Merchant(models.Model):
    """A salon's own myPOS merchant credentials; the secret is encrypted at rest and never
    shown (not in answers, reprs or logs: the SDK's errors never quote it either)."""

    name = models.CharField(max_length=100)
    client_id = models.CharField(max_length=100)
    client_secret = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    def client(self) -> mypos.sync.MerchantClient:
        return gateway.merchant_client(self.client_id, self.client_secret)

    def public(self) -> dict[str, Any]:
        return {"id": self.pk, "name": self.name, "client_id": self.client_id}
