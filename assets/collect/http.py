"""HTTP for the source APIs: call limits, bounded retries and an archive of every response.

Both StatFin and Vipunen go through ``ApiSession``. It never exceeds the call limit in any
window (a sliding window over the times of past calls), retries what is worth retrying (429
honouring Retry-After, 5xx, timeouts, a body cut off or replaced by an HTML error page) with a
bounded exponential backoff, and fails with one message that names the table and what to do.
Clock and sleep are injected so tests run the limits on a fake clock, in no time.

Every successful response becomes an ``Exchange``: the request (method, URL, body), the bytes
exactly as received and the retrieval time. That is the provenance of every published number,
and what the snapshot records and replays.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class SourceError(RuntimeError):
    """A source API could not deliver a table; the message names the table and the fix."""


@dataclass(frozen=True)
class Exchange:
    """One request and its response body exactly as received."""

    source: str  # statfin or vipunen
    table: str  # e.g. tyokay/115s, or the Vipunen resource
    kind: str  # config, listing, metadata, data, count
    method: str
    url: str
    request_body: str | None
    status: int
    body: bytes
    retrieved_at: str  # ISO 8601, UTC
    params: dict[str, str] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``attempts`` tries; waits double from ``backoff_s`` up to ``max_backoff_s``."""

    attempts: int = 5
    backoff_s: float = 2.0
    max_backoff_s: float = 60.0
    max_retry_after_s: float = 300.0

    def backoff(self, attempt: int) -> float:
        return min(self.max_backoff_s, self.backoff_s * 2**attempt)


class RateLimiter:
    """At most ``max_calls`` calls in any ``window_s`` seconds (a sliding window)."""

    def __init__(
        self,
        max_calls: int,
        window_s: float,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if max_calls < 1 or window_s <= 0:
            raise ValueError(f"call limit must be positive, got {max_calls} per {window_s} s")
        self.max_calls, self.window_s = max_calls, window_s
        self._clock, self._sleep = clock, sleep
        self._calls: deque[float] = deque()

    def reconfigure(self, max_calls: int, window_s: float) -> None:
        self.max_calls, self.window_s = max_calls, window_s

    def acquire(self) -> None:
        """Wait until one more call keeps every window within the limit, then count it."""
        while True:
            now = self._clock()
            while self._calls and self._calls[0] <= now - self.window_s:
                self._calls.popleft()
            if len(self._calls) < self.max_calls:
                self._calls.append(now)
                return
            self._sleep(self._calls[0] + self.window_s - now)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


class ApiSession:
    """Limited, retried, archived HTTP calls to one source API."""

    def __init__(
        self,
        *,
        source: str,
        client: httpx.Client,
        limiter: RateLimiter,
        policy: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        now: Callable[[], str] = utc_now,
        archive: Callable[[Exchange], None] | None = None,
        fallback_hint: str = "try again later, or run with --source snapshot",
    ) -> None:
        self.source, self.client, self.limiter = source, client, limiter
        self.policy = policy or RetryPolicy()
        self._sleep, self._now, self._archive = sleep, now, archive
        self.fallback_hint = fallback_hint
        self.calls = 0

    def request(
        self,
        method: str,
        url: str,
        *,
        table: str,
        kind: str,
        json_body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        validate: Callable[[bytes], None] | None = None,
        refusal_hint: str = "",
    ) -> Exchange:
        """One logical request; retried within the policy, archived when it succeeds."""
        body_text = json.dumps(json_body, ensure_ascii=False) if json_body is not None else None
        last = "no attempt made"
        for attempt in range(self.policy.attempts):
            self.limiter.acquire()
            self.calls += 1
            wait = self.policy.backoff(attempt)
            try:
                response = self.client.request(
                    method,
                    url,
                    content=body_text.encode("utf-8") if body_text is not None else None,
                    params=dict(params) if params else None,
                    headers={
                        **({"Content-Type": "application/json"} if body_text else {}),
                        **dict(headers or {}),
                    },
                )
            except httpx.TimeoutException:
                last = "the request timed out"
            except httpx.TransportError as exc:
                last = f"the connection failed ({type(exc).__name__}: {exc})"
            else:
                status = response.status_code
                if status == 429:
                    after = retry_after_seconds(response.headers.get("Retry-After"))
                    if after is not None and after > self.policy.max_retry_after_s:
                        raise SourceError(
                            f"{self.source} {table}: the service asks to wait {after:.0f} s "
                            f"(HTTP 429 Retry-After) at {url}; {self.fallback_hint}"
                        )
                    last = "the service answered HTTP 429 Too Many Requests"
                    wait = after if after is not None else wait
                elif status >= 500:
                    last = f"the service answered HTTP {status}"
                elif status >= 400:
                    hint = refusal_hint or "check the table id and query in the configuration"
                    raise SourceError(
                        f"{self.source} {table}: the service refused the request with HTTP "
                        f"{status} ({_snippet(response.content)}) at {url}; {hint}"
                    )
                else:
                    try:
                        if validate is not None:
                            validate(response.content)
                    except ValueError as exc:
                        last = str(exc)
                    else:
                        exchange = Exchange(
                            source=self.source,
                            table=table,
                            kind=kind,
                            method=method,
                            url=url,
                            request_body=body_text,
                            status=status,
                            body=response.content,
                            retrieved_at=self._now(),
                            params=dict(params or {}),
                        )
                        if self._archive is not None:
                            self._archive(exchange)
                        return exchange
            if attempt + 1 < self.policy.attempts:
                self._sleep(wait)
        raise SourceError(
            f"{self.source} {table}: {last} (after {self.policy.attempts} attempts at {url}); "
            f"{self.fallback_hint}"
        )


def _snippet(content: bytes) -> str:
    text = content.decode("utf-8", errors="replace").strip().replace("\n", " ")
    return (text[:160] + "…") if len(text) > 160 else (text or "empty body")
