"""A stand-in for Discord on 127.0.0.1: the gateway and the REST routes sagabot uses.

The real discord.py client connects to it through DISCORD_API_BASE and DISCORD_GATEWAY_URL.
It speaks just enough of Discord's protocol for that client: HELLO, IDENTIFY, heartbeats and
their ACKs, READY with an application id, GUILD_CREATE, and then whatever dispatches a test
sends (INTERACTION_CREATE). Every REST request is recorded, and any route can be made to
fail on demand (403, 404, 429 with retry_after, 500), to hang (the bot's request is never
answered, as when a process dies mid-request), or to enforce a requests-per-second limit, to
test what the bot does then. Messages posted in channels are kept, and served back as the
channel's history the way Discord pages it (ids from the stand-in's clock, no nonce).

Facts about discord.py 2.7 this relies on: JSON bodies must be served with a Content-Type of
exactly `application/json`; a 429 without a `Via` header is taken for a Cloudflare ban and
not retried; the interaction callback URL carries `?with_response=1` and expects
`{"interaction": {"id", "type"}}` back.
"""
from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APPLICATION_ID = 900000000000000001
BOT_USER_ID = 900000000000000002
GUILD_ID = 900000000000000100
CHANNEL_ID = 900000000000000200
# A second guild, on the other shard of two (GUILD_ID is on shard 1 of 2, this one on shard 0).
OTHER_GUILD_ID = GUILD_ID + (1 << 22)
OTHER_CHANNEL_ID = CHANNEL_ID + 1
MEMBER_IDS = (900000000000001001, 900000000000001002, 900000000000001003)
ALL_PERMISSIONS = str((1 << 50) - 1)

_snowflakes = itertools.count(950000000000000000)


def make_snowflake() -> str:
    return str(next(_snowflakes))


@dataclass
class Recorded:
    """One REST request as the bot sent it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]]
    at: float
    status: int = 200


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RouteLimit:
    """At most `per_second` requests in any one-second window on the matching routes."""

    pattern: re.Pattern[str]
    per_second: int
    recent: list[float] = field(default_factory=list)


def user_payload(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "global_name": name, "discriminator": "0", "avatar": None, "bot": bot}


class DiscordStandIn:
    """The fake Discord: start it, point the bot at `api_base` and `gateway_url`, drive it."""

    def __init__(self, guild_locale: str = "fr") -> None:
        self.requests: list[Recorded] = []
        self.identify: dict[str, Any] | None = None
        self.identifies: list[dict[str, Any]] = []  # every IDENTIFY, in order (one per shard)
        self.sockets: list[web.WebSocketResponse] = []
        # The shard each connection identified as ([id, count]; None unsharded): a guild's
        # dispatches go to its shard's connection only, as Discord routes them.
        self.socket_shards: dict[int, list[int] | None] = {}
        # The guilds the bot is in, each with its one text channel.
        self.guilds: dict[int, int] = {GUILD_ID: CHANNEL_ID}
        self.closed_codes: list[int | None] = []
        self.guild_locale = guild_locale
        self.channel_permissions = ALL_PERMISSIONS
        self._failures: list[tuple[str, re.Pattern[str], Failure]] = []
        self._limits: list[RouteLimit] = []
        self._sequence = itertools.count(1)
        self._recorded = asyncio.Condition()
        self._ready = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.rejected_429 = 0
        self._interaction_channels: dict[str, str] = {}  # interaction token → its channel
        self.nonce_repeats = 0  # posts sent again with a nonce already seen, answered with the first
        self.refuse_token = False
        # The message each interaction's response created, by interaction token: its @original.
        self.originals: dict[str, dict[str, Any]] = {}
        # Messages posted in each channel, oldest first; their ids carry the time of `clock()`.
        self.channel_messages: dict[str, list[dict[str, Any]]] = {}
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._last_message_id = 0
        # (method, pattern, keep): the next matching request is never answered; with `keep`,
        # its message is posted all the same (Discord did it, the answer was lost).
        self._hangs: list[tuple[str, re.Pattern[str], bool]] = []
        self._released = asyncio.Event()  # set at stop: hung requests end with the stand-in
        # While set, the gateway refuses connections, as when Discord is out of reach.
        self.gateway_down = False
        self.resumes = 0
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._app = app

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # started just above

    async def stop(self) -> None:
        self._released.set()
        for socket in list(self.sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def wait_ready(self, timeout: float = 10) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout)

    # --- driving it ------------------------------------------------------------------------
    def fail_next(self, method: str, path_pattern: str, status: int, times: int = 1, retry_after: float = 0.05,
                  code: int = 0) -> None:
        """The next `times` requests matching answer `status` instead of succeeding."""
        messages = {403: "Missing Permissions", 404: "Unknown Channel", 429: "You are being rate limited.",
                    400: "Invalid Form Body", 500: "Internal Server Error"}
        body: dict[str, Any] = {"message": messages.get(status, "error"), "code": code}
        headers: dict[str, str] = {}
        if status == 429:
            body.update(retry_after=retry_after, **{"global": False})
            headers = {"Via": "1.1 google", "Retry-After": str(retry_after), "X-RateLimit-Scope": "user"}
        for _ in range(times):
            self._failures.append((method.upper(), re.compile(path_pattern), Failure(status, body, headers)))

    def hang_next(self, method: str, path_pattern: str, keep: bool) -> None:
        """Never answer the next matching request; with `keep`, post its message first."""
        self._hangs.append((method, re.compile(path_pattern), keep))

    def limit(self, path_pattern: str, per_second: int) -> None:
        """Enforce a rate limit on matching routes: over it, answer 429 as Discord would."""
        self._limits.append(RouteLimit(re.compile(path_pattern), per_second))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway dispatch (op 0) to the connection of the guild's shard (to every
        connection for an event outside a guild)."""
        payload = {"op": 0, "t": event, "s": next(self._sequence), "d": data}
        guild_id = data.get("guild_id")
        for socket in list(self.sockets):
            shard = self.socket_shards.get(id(socket))
            if guild_id is not None and shard is not None and (int(guild_id) >> 22) % shard[1] != shard[0]:
                continue
            if not socket.closed:
                await socket.send_str(json.dumps(payload))

    async def wait_for(self, predicate: Callable[[Recorded], bool], timeout: float = 10, start: int = 0) -> Recorded:
        """The first recorded request (from index `start` on) that matches, waiting for it."""
        deadline = time.monotonic() + timeout
        async with self._recorded:
            while True:
                for request in self.requests[start:]:
                    if predicate(request):
                        return request
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [f"{r.method} {r.path}" for r in self.requests[start:]]
                    raise TimeoutError(f"no matching request within {timeout}s; seen: {seen}")
                try:
                    await asyncio.wait_for(self._recorded.wait(), remaining)
                except TimeoutError:
                    pass

    def find(self, method: str, pattern: str) -> list[Recorded]:
        regex = re.compile(pattern)
        return [r for r in self.requests if r.method == method and regex.search(r.path)]

    # --- interactions ----------------------------------------------------------------------
    def make_interaction(self, name: str, options: list[dict[str, Any]] | None = None, *, locale: str = "en-US",
                         kind: int = 2, in_guild: bool = True, user_index: int = 0, component: dict[str, Any] | None = None,
                         message: dict[str, Any] | None = None, permissions: str = ALL_PERMISSIONS,
                         subcommand_group: str | None = None, guild_id: int = GUILD_ID) -> dict[str, Any]:
        """An INTERACTION_CREATE payload: a slash command (2), autocomplete (4) or a component click (3),
        in `guild_id`'s channel."""
        channel_id = self.guilds[guild_id]
        user = user_payload(MEMBER_IDS[user_index], f"member{user_index + 1}")
        data: dict[str, Any]
        if kind == 3:
            data = component or {}
        else:
            data = {"id": make_snowflake(), "name": name, "type": 1, "options": options or []}
            if subcommand_group:
                data["options"] = [{"name": subcommand_group, "type": 1, "options": options or []}]
        payload: dict[str, Any] = {
            "id": make_snowflake(), "application_id": str(APPLICATION_ID), "type": kind, "data": data,
            "token": f"token-{make_snowflake()}", "version": 1, "locale": locale, "app_permissions": ALL_PERMISSIONS,
            "entitlements": [], "authorizing_integration_owners": {"0": str(guild_id)} if in_guild else {"1": user["id"]},
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if in_guild:
            payload.update(guild_id=str(guild_id), guild_locale=self.guild_locale, context=0,
                           channel={"id": str(channel_id), "type": 0, "guild_id": str(guild_id), "name": "saga"},
                           channel_id=str(channel_id),
                           member={"user": user, "roles": [], "joined_at": "2023-11-17T00:00:00+00:00", "deaf": False,
                                   "mute": False, "flags": 0, "permissions": permissions})
        else:
            payload.update(user=user, context=1, channel={"id": make_snowflake(), "type": 1, "recipients": [user]})
        if message is not None:
            payload["message"] = message
        return payload

    async def send_interaction(self, payload: dict[str, Any]) -> int:
        """Dispatch INTERACTION_CREATE; returns the index of the next recorded request."""
        start = len(self.requests)
        if payload.get("channel_id"):
            self._interaction_channels[payload["token"]] = payload["channel_id"]
        await self.dispatch("INTERACTION_CREATE", payload)
        return start

    async def wait_callback(self, payload: dict[str, Any], start: int = 0, timeout: float = 10) -> Recorded:
        """The interaction callback the bot sent for `payload`."""
        path = f"/interactions/{payload['id']}/{payload['token']}/callback"
        return await self.wait_for(lambda r: r.method == "POST" and r.path.endswith(path), timeout, start)

    # --- gateway ---------------------------------------------------------------------------
    async def drop_gateway(self) -> None:
        """Discord goes out of reach: open connections close (4000: the client may resume) and
        new ones are refused until `gateway_down` is cleared."""
        self.gateway_down = True
        for socket in list(self.sockets):
            await socket.close(code=4000)

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if self.gateway_down:
            return web.Response(status=503, text="gateway out of reach")
        socket = web.WebSocketResponse(autoping=True, autoclose=False)
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        close_code: int | None = None
        while True:
            message = await socket.receive()
            if message.type == WSMsgType.CLOSE:
                close_code = message.data  # the code the client closed with (1000: a clean close)
                await socket.close()
                break
            if message.type in (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                break
            if message.type != WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            if payload.get("op") == 1:
                await socket.send_str(json.dumps({"op": 11}))
            elif payload.get("op") == 2:
                self.identify = payload["d"]
                self.identifies.append(payload["d"])
                self.socket_shards[id(socket)] = payload["d"].get("shard")
                await self._send_ready(socket, payload["d"].get("shard"))
            elif payload.get("op") == 6:  # RESUME: the session goes on where it was
                self.resumes += 1
                await socket.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": next(self._sequence), "d": {}}))
        self.closed_codes.append(close_code)
        self.sockets.remove(socket)
        self.socket_shards.pop(id(socket), None)
        return socket

    async def _send_ready(self, socket: web.WebSocketResponse, shard: list[int] | None = None) -> None:
        # A sharded connection gets the guilds of its shard only, as Discord sends them.
        ours = [guild for guild in self.guilds if shard is None or (guild >> 22) % shard[1] == shard[0]]
        ready = {
            "v": 10, "user": user_payload(BOT_USER_ID, "sagabot", bot=True),
            "guilds": [{"id": str(guild), "unavailable": True} for guild in ours],
            "session_id": "standin-session", "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APPLICATION_ID), "flags": 0},
        }
        if shard is not None:
            ready["shard"] = shard
        await socket.send_str(json.dumps({"op": 0, "t": "READY", "s": next(self._sequence), "d": ready}))
        for guild in ours:
            await socket.send_str(json.dumps({"op": 0, "t": "GUILD_CREATE", "s": next(self._sequence), "d": self._guild(guild)}))
        self._ready.set()

    def _guild(self, guild_id: int = GUILD_ID) -> dict[str, Any]:
        everyone = {"id": str(guild_id), "name": "@everyone", "permissions": self.channel_permissions, "position": 0,
                    "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        bot_member = {"user": user_payload(BOT_USER_ID, "sagabot", bot=True), "roles": [], "joined_at": "2023-11-17T00:00:00+00:00",
                      "deaf": False, "mute": False, "flags": 0}
        return {
            "id": str(guild_id), "name": "Saga fans", "unavailable": False, "owner_id": str(MEMBER_IDS[0]),
            "preferred_locale": self.guild_locale, "member_count": 4, "large": False, "features": [], "emojis": [],
            "stickers": [], "roles": [everyone], "members": [bot_member], "voice_states": [], "presences": [],
            "threads": [], "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
            "channels": [{"id": str(self.guilds[guild_id]), "type": 0, "name": "saga", "position": 0,
                          "permission_overwrites": [], "guild_id": str(guild_id)}],
        }

    # --- REST ------------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        recorded = Recorded(request.method, path, dict(request.query), dict(request.headers), body, files, time.monotonic())
        for index, (method, pattern, keep) in enumerate(self._hangs):
            if method == request.method and pattern.search(path):
                del self._hangs[index]
                if keep:
                    self._route(request.method, path, body, recorded)
                recorded.status = 0
                async with self._recorded:
                    self.requests.append(recorded)
                    self._recorded.notify_all()
                await self._released.wait()  # until the bot gives up or the stand-in stops
                return web.Response(status=503)
        status, response = self._answer(request.method, path, body, recorded)
        recorded.status = status
        async with self._recorded:
            self.requests.append(recorded)
            self._recorded.notify_all()
        if isinstance(response, web.Response):
            return response
        if response is None:
            return web.Response(status=status)
        # discord.py parses a body as JSON only when Content-Type is exactly application/json.
        return web.Response(status=status, body=json.dumps(response).encode(), headers={"Content-Type": "application/json"})

    async def _read_body(self, request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
        if request.content_type.startswith("multipart/"):
            payload, files = None, []
            reader = await request.multipart()
            async for part in reader:
                content = await part.read()  # type: ignore[union-attr]  # parts are not nested here
                if part.name == "payload_json":  # type: ignore[union-attr]  # idem
                    payload = json.loads(content)
                else:
                    files.append((part.filename or part.name or "", bytes(content)))  # type: ignore[union-attr]  # idem
            return payload, files
        raw = await request.read()
        return (json.loads(raw) if raw else None), []

    def _answer(self, method: str, path: str, body: Any, recorded: Recorded) -> tuple[int, Any]:
        for index, (failing_method, pattern, failure) in enumerate(self._failures):
            if failing_method == method and pattern.search(path):
                del self._failures[index]
                if failure.status == 429:
                    self.rejected_429 += 1
                return failure.status, web.Response(status=failure.status, body=json.dumps(failure.body).encode(),
                                                    headers={"Content-Type": "application/json", **failure.headers})
        for limit in self._limits:
            if limit.pattern.search(path):
                now = recorded.at
                limit.recent = [t for t in limit.recent if now - t < 1.0]
                if len(limit.recent) >= limit.per_second:
                    self.rejected_429 += 1
                    retry = max(0.0, 1.0 - (now - limit.recent[0]))
                    return 429, web.Response(status=429, body=json.dumps({"message": "rate limited", "retry_after": retry,
                                                                          "global": False}).encode(),
                                             headers={"Content-Type": "application/json", "Via": "1.1 google"})
                limit.recent.append(now)
        return self._route(method, path, body, recorded)

    def _route(self, method: str, path: str, body: Any, recorded: Recorded) -> tuple[int, Any]:
        if path == "/users/@me" and self.refuse_token:
            return 401, {"message": "401: Unauthorized", "code": 0}
        if path == "/users/@me":
            return 200, user_payload(BOT_USER_ID, "sagabot", bot=True)
        if path == "/oauth2/applications/@me":
            return 200, {"id": str(APPLICATION_ID), "name": "sagabot", "description": "", "icon": None, "bot_public": True,
                         "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": 0,
                         "owner": user_payload(MEMBER_IDS[0], "owner"), "team": None, "summary": ""}
        if re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", path):
            if method == "PUT":
                return 200, [{**command, "id": make_snowflake(), "application_id": str(APPLICATION_ID), "version": "1",
                              "type": command.get("type", 1)} for command in body or []]
            return 200, []
        if re.fullmatch(r"/interactions/\d+/[^/]+/callback", path):
            interaction_id, token = path.split("/")[2:4]
            message = self._message(body.get("data") if isinstance(body, dict) else None, recorded,
                                    channel_id=self._interaction_channels.get(token))
            self.originals[token] = message
            return 200, {"interaction": {"id": interaction_id, "type": 2, "activity_instance_id": None,
                                         "response_message_id": message["id"], "response_message_loading": False,
                                         "response_message_ephemeral": False},
                         "resource": {"type": body.get("type", 4) if isinstance(body, dict) else 4, "message": message}}
        if re.fullmatch(r"/webhooks/\d+/[^/]+(/messages/(@original|\d+))?", path):
            if method == "DELETE":
                return 204, None
            token = path.split("/")[3]
            if path.endswith("/@original") and token in self.originals:
                if method == "PATCH" and isinstance(body, dict):
                    self.originals[token].update({key: value for key, value in body.items() if key in ("content", "embeds", "components")})
                return 200, self.originals[token]
            return 200, self._message(body, recorded, channel_id=self._interaction_channels.get(token))
        if re.fullmatch(r"/channels/\d+/messages", path):
            channel_id = path.split("/")[2]
            if method == "GET":
                return 200, self._page_history(channel_id, recorded.query)
            if isinstance(body, dict) and body.get("enforce_nonce") and body.get("nonce"):
                # As Discord: the same nonce again within minutes returns the first message.
                for earlier in self.channel_messages.get(channel_id, []):
                    if earlier["nonce"] == body["nonce"]:
                        self.nonce_repeats += 1
                        return 200, earlier
            message = self._message(body, recorded, channel_id=channel_id)
            message["id"] = self._make_message_id()
            message["timestamp"] = self.clock().isoformat()
            self.channel_messages.setdefault(channel_id, []).append(message)
            return 200, message
        if re.fullmatch(r"/channels/\d+/messages/\d+", path):
            return 200, self._message(body, recorded, channel_id=path.split("/")[2])
        if re.fullmatch(r"/channels/\d+", path):
            channel_id = int(path.split("/")[2])
            guild_id = next((guild for guild, channel in self.guilds.items() if channel == channel_id), GUILD_ID)
            return 200, {"id": str(channel_id), "type": 0, "guild_id": str(guild_id), "name": "saga", "position": 0,
                         "permission_overwrites": []}
        if path == "/gateway":
            return 200, {"url": self.gateway_url}
        return 404, {"message": f"stand-in has no route {method} {path}", "code": 0}

    def _make_message_id(self) -> str:
        # Discord's snowflake: milliseconds since 2015 in the high bits, so the id tells the time.
        millis = int(self.clock().timestamp() * 1000) - 1420070400000
        self._last_message_id = max(self._last_message_id + 1, millis << 22)
        return str(self._last_message_id)

    def _page_history(self, channel_id: str, query: dict[str, str]) -> list[dict[str, Any]]:
        """GET /channels/{id}/messages: `limit` messages right after `after` (or the latest),
        newest first, as Discord answers; history carries no nonce."""
        limit = int(query.get("limit", 50))
        messages = [{**message, "nonce": None} for message in self.channel_messages.get(channel_id, [])]
        if "after" in query:
            page = [message for message in messages if int(message["id"]) > int(query["after"])][:limit]
        else:
            before = int(query.get("before", 1 << 63))
            page = [message for message in messages if int(message["id"]) < before][-limit:]
        return page[::-1]

    def _message(self, body: Any, recorded: Recorded, channel_id: str | None = None) -> dict[str, Any]:
        data = body if isinstance(body, dict) else {}
        return {
            "id": make_snowflake(), "channel_id": channel_id or str(CHANNEL_ID), "type": 0,
            "author": user_payload(BOT_USER_ID, "sagabot", bot=True), "content": data.get("content") or "",
            "embeds": data.get("embeds") or [], "components": data.get("components") or [],
            "attachments": [{"id": make_snowflake(), "filename": name, "size": len(content), "url": "http://127.0.0.1/x",
                             "proxy_url": "http://127.0.0.1/x"} for name, content in recorded.files],
            "timestamp": "2023-11-17T20:30:00+00:00", "edited_timestamp": None, "tts": False, "mention_everyone": False,
            "mentions": [], "mention_roles": [], "pinned": False, "flags": data.get("flags", 0) or 0,
            "nonce": data.get("nonce"),
        }
