"""What the sandbox remembers: accounts, their keys and credit ledgers, and generations.

Plain records; the rules that change them live in `_control` (accounts, credits), `_lifecycle`
(generations) and `_limits`. Keys are stored only as SHA-256 digests, so nothing in the state
(or its repr) ever holds a key.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "BUCKETS",
    "Account",
    "ApiKeyRecord",
    "Generation",
    "Ledger",
    "LedgerEntry",
    "Plan",
    "key_digest",
    "seeded_uuid",
]

BUCKETS = ("free", "purchased", "refunded", "redeemed", "bonus", "affiliate")
"""Where credits came from, as the account endpoint reports them. A charge spends refunded
credits first, then bonus, affiliate, redeemed, free and purchased last."""

SPEND_ORDER = ("refunded", "bonus", "affiliate", "redeemed", "free", "purchased")


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def seeded_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass(frozen=True)
class ApiKeyRecord:
    key_id: str
    account_id: str
    name: str
    prefix: str
    created_at: float
    revoked: bool = False


@dataclass(frozen=True)
class LedgerEntry:
    """One movement of credits: `amount` is positive for grants and refunds, negative for
    charges; `balance` is the total after it."""

    at: float
    kind: Literal["grant", "charge", "refund"]
    bucket: str
    amount: int
    balance: int
    generation_id: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "at": self.at,
            "kind": self.kind,
            "bucket": self.bucket,
            "amount": self.amount,
            "balance": self.balance,
            "generationId": self.generation_id,
        }


@dataclass
class Ledger:
    balances: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))
    entries: list[LedgerEntry] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.balances.values())

    def grant(self, amount: int, bucket: str, at: float, generation_id: str | None = None) -> None:
        if bucket not in self.balances:
            raise ValueError(f"unknown credit bucket {bucket!r}; one of {', '.join(BUCKETS)}")
        self.balances[bucket] += amount
        kind: Literal["grant", "refund"] = "refund" if bucket == "refunded" else "grant"
        self.entries.append(LedgerEntry(at, kind, bucket, amount, self.total, generation_id))

    def charge(self, amount: int, at: float, generation_id: str) -> None:
        """Spend `amount` credits, bucket by bucket; the caller has checked the total."""
        left = amount
        for bucket in SPEND_ORDER:
            spent = min(left, self.balances[bucket])
            if spent:
                self.balances[bucket] -= spent
                left -= spent
                self.entries.append(
                    LedgerEntry(at, "charge", bucket, -spent, self.total, generation_id)
                )
        if left:
            raise ValueError("charge larger than the balance")

    def as_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            **self.balances,
            "entries": [entry.as_dict() for entry in self.entries],
        }


@dataclass
class Account:
    id: str
    name: str
    email: str
    created_at: float
    ledger: Ledger
    is_personal_account: bool = True
    picture_url: str = "https://sandbox.imagegen.invalid/avatars/default.png"
    # None disables a limit.
    creates_per_window: int | None = 10
    window_seconds: float = 60.0
    max_concurrent: int | None = 1
    deleted: bool = False
    # monotonic moments of the creates that count against the rate window
    create_times: deque[float] = field(default_factory=deque)


@dataclass(frozen=True)
class Plan:
    """How a generation will unfold, fixed when it is created: seconds in `starting`, then in
    `processing`, and how it ends."""

    starting: float
    processing: float
    outcome: Literal["succeeded", "failed"]
    failure_reason: str | None = None
    failed_outputs: int = 0
    cancelled: bool = False  # stuck in processing, cancelled at 50 s
    reported_status: str | None = None  # a status value reported instead of the outcome
    noise: bool = False
    image_format: Literal["png", "jpeg"] = "png"

    @property
    def total(self) -> float:
        return self.starting + self.processing


@dataclass
class Generation:
    id: str
    account_id: str
    prompt: str
    name: str
    aspect_ratio: str
    resolution: str
    num_outputs: int
    model: str | None
    is_public: bool
    webhook_url: str | None
    base_url: str  # of the create request, for absolute output URLs in webhooks
    image_input: list[str]
    credit_cost: int
    created_at: float  # monotonic
    created_epoch: float
    plan: Plan
    finished: bool = False  # refunds and the webhook are done

    # The moments its phases change, on the monotonic clock. Every part of the sandbox (status,
    # outputs, times, limits, when it is finished and its webhook sent) decides a phase by
    # comparing the clock with these very values, never an elapsed time (`now - created_at`):
    # in floating point `created_at + total - created_at` may fall a hair short of `total`,
    # and the moment the lifecycle says a generation ends would not yet be its end.
    @property
    def processing_at(self) -> float:
        return self.created_at + self.plan.starting

    @property
    def ends_at(self) -> float:
        return self.created_at + self.plan.total
