"""The purge log: how a purge made on one machine reaches the others.

Each machine keeps its own page store and fragments. With GAZETTE_PURGE_BROADCAST on (the
recipe for several machines sharing one PostgreSQL database), every purge is also written
here, in the transaction of the change that caused it, and each machine's sweeper applies
the others' purges within GAZETTE_PURGE_POLL seconds (broadcast.py)."""

from __future__ import annotations

from django.db import models

ALL = "*"


class Purge(models.Model):
    # Space-separated content tags, or "*" for everything.
    tags = models.TextField()
    # The machine that made it (broadcast.origin()): it has purged its own store already.
    origin = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.origin}: {self.tags[:80]}"
