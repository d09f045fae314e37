"""HTTP for the source APIs: call limits, bounded retries, bounded time and an archive of every
response.

Both StatFin and Vipunen go through ``ApiSession``. It never exceeds the call limit in any
window (a sliding window over the times of past calls), retries what is worth retrying (429
honouring Retry-After, 5xx, timeouts, a body cut off or replaced by an HTML error page) with a
bounded exponential backoff, and fails with one message that names the table and what to do.
Clock and sleep are injected so tests run the limits on a fake clock, in no time.

Time and size are bounded, because a monthly run nobody watches must end: every request has
connect and read timeouts, every table a total deadline (retries and backoff included; our own
pacing under the call limit is not counted), and every body a size cap, read as a stream so an
endless body is cut off at the cap or the deadline. A service that did not answer at all (time-
outs, refused connections, an answer still arriving at the deadline) is not asked again in the
same run: its other tables fail at once with the first table's reason, so a hung or endlessly
slow service costs one deadline, not one per table.
Redirects are followed only within the configured host; one to another host is refused, since
numbers read from an unexpected host must not be published under the configured source's name.

Every successful response becomes an ``Exchange``: the request (method, URL, body), the bytes
exactly as received, the URL that finally answered and the retrieval time. That is the
provenance of every published number, and what the snapshot records and replays.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

Clock = Callable[[], float]
Sleep = Callable[[float], None]

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5


class SourceError(RuntimeError):
    """A source API could not deliver a table; the message names the table and the fix."""


class ServiceUnreachable(SourceError):
    """The service did not answer at all (timeouts, refused connections): not worth asking again
    for the other tables of this run."""


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
    final_url: str = ""  # where the answer came from after same-host redirects ("" = url)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``attempts`` tries; waits double from ``backoff_s`` up to ``max_backoff_s``.

    A 429 whose Retry-After asks for more than ``max_retry_after_s`` fails at once (reported
    with the value asked), since honouring it would outlast any sensible run."""

    attempts: int = 5
    backoff_s: float = 2.0
    max_backoff_s: float = 60.0
    max_retry_after_s: float = 30.0

    def backoff(self, attempt: int) -> float:
        return min(self.max_backoff_s, self.backoff_s * 2**attempt)


# (environment variable, field, default): the limits a maintainer may change without code.
_LIMIT_ENV = (
    ("TASAPAINO_HTTP_CONNECT_TIMEOUT_S", "connect_s", 10.0),
    ("TASAPAINO_HTTP_READ_TIMEOUT_S", "read_s", 20.0),
    ("TASAPAINO_HTTP_TABLE_DEADLINE_S", "table_deadline_s", 60.0),
    ("TASAPAINO_HTTP_MAX_RESPONSE_MB", "max_response_mb", 64.0),
)


@dataclass(frozen=True)
class HttpLimits:
    """Timeouts, the per-table deadline and the response size cap (defaults: a hung or endlessly
    slow service fails a table within 60 s)."""

    connect_s: float = 10.0
    read_s: float = 20.0
    table_deadline_s: float = 60.0
    max_response_mb: float = 64.0

    @property
    def max_response_bytes(self) -> int:
        return int(self.max_response_mb * 1024 * 1024)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HttpLimits:
        """The limits with any ``TASAPAINO_HTTP_*`` override; a malformed one is named."""
        environ = os.environ if environ is None else environ
        values: dict[str, float] = {}
        for name, attr, _default in _LIMIT_ENV:
            raw = environ.get(name, "").strip()
            if not raw:
                continue
            try:
                value = float(raw)
            except ValueError:
                value = -1.0
            if not 0 < value <= 86_400:
                raise SourceError(
                    f"{name}={raw}: not a positive number of seconds (or megabytes); "
                    "set it to e.g. 30, or unset it to use the default"
                )
            values[attr] = value
        return cls(**values)

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_s, connect=self.connect_s)


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

    def acquire(self) -> float:
        """Wait until one more call keeps every window within the limit, then count it; returns
        the seconds waited (our own pacing, which table deadlines do not count)."""
        waited = 0.0
        while True:
            now = self._clock()
            while self._calls and self._calls[0] <= now - self.window_s:
                self._calls.popleft()
            if len(self._calls) < self.max_calls:
                self._calls.append(now)
                return waited
            pause = self._calls[0] + self.window_s - now
            self._sleep(pause)
            waited += pause


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


def new_client(limits: HttpLimits) -> httpx.Client:
    """The HTTP client of a source: our timeouts, and redirects handled by ``ApiSession``."""
    return httpx.Client(timeout=limits.timeout(), follow_redirects=False)


def _origin(url: str | httpx.URL) -> tuple[str, str, int | None]:
    u = httpx.URL(str(url))
    return u.scheme, u.host, u.port


class _Failed(Exception):
    """One attempt went wrong; ``retry`` says whether another attempt may help."""

    def __init__(self, reason: str, *, retry: bool, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.retry, self.unreachable = reason, retry, unreachable


class ApiSession:
    """Limited, retried, time-bounded, archived HTTP calls to one source API."""

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
        limits: HttpLimits | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.source, self.client, self.limiter = source, client, limiter
        self.policy = policy or RetryPolicy()
        self.limits = limits or HttpLimits()
        self._sleep, self._now, self._archive, self._clock = sleep, now, archive, clock
        self.fallback_hint = fallback_hint
        self.calls = 0
        self._deadline: float | None = None
        self._deadline_table = ""
        self.unreachable: str | None = None  # the first "did not answer" reason of this run

    @contextlib.contextmanager
    def table_budget(self, table: str) -> Iterator[None]:
        """Every request inside shares one deadline of ``limits.table_deadline_s``."""
        outer = self._deadline, self._deadline_table
        self._deadline = self._clock() + self.limits.table_deadline_s
        self._deadline_table = table
        try:
            yield
        finally:
            self._deadline, self._deadline_table = outer

    def _remaining(self, url: str) -> float:
        """Seconds left of the table's deadline; past it, the attempt fails for good."""
        if self._deadline is None:  # outside any budget (not reached through ``request``)
            return self.limits.table_deadline_s
        left = self._deadline - self._clock()
        if left <= 0:
            raise _Failed(
                f"no complete answer within the deadline of "
                f"{self.limits.table_deadline_s:.0f} s for one table "
                f"(TASAPAINO_HTTP_TABLE_DEADLINE_S) at {url}",
                retry=False,
                unreachable=True,
            )
        return left

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
        """One logical request; retried within the policy and the deadline, archived when it
        succeeds."""
        if self.unreachable is not None:
            raise ServiceUnreachable(
                f"{self.source} {table}: not asked, because the service did not answer earlier "
                f"in this run ({self.unreachable}); {self.fallback_hint}"
            )
        body_text = json.dumps(json_body, ensure_ascii=False) if json_body is not None else None
        own_budget = self._deadline is None
        with self.table_budget(table) if own_budget else contextlib.nullcontext():
            return self._attempts(
                method, url, table, kind, body_text, params, headers, validate, refusal_hint
            )

    def _attempts(
        self,
        method: str,
        url: str,
        table: str,
        kind: str,
        body_text: str | None,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        validate: Callable[[bytes], None] | None,
        refusal_hint: str,
    ) -> Exchange:
        last = "no attempt made"
        only_unanswered = True
        for attempt in range(self.policy.attempts):
            waited = self.limiter.acquire()
            if self._deadline is not None:
                self._deadline += waited  # our own pacing is not the service's slowness
            self.calls += 1
            wait = self.policy.backoff(attempt)
            try:
                status, content, final, response_headers = self._send(
                    method, url, table, body_text, params, headers
                )
            except _Failed as failed:
                last = failed.reason
                only_unanswered = only_unanswered and failed.unreachable
                if not failed.retry:
                    raise self._failure(
                        f"{self.source} {table}: {last}; {self.fallback_hint}",
                        unanswered=only_unanswered,
                        reason=last,
                    ) from None
            else:
                only_unanswered = False
                if status == 429:
                    after = retry_after_seconds(response_headers.get("Retry-After"))
                    if after is not None and after > self.policy.max_retry_after_s:
                        raise SourceError(
                            f"{self.source} {table}: the service asks to wait {after:.0f} s "
                            f"(HTTP 429 Retry-After) at {url}, more than the "
                            f"{self.policy.max_retry_after_s:.0f} s this run waits; "
                            f"{self.fallback_hint}"
                        )
                    last = "the service answered HTTP 429 Too Many Requests"
                    wait = after if after is not None else wait
                elif status >= 500:
                    last = f"the service answered HTTP {status}"
                elif status >= 400:
                    hint = refusal_hint or "check the table id and query in the configuration"
                    raise SourceError(
                        f"{self.source} {table}: the service refused the request with HTTP "
                        f"{status} ({_snippet(content)}) at {url}; {hint}"
                    )
                else:
                    try:
                        if validate is not None:
                            validate(content)
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
                            body=content,
                            retrieved_at=self._now(),
                            params=dict(params or {}),
                            final_url="" if final == url else final,
                        )
                        if self._archive is not None:
                            self._archive(exchange)
                        return exchange
            if attempt + 1 < self.policy.attempts:
                left = self._deadline - self._clock() if self._deadline is not None else wait + 1
                if wait >= left:
                    last += (
                        f"; a further try would pass the deadline of "
                        f"{self.limits.table_deadline_s:.0f} s for one table "
                        "(TASAPAINO_HTTP_TABLE_DEADLINE_S)"
                    )
                    break
                self._sleep(wait)
        raise self._failure(
            f"{self.source} {table}: {last} (after {attempt + 1} attempts at {url}); "
            f"{self.fallback_hint}",
            unanswered=only_unanswered,
            reason=last,
        )

    def _failure(self, message: str, *, unanswered: bool, reason: str) -> SourceError:
        """The table's one-line error; a service that never answered is remembered."""
        if unanswered:
            self.unreachable = reason
            return ServiceUnreachable(message)
        return SourceError(message)

    def _send(
        self,
        method: str,
        url: str,
        table: str,
        body_text: str | None,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
    ) -> tuple[int, bytes, str, httpx.Headers]:
        """One attempt, redirects within the configured host included: status, body, final URL."""
        target, hops = url, 0
        origin = _origin(url)
        while True:
            left = self._remaining(url)
            timeout = httpx.Timeout(
                min(self.limits.read_s, left), connect=min(self.limits.connect_s, left)
            )
            try:
                with self.client.stream(
                    method,
                    target,
                    content=body_text.encode("utf-8") if body_text is not None else None,
                    params=dict(params) if params else None,
                    headers={
                        **({"Content-Type": "application/json"} if body_text else {}),
                        **dict(headers or {}),
                    },
                    timeout=timeout,
                ) as response:
                    if response.status_code in REDIRECTS:
                        location = response.headers.get("Location", "")
                        target = self._follow(method, url, target, location, origin, hops, table)
                        hops += 1
                        if response.status_code == 303:
                            method, body_text = "GET", None
                        continue
                    content = self._read_body(response, table, url)
                    return response.status_code, content, str(response.url), response.headers
            except _Failed:
                raise
            except httpx.TimeoutException:
                raise _Failed(
                    f"no answer within the timeout ({self.limits.connect_s:.0f} s to connect, "
                    f"{self.limits.read_s:.0f} s to read; TASAPAINO_HTTP_CONNECT_TIMEOUT_S / "
                    f"TASAPAINO_HTTP_READ_TIMEOUT_S)",
                    retry=True,
                    unreachable=True,
                ) from None
            except httpx.ConnectError as exc:
                raise _Failed(
                    f"the connection failed ({type(exc).__name__}: {exc})",
                    retry=True,
                    unreachable=True,
                ) from None
            except httpx.TransportError as exc:
                raise _Failed(
                    f"the connection broke ({type(exc).__name__}: {exc})", retry=True
                ) from None
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
                raise _Failed(
                    f"the request could not be made ({type(exc).__name__}: {exc}) at {url}",
                    retry=False,
                ) from None

    def _follow(
        self,
        method: str,
        url: str,
        current: str,
        location: str,
        origin: tuple[str, str, int | None],
        hops: int,
        table: str,
    ) -> str:
        if not location:
            raise _Failed(f"a redirect without a Location header at {current}", retry=False)
        target = httpx.URL(current).join(location)
        if _origin(target) != origin:
            raise _Failed(
                f"the service redirected {url} to another host ({target.host}, configured: "
                f"{origin[1]}); refused, since numbers from an unconfirmed host must not be "
                "published as this source's. If the service moved, set its API root "
                "(TASAPAINO_STATFIN_URL / TASAPAINO_VIPUNEN_URL) to the new address",
                retry=False,
            )
        if hops + 1 > MAX_REDIRECTS:
            raise _Failed(
                f"more than {MAX_REDIRECTS} redirects starting at {url} (a redirect loop?)",
                retry=False,
            )
        return str(target)

    def _read_body(self, response: httpx.Response, table: str, url: str) -> bytes:
        """The body read in pieces, stopped at the size cap or the table's deadline."""
        cap = self.limits.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _Failed(self._too_large(int(declared), url), retry=False)
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise _Failed(self._too_large(size, url, at_least=True), retry=False)
            chunks.append(chunk)
            if self._deadline is not None and self._clock() > self._deadline:
                raise _Failed(
                    f"the answer was still arriving after the deadline of "
                    f"{self.limits.table_deadline_s:.0f} s for one table "
                    f"(TASAPAINO_HTTP_TABLE_DEADLINE_S; {size} bytes so far) at {url}",
                    retry=False,
                    unreachable=True,  # a service this slow is as good as down for this run
                )
        return b"".join(chunks)

    def _too_large(self, size: int, url: str, *, at_least: bool = False) -> str:
        return (
            f"the answer is {'over ' if at_least else ''}{size / 1024 / 1024:.1f} MB, above the "
            f"cap of {self.limits.max_response_mb:.0f} MB (TASAPAINO_HTTP_MAX_RESPONSE_MB) at {url}"
        )


def _snippet(content: bytes) -> str:
    text = content.decode("utf-8", errors="replace").strip().replace("\n", " ")
    return (text[:160] + "…") if len(text) > 160 else (text or "empty body")
