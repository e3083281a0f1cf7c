"""Pacing the fan-out below Discord's rate limits, so that a thousand recaps due in the same
minute go out without a single 429.

Discord allows 50 requests per second per bot (global) and, per route, what its response
headers say (posting in a channel: a few messages every few seconds). Two token buckets:
a global one, and one per route (here: per channel). A token bucket of rate r and capacity b
lets through at most b + r·T requests in any window of T seconds, so the defaults (45/s,
3 in a burst) stay below 50 in every one-second window: 1,000 posts take about 22 s, against
the 20 s floor of 1,000 / 50.

The clock is injected: tests pace thousands of sends in simulated time.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

from .clock import Clock

GLOBAL_RATE = 45.0
GLOBAL_BURST = 3.0
# Discord's usual bucket for posting in one channel: 5 messages per 5 seconds.
ROUTE_RATE = 1.0
ROUTE_BURST = 5.0
# Float arithmetic may leave a refilled bucket a hair under one token.
EPSILON = 1e-9
# Forget idle routes beyond this many, so a long-running bot does not grow without end.
MAX_ROUTES = 10_000


@dataclass
class TokenBucket:
    """`capacity` tokens, refilled at `rate` per second; one request takes one token."""

    rate: float
    capacity: float
    tokens: float
    updated: float
    # a route Discord said is exhausted until then (X-RateLimit-Reset-After), or a 429's retry_after
    blocked_until: float = 0.0

    def refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def measure_wait(self, now: float) -> float:
        """Seconds until a token is free (0 when one is)."""
        self.refill(now)
        wait = max(0.0, self.blocked_until - now)
        if self.tokens < 1.0 - EPSILON:
            wait = max(wait, (1.0 - self.tokens) / self.rate)
        return wait

    def take(self) -> None:
        self.tokens -= 1.0


class Pacer:
    """Hands out the right to send one request, on the global bucket and the route's bucket."""

    def __init__(self, clock: Clock, rate: float = GLOBAL_RATE, burst: float = GLOBAL_BURST,
                 route_rate: float = ROUTE_RATE, route_burst: float = ROUTE_BURST) -> None:
        if rate <= 0 or burst < 1 or route_rate <= 0 or route_burst < 1:
            raise ValueError("rates must be positive and bursts at least 1")
        self.clock = clock
        now = clock.monotonic()
        self.global_bucket = TokenBucket(rate, burst, burst, now)
        self.route_rate, self.route_burst = route_rate, route_burst
        self.routes: dict[str, TokenBucket] = {}
        # One waiter on the global bucket at a time: requests leave in the order they asked.
        self._lock = asyncio.Lock()

    async def acquire(self, route: str) -> None:
        """Wait until one request on `route` may be sent, and count it."""
        while True:
            async with self._lock:
                while True:
                    now = self.clock.monotonic()
                    bucket = self._find_route(route, now)
                    route_wait = bucket.measure_wait(now)
                    if route_wait > 0:
                        break
                    global_wait = self.global_bucket.measure_wait(now)
                    if global_wait <= 0:
                        self.global_bucket.take()
                        bucket.take()
                        return
                    await self.clock.sleep(global_wait)
            # A busy or held route waits outside the lock: one channel's limit never stalls the others.
            await self.clock.sleep(route_wait)

    def observe(self, route: str, remaining: int | None, reset_after: float | None) -> None:
        """What Discord's headers said about a route: when it has no request left, hold it until its reset."""
        if remaining is None or reset_after is None:
            return
        now = self.clock.monotonic()
        bucket = self._find_route(route, now)
        if remaining <= 0:
            bucket.tokens = 0.0
            bucket.blocked_until = max(bucket.blocked_until, now + reset_after)

    def hold(self, seconds: float, route: str | None = None) -> None:
        """After a 429: nothing on `route` (or, for a global limit, nothing at all) for `seconds`."""
        now = self.clock.monotonic()
        bucket = self.global_bucket if route is None else self._find_route(route, now)
        bucket.blocked_until = max(bucket.blocked_until, now + max(0.0, seconds))

    def _find_route(self, route: str, now: float) -> TokenBucket:
        bucket = self.routes.get(route)
        if bucket is None:
            if len(self.routes) >= MAX_ROUTES:
                self._forget_idle_routes(now)
            bucket = self.routes[route] = TokenBucket(self.route_rate, self.route_burst, self.route_burst, now)
        return bucket

    def _forget_idle_routes(self, now: float) -> None:
        # A full, unblocked bucket behaves exactly like a new one: dropping it changes nothing.
        for name, bucket in list(self.routes.items()):
            bucket.refill(now)
            if bucket.tokens >= bucket.capacity and bucket.blocked_until <= now:
                del self.routes[name]
