"""One supervisor for the bot's background loops (the quiz driver, the recap scheduler).

A loop that raises is logged with its traceback and started again after a pause that doubles
with each failure in a row (1 s, 2 s, 4 s … up to a minute), so one "database is locked" or a
full disk for two seconds never stops quizzes or recaps for good. A loop that has run a while
without failing starts its next pause from the shortest again. The heartbeat reports each loop
(running, or waiting to restart, and how many restarts), so `python -m bot health` sees a loop
that keeps failing. Plain asyncio: no discord import.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

# The first pause after a crash, and the longest.
FIRST_DELAY = 1.0
MAX_DELAY = 60.0
# A loop that ran this long before failing is not "failing in a row".
STEADY_SECONDS = 300.0


@dataclass
class LoopState:
    """What the heartbeat says of one loop."""

    running: bool = False
    restarts: int = 0
    last_error: str | None = None


class Supervisor:
    def __init__(self, logger: logging.Logger, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic, first_delay: float = FIRST_DELAY, max_delay: float = MAX_DELAY) -> None:
        self.log = logger
        self.sleep = sleep
        self.clock = clock
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.states: dict[str, LoopState] = {}
        self.tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, name: str, loop: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        """Run `loop()` under supervision until `stop(name)`; a new call to `loop` at each restart.
        A loop already running under that name is stopped first: one task per name."""
        self.stop(name)
        self.states[name] = LoopState()
        task = asyncio.create_task(self._keep_running(name, loop), name=name)
        self.tasks[name] = task
        return task

    def stop(self, name: str) -> None:
        task = self.tasks.pop(name, None)
        if task is not None:
            task.cancel()
        self.states.pop(name, None)

    def report(self) -> dict[str, dict[str, object]]:
        """Each loop's state, as the heartbeat file holds it."""
        return {name: {"running": state.running, "restarts": state.restarts, "last_error": state.last_error}
                for name, state in self.states.items()}

    async def _keep_running(self, name: str, loop: Callable[[], Awaitable[None]]) -> None:
        state = self.states[name]
        delay = self.first_delay
        while True:
            started = self.clock()
            state.running = True
            failure: Exception | None = None
            try:
                await loop()
            except asyncio.CancelledError:
                state.running = False
                raise
            except Exception as error:  # noqa: BLE001 - any failure of a loop is logged and the loop restarted
                failure = error
            state.running = False
            if self.clock() - started >= STEADY_SECONDS:
                delay = self.first_delay
            if failure is None:
                self.log.warning("the %s returned; starting it again in %.0f s", name, delay)
            else:
                self.log.error("the %s failed; restarting it in %.0f s", name, delay, exc_info=failure)
                state.last_error = f"{type(failure).__name__}: {failure}"
            await self.sleep(delay)
            delay = min(delay * 2, self.max_delay)
            state.restarts += 1
