"""The sandbox's engine and its Python control surface (`app.state.sandbox`).

One `SandboxControl` holds the whole state behind one lock: accounts and keys, ledgers,
generations, fault rules, webhook deliveries and request counts. The HTTP handlers call into
it; tests call it directly (or through `/_sandbox/...`, which maps onto the same methods).
"""

from __future__ import annotations

import random
import string
import tempfile
import threading
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import httpx

from .._clock import Clock
from ._bodies import CODES, DETAIL_GENERATION_NOT_FOUND, ErrorAnswer
from ._faults import FaultRule, make_rule
from ._images import credits_per_output, pixel_size, render_output
from ._lifecycle import (
    is_terminal,
    iso,
    output_count,
    plan_for,
    render_generation,
    status_at,
)
from ._limits import concurrency_wait, rate_limit_wait, reset_headers
from ._state import (
    BUCKETS,
    Account,
    ApiKeyRecord,
    Generation,
    Ledger,
    key_digest,
    seeded_uuid,
)
from ._triggers import Triggers
from ._webhooks import WebhookDispatcher

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_CREDITS",
    "Caller",
    "CreateParams",
    "NewAccount",
    "SandboxControl",
]

DEFAULT_API_KEY: Final = "ig_test_sandboxDefaultKey0000000000000"
"""The key of the account every sandbox starts with. Public on purpose: it opens nothing but a
sandbox."""
DEFAULT_CREDITS: Final = 1000
_KEY_ALPHABET: Final = string.ascii_letters + string.digits


@dataclass(frozen=True)
class NewAccount:
    """An account made by `add_account`, and its key (kept out of the repr)."""

    account_id: str
    api_key: str = field(repr=False)
    key_id: str = ""


@dataclass
class Caller:
    """Who a request comes from: the account and the key it presented."""

    account: Account
    key: ApiKeyRecord


@dataclass
class CreateParams:
    """A createImage request that passed validation."""

    prompt: str
    resolution: str = "1k"
    aspect_ratio: str = "1:1"
    num_outputs: int = 1
    model: str | None = None
    webhook_url: str | None = None
    name: str | None = None
    is_public: bool = False
    image_input: list[tuple[str, bytes | None]] = field(default_factory=list)  # (ext, bytes)
    inaccessible_input: bool = False


def credit_cost(resolution: str, num_outputs: int) -> int:
    return num_outputs * credits_per_output(resolution)


class SandboxControl:
    """State and control of one sandbox app.

    ```python
    control = app.state.sandbox
    new = control.add_account(credits=5)            # -> NewAccount(account_id, api_key)
    control.add_fault("createImage", "status", code="GENERATION_INIT_FAILED")
    control.advance(120)                            # virtual clocks only
    control.generations(); control.ledger(new.account_id); control.webhook_deliveries()
    ```
    """

    def __init__(self, clock: Clock, seed: int = 0, *, real_time_clients: bool = False) -> None:
        self.clock = clock
        # Whether clients wait in real time (another process, over HTTP) rather than on this
        # same clock (in-process, a VirtualClock or the CLI's shared ScaledClock): durations
        # sent to them are then real seconds (see `wait_headers`).
        self.real_time_clients = real_time_clients
        self._lock = threading.RLock()
        self._files = tempfile.TemporaryDirectory(prefix="imagegen-sandbox-")
        self._file_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self.webhooks = WebhookDispatcher(now=clock.monotonic, epoch=clock.time)
        self.seed = seed
        self.reset(seed=seed)
        add_listener = getattr(clock, "add_listener", None)
        if callable(add_listener):
            # Weakly: a clock that outlives its sandbox must not keep the sandbox alive.
            on_clock = weakref.WeakMethod(self._on_clock)

            def listener(now: float) -> None:
                method = on_clock()
                if method is not None:
                    method(now)

            add_listener(listener)

    # -- whole-state operations -------------------------------------------------------------

    def reset(self, *, seed: int | None = None) -> None:
        """Forget everything (accounts, generations, faults, deliveries, counts) and start
        again with the default account; with `seed`, draw ids from that seed from now on."""
        with self._lock:
            if seed is not None:
                self.seed = seed
            # Seeded on purpose: ids and keys repeat run to run; sandbox keys guard nothing.
            self._rng_ids = random.Random(f"{self.seed}:ids")  # noqa: S311
            self._rng_keys = random.Random(f"{self.seed}:keys")  # noqa: S311
            self._rng_requests = random.Random(f"{self.seed}:requests")  # noqa: S311
            self._accounts: dict[str, Account] = {}
            self._keys: dict[str, ApiKeyRecord] = {}  # by key digest
            self._generations: dict[str, Generation] = {}
            self._faults: list[FaultRule] = []
            self._counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            self.webhooks.clear()
            self._file_locks.clear()
            for child in Path(self._files.name).iterdir():
                _remove_tree(child)
            self.default_account_id = self._new_account(
                name="Sandbox User",
                email="sandbox@example.com",
                credits={"free": DEFAULT_CREDITS},
                api_key=DEFAULT_API_KEY,
                key_name="sandbox-default",
            ).account_id

    def unseed_ids(self) -> None:
        """Draw the ids of what is made from now on (generations, accounts, keys) from the
        system's randomness, not the seed; what exists keeps its ids. For a sandbox whose ids
        must not repeat those of an earlier one of the same seed: the CLI's in-process sandbox
        resuming a batch, whose journal holds the ids (and files) of an earlier run's. `reset`
        seeds them again."""
        with self._lock:
            self._rng_ids = random.SystemRandom()

    def now(self) -> float:
        return self.clock.monotonic()

    @property
    def client_speed(self) -> float:
        """Sandbox seconds per second of the clients' clock: the clock's `speed` (a ScaledClock)
        for real-time clients; 1 for clients that wait on the sandbox's own clock."""
        if not self.real_time_clients:
            return 1.0
        speed = getattr(self.clock, "speed", 1.0)
        return float(speed) if isinstance(speed, int | float) and speed > 0 else 1.0

    def wait_headers(self, sandbox_seconds: float) -> dict[str, str]:
        """`Retry-After` and `X-RateLimit-Reset` for a wait of `sandbox_seconds`, in the
        clients' whole seconds, rounded up."""
        return reset_headers(sandbox_seconds, self.client_speed)

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock forward (a clock with `advance`, such as VirtualClock)."""
        advance = getattr(self.clock, "advance", None)
        if not callable(advance):
            raise TypeError(f"{self.clock!r} cannot be advanced by hand")
        advance(seconds)
        self.tick()

    def tick(self) -> None:
        """Bring the state up to the clock: finish generations that ended (refunds,
        webhooks) and attempt webhook deliveries that are due."""
        now = self.clock.monotonic()
        with self._lock:
            ended = [g for g in self._generations.values() if not g.finished and g.ends_at <= now]
            for generation in sorted(ended, key=lambda g: g.ends_at):
                self._finish(generation)
        self.webhooks.run_due()

    def _on_clock(self, _now: float) -> None:
        self.tick()

    # -- accounts, keys, credits ------------------------------------------------------------

    def add_account(
        self,
        *,
        name: str = "Sandbox Account",
        email: str = "account@example.com",
        credits: int = DEFAULT_CREDITS,
        purchased: int = 0,
        bonus: int = 0,
        creates_per_minute: int | None = 10,
        max_concurrent: int | None = 1,
        key_name: str = "sandbox",
    ) -> NewAccount:
        """A new account with `credits` free credits (and others as given) and a new key."""
        if min(credits, purchased, bonus) < 0:
            raise ValueError("credits cannot be negative")
        with self._lock:
            new = self._new_account(
                name=name,
                email=email,
                credits={"free": credits, "purchased": purchased, "bonus": bonus},
                api_key=None,
                key_name=key_name,
            )
            self.set_limits(
                new.account_id,
                creates_per_minute=creates_per_minute,
                max_concurrent=max_concurrent,
            )
            return new

    def _new_account(
        self,
        *,
        name: str,
        email: str,
        credits: dict[str, int],
        api_key: str | None,
        key_name: str,
    ) -> NewAccount:
        account = Account(
            id=seeded_uuid(self._rng_ids),
            name=name,
            email=email,
            created_at=self.clock.time(),
            ledger=Ledger(),
        )
        for bucket, amount in credits.items():
            if amount:
                account.ledger.grant(amount, bucket, self.clock.time())
        self._accounts[account.id] = account
        key, record = self._new_key(account.id, key_name, api_key)
        return NewAccount(account.id, key, record.key_id)

    def add_key(self, account_id: str, *, name: str = "sandbox") -> NewAccount:
        """Another key for an existing account."""
        with self._lock:
            self._account(account_id)
            key, record = self._new_key(account_id, name, None)
            return NewAccount(account_id, key, record.key_id)

    def _new_key(self, account_id: str, name: str, api_key: str | None) -> tuple[str, ApiKeyRecord]:
        if api_key is None:
            api_key = "ig_test_" + "".join(self._rng_keys.choices(_KEY_ALPHABET, k=32))
        record = ApiKeyRecord(
            key_id=seeded_uuid(self._rng_ids),
            account_id=account_id,
            name=name,
            prefix=api_key[:12],
            created_at=self.clock.time(),
        )
        self._keys[key_digest(api_key)] = record
        return api_key, record

    def revoke_key(self, api_key: str) -> None:
        """Revoke a key: it then answers AUTHENTICATION_FAILED."""
        with self._lock:
            digest = key_digest(api_key)
            record = self._keys.get(digest)
            if record is None:
                raise KeyError("no such key")
            self._keys[digest] = ApiKeyRecord(**{**record.__dict__, "revoked": True})

    def delete_account(self, account_id: str) -> None:
        """Delete an account but keep its keys: getAccount then answers ACCOUNT_NOT_FOUND (and
        every other operation AUTHENTICATION_FAILED)."""
        with self._lock:
            self._account(account_id).deleted = True

    def add_credits(self, account_id: str, amount: int, kind: str = "purchased") -> int:
        """Grant credits into one bucket (free, purchased, refunded, redeemed, bonus,
        affiliate); a negative amount removes them. Returns the new total."""
        if kind not in BUCKETS:
            raise ValueError(f"kind is one of {', '.join(BUCKETS)}")
        with self._lock:
            account = self._account(account_id)
            if account.ledger.balances[kind] + amount < 0:
                raise ValueError(f"the {kind} balance cannot go below zero")
            account.ledger.grant(amount, kind, self.clock.time())
            return account.ledger.total

    def set_limits(
        self,
        account_id: str,
        *,
        creates_per_minute: int | None = 10,
        max_concurrent: int | None = 1,
        window_seconds: float = 60.0,
    ) -> None:
        """Change an account's limits; None switches a limit off."""
        for value in (creates_per_minute, max_concurrent):
            if value is not None and value < 1:
                raise ValueError("a limit is a positive number, or None for no limit")
        with self._lock:
            account = self._account(account_id)
            account.creates_per_window = creates_per_minute
            account.max_concurrent = max_concurrent
            account.window_seconds = window_seconds
            account.create_times.clear()

    def _account(self, account_id: str) -> Account:
        try:
            return self._accounts[account_id]
        except KeyError:
            raise KeyError(f"no account {account_id!r}") from None

    def accounts(self) -> list[dict[str, Any]]:
        with self._lock:
            return [self._account_view(a) for a in self._accounts.values()]

    def _account_view(self, account: Account) -> dict[str, Any]:
        return {
            "id": account.id,
            "name": account.name,
            "email": account.email,
            "deleted": account.deleted,
            "creditsTotal": account.ledger.total,
            "createsPerMinute": account.creates_per_window,
            "maxConcurrent": account.max_concurrent,
        }

    def ledger(self, account_id: str | None = None) -> dict[str, Any]:
        """Balances by bucket, the total and every movement of one account's credits."""
        with self._lock:
            return self._account(account_id or self.default_account_id).ledger.as_dict()

    def authenticate(self, api_key: str) -> Caller | None:
        with self._lock:
            record = self._keys.get(key_digest(api_key))
            if record is None or record.revoked:
                return None
            return Caller(self._accounts[record.account_id], record)

    # -- faults ------------------------------------------------------------------------------

    def add_fault(
        self,
        operation: str = "*",
        kind: str = "status",
        *,
        times: int | None = 1,
        status: int | None = None,
        code: str | None = None,
        shape: str = "error",
        body: object = None,
        headers: dict[str, str] | None = None,
        seconds: float = 0.0,
        value: str | None = None,
    ) -> FaultRule:
        """Add a fault rule (see `_faults`); it applies to the next `times` calls of
        `operation` (`"*"`: any operation; `times=None`: every call)."""
        rule = make_rule(
            operation,
            kind,
            times=times,
            status=status,
            code=code,
            shape=shape,
            body=body,
            headers=headers,
            seconds=seconds,
            value=value,
        )
        with self._lock:
            self._faults.append(rule)
        return rule

    def faults(self) -> list[FaultRule]:
        with self._lock:
            return list(self._faults)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def take_faults(self, operation: str | None) -> list[FaultRule]:
        """The rules that apply to this call, counted; spent rules are dropped."""
        with self._lock:
            matched = [rule for rule in self._faults if rule.matches(operation)]
            for rule in matched:
                rule.hits += 1
            self._faults = [rule for rule in self._faults if not rule.exhausted]
            return matched

    # -- requests ------------------------------------------------------------------------------

    def next_request_id(self) -> str:
        with self._lock:
            return "req_" + seeded_uuid(self._rng_requests).replace("-", "")

    def count(self, operation: str, status: str) -> None:
        with self._lock:
            self._counts[operation][status] += 1

    def request_counts(self) -> dict[str, dict[str, int]]:
        """Calls per operation and answer (`"201"`, `"429"`, `"dropped"`, ...)."""
        with self._lock:
            return {op: dict(by_status) for op, by_status in self._counts.items()}

    # -- generations ---------------------------------------------------------------------------

    def count_create(self, caller: Caller) -> None:
        """Count a create against the account's rate window; ErrorAnswer (429) when full."""
        with self._lock:
            wait = rate_limit_wait(caller.account, self.clock.monotonic())
        if wait is not None:
            raise ErrorAnswer.of("RATE_LIMIT_ERROR", headers=self.wait_headers(wait))

    def start_generation(
        self, caller: Caller, params: CreateParams, triggers: Triggers, origin: str
    ) -> Generation:
        """Check concurrency and credits, charge, and create; ErrorAnswer (429, 402) if not."""
        now = self.clock.monotonic()
        with self._lock:
            account = caller.account
            wait = concurrency_wait(account, self._generations.values(), now)
            if wait is not None:
                # The time until the generation in progress ends.
                raise ErrorAnswer.of("CONCURRENT_GENERATION_ERROR", headers=self.wait_headers(wait))
            cost = credit_cost(params.resolution, params.num_outputs)
            if account.ledger.total < cost:
                message = (
                    f"Not enough credits to complete this request. Required: {cost} credits. "
                    "Please add more credits to your account."
                )
                raise ErrorAnswer.of("INSUFFICIENT_CREDITS", message=message)
            generation_id = seeded_uuid(self._rng_ids)
            image_input = []
            for index, (extension, data) in enumerate(params.image_input):
                path = f"inputs/{generation_id}/{index}" + (f".{extension}" if extension else "")
                if data is not None:
                    target = Path(self._files.name) / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                image_input.append(path)
            plan = plan_for(
                seed=self.seed,
                generation_id=generation_id,
                resolution=params.resolution,
                num_outputs=params.num_outputs,
                has_references=bool(params.image_input),
                triggers=triggers,
                inaccessible_input=params.inaccessible_input,
            )
            generation = Generation(
                id=generation_id,
                account_id=account.id,
                prompt=params.prompt,
                name=params.name if params.name is not None else params.prompt[:50],
                aspect_ratio=params.aspect_ratio,
                resolution=params.resolution,
                num_outputs=params.num_outputs,
                model=params.model,
                is_public=params.is_public,
                webhook_url=params.webhook_url,
                base_url=origin,
                image_input=image_input,
                credit_cost=cost,
                created_at=now,
                created_epoch=self.clock.time(),
                plan=plan,
            )
            account.ledger.charge(cost, generation.created_epoch, generation_id)
            self._generations[generation_id] = generation
        if plan.total <= 0:
            self.tick()
        return generation

    def _finish(self, generation: Generation) -> None:
        """The generation has ended: refund what failed, and send its webhook."""
        generation.finished = True
        plan = generation.plan
        at = generation.created_epoch + plan.total
        account = self._accounts[generation.account_id]
        if plan.outcome == "failed":
            refund = generation.credit_cost
        else:
            refund = plan.failed_outputs * credits_per_output(generation.resolution)
        if refund:
            account.ledger.grant(refund, "refunded", at, generation.id)
        if generation.webhook_url:
            self.webhooks.enqueue(generation.id, generation.webhook_url, self._event(generation))

    def _event(self, generation: Generation) -> dict[str, Any]:
        # Rendered at `ends_at`, the very value `is_terminal` compares with: the final state.
        view = render_generation(generation, generation.ends_at, generation.base_url, detailed=True)
        event: dict[str, Any] = {"generationId": generation.id, "status": view["status"]}
        reason = view["failureReason"]
        if view["status"] == "failed" and reason in CODES:
            event["message"] = reason
        event["outputImages"] = view["outputImages"]
        event["creditCost"] = generation.credit_cost
        event["failureReason"] = reason
        return event

    def generation_for(self, caller: Caller, generation_id: str) -> Generation:
        """The caller's generation; ErrorAnswer (404) if unknown or another account's."""
        with self._lock:
            generation = self._generations.get(generation_id.lower())
        if generation is None:
            raise ErrorAnswer.of("GENERATION_NOT_FOUND")
        if generation.account_id != caller.account.id:
            # Another account's generation: the docs' short form.
            raise ErrorAnswer(404, {"detail": DETAIL_GENERATION_NOT_FOUND})
        return generation

    def page(self, caller: Caller, limit: int, offset: int) -> tuple[list[Generation], int]:
        with self._lock:
            mine = [g for g in self._generations.values() if g.account_id == caller.account.id]
        mine.reverse()  # newest first (dicts keep creation order)
        return mine[offset : offset + limit], len(mine)

    def generations(self, account_id: str | None = None) -> list[dict[str, Any]]:
        """Every generation (of one account, if given), oldest first, as getImage reports it
        plus what the sandbox knows: its plan, account, resolution, webhook URL."""
        now = self.clock.monotonic()
        with self._lock:
            return [
                self._inspect(g, now)
                for g in self._generations.values()
                if account_id is None or g.account_id == account_id
            ]

    def generation(self, generation_id: str) -> dict[str, Any]:
        with self._lock:
            generation = self._generations.get(generation_id)
            if generation is None:
                raise KeyError(f"no generation {generation_id!r}")
            return self._inspect(generation, self.clock.monotonic())

    def _inspect(self, generation: Generation, now: float) -> dict[str, Any]:
        view = render_generation(generation, now, generation.base_url, detailed=True)
        plan = generation.plan
        view["sandbox"] = {
            "accountId": generation.account_id,
            "resolution": generation.resolution,
            "model": generation.model,
            "webhookUrl": generation.webhook_url,
            "startingSeconds": plan.starting,
            "processingSeconds": plan.processing,
            "endsIn": max(generation.ends_at - now, 0.0),
            "cancelled": plan.cancelled,
            "noise": plan.noise,
            "imageFormat": plan.image_format,
            "pixelSize": list(pixel_size(generation.resolution, generation.aspect_ratio)),
        }
        return view

    def status_of(self, generation: Generation) -> str:
        return status_at(generation, self.clock.monotonic())

    def terminal(self, generation: Generation) -> bool:
        return is_terminal(generation, self.clock.monotonic())

    # -- output files ------------------------------------------------------------------------

    def output_file(self, generation_id: str, filename: str) -> Path | None:
        """The file of one output, drawn the first time it is asked for; None if there is no
        such output (yet)."""
        stem, _, extension = filename.partition(".")
        with self._lock:
            generation = self._generations.get(generation_id)
            if generation is None or not stem.isdigit() or len(stem) > 3:
                return None
            index = int(stem)
            plan = generation.plan
            wanted = "jpg" if plan.image_format == "jpeg" else "png"
            if extension != wanted or index >= output_count(generation, self.clock.monotonic()):
                return None
            path = Path(self._files.name) / "outputs" / generation.id / f"{index}.{wanted}"
            lock = self._file_locks[str(path)]
        with lock:
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                width, height = pixel_size(generation.resolution, generation.aspect_ratio)
                render_output(
                    path,
                    width=width,
                    height=height,
                    seed_text=f"{self.seed}:{generation.id}:{index}:{generation.prompt}",
                    noise=plan.noise,
                    image_format=plan.image_format,
                )
        return path

    # -- webhooks ------------------------------------------------------------------------------

    @property
    def webhook_transport(self) -> httpx.BaseTransport | None:
        """When set, webhooks are posted through this transport, inline (no worker thread)."""
        return self.webhooks.transport

    @webhook_transport.setter
    def webhook_transport(self, transport: httpx.BaseTransport | None) -> None:
        self.webhooks.transport = transport

    def webhook_deliveries(self) -> list[dict[str, Any]]:
        """Every delivery attempt, oldest first."""
        return self.webhooks.records()

    def wait_for_webhooks(self, timeout: float = 10.0) -> bool:
        """Wait until the attempts already due have run (a real wait, for the worker thread)."""
        return self.webhooks.wait_idle(timeout)

    # -- everything ----------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole state, JSON-ready (what `GET /_sandbox/state` answers)."""
        with self._lock:
            return {
                "seed": self.seed,
                "clock": self.clock_view(),
                "accounts": self.accounts(),
                "generations": self.generations(),
                "faults": [rule.as_dict() for rule in self._faults],
                "webhooks": {
                    "deliveries": self.webhook_deliveries(),
                    "pending": self.webhooks.pending(),
                },
                "requests": self.request_counts(),
            }

    def clock_view(self) -> dict[str, Any]:
        return {
            "monotonic": self.clock.monotonic(),
            "time": self.clock.time(),
            "iso": iso(self.clock.time()),
            "advanceable": callable(getattr(self.clock, "advance", None)),
            "realTimeClients": self.real_time_clients,
            "clientSpeed": self.client_speed,
        }

    def close(self) -> None:
        self._files.cleanup()

    def __repr__(self) -> str:
        return f"SandboxControl(seed={self.seed}, clock={self.clock!r})"


def _remove_tree(path: Path) -> None:
    if path.is_dir():
        for child in path.iterdir():
            _remove_tree(child)
        path.rmdir()
    else:
        path.unlink(missing_ok=True)
