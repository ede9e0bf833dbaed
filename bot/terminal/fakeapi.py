"""A fake Telegram Bot API, in process: the test kit and the terminal chat talk to it.

`FakeTelegram` keeps what a real server would (messages per chat, their buttons, queued
updates), records every call and tells its `listeners` about each one it answered.
`FakeRequest` plugs it into python-telegram-bot in place of HTTP, file downloads included.
`Faults` makes chosen calls fail the way Telegram does (500, 429 with retry_after, 403 for a
blocked bot, time-outs). Files users send (`document_update`) are kept for getFile.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

JSON = dict[str, Any]

BOT_USER: JSON = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "pumpbot",
    "username": "pumpbot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


# The fields Telegram sends with an administrator's and a restricted member's status.
ADMIN_RIGHTS = [
    "can_be_edited",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
]
RESTRICTED_RIGHTS = [
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
    "can_react_to_messages",
]


@dataclass
class ApiCall:
    method: str
    params: JSON
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None
    # The file name python-telegram-bot gave each uploaded part (same keys as `files`).
    file_names: dict[str, str] = field(default_factory=dict)

    @property
    def message_id(self) -> int:
        """The id of the message this call sent or edited."""
        return int(self.result["message_id"])

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[JSON]:
        """The inline buttons of this call, rows flattened, as Telegram JSON."""
        markup = self.params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if not markup:
            return []
        return [button for row in markup.get("inline_keyboard", []) for button in row]


class TimeoutKind(StrEnum):
    """Where a time-out happened, which decides whether the message may have arrived."""

    READ = "read"  # no answer came; the fake drops the request (did Telegram get it? unknown)
    CONNECT = "connect"  # the request never left (httpx.ConnectTimeout under PTB's TimedOut)
    ANSWER = "answer"  # Telegram acted (the message arrived), then the answer was lost


@dataclass
class Fault:
    """One planned failure: `status` 500/403/..., `retry_after` for a 429, or `timeout`
    (of the kind `timeout_kind`)."""

    method: str | None = None
    chat_id: int | None = None
    status: int = 500
    retry_after: int | None = None
    timeout: bool = False
    timeout_kind: TimeoutKind = TimeoutKind.READ
    description: str = "Internal Server Error"

    def matches(self, method: str, params: JSON) -> bool:
        if self.method is not None and self.method != method:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


class FakeTelegram:
    """The server side: answers Bot API methods and remembers what the bot sent."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.faults: deque[Fault] = deque()
        self.blocked_chats: set[int] = set()
        self.commands: dict[str | None, list[JSON]] = {}
        # The bot's description and short description, by language code (None: the default).
        self.descriptions: dict[str | None, str] = {}
        self.short_descriptions: dict[str | None, str] = {}
        self.messages: dict[tuple[int, int], JSON] = {}
        # Updates wait here until the bot confirms them with a higher getUpdates offset, as
        # on Telegram: an update fetched by a bot that then dies is delivered again.
        self.updates: list[JSON] = []
        self._activity: asyncio.Event | None = None
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        # Files users sent, by file_id, for getFile and the download that follows it.
        self.files: dict[str, bytes] = {}
        self.clock_seconds: Any = None  # optional callable giving Unix time for message dates
        # Called with each call Telegram answered successfully, as it happens (the terminal
        # chat prints from here, so replies and reminders show the moment the bot sends them).
        self.listeners: list[Callable[[ApiCall], None]] = []
        # Group members' status for getChatMember (`set_member_status`); "member" if not set.
        self.member_statuses: dict[tuple[int, int], str] = {}
        # Groups that became supergroups: a send to the old id fails with ChatMigrated.
        self.migrated_chats: dict[int, int] = {}

    # -- what the bot sees ------------------------------------------------------------------

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def continue_message_ids(self, chat_id: int, last: int) -> None:
        """Number the chat's next messages from `last + 1`, as if `last` messages came before."""
        self._message_ids[chat_id] = itertools.count(last + 1)

    def _now(self) -> int:
        import time

        return int(self.clock_seconds() if self.clock_seconds else time.time())

    def _chat(self, chat_id: int) -> JSON:
        kind = "private" if chat_id > 0 else "group"
        chat: JSON = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = "Parent"
        else:
            chat["title"] = "Family"
        return chat

    def _stored_message(self, params: JSON) -> JSON:
        chat_id = int(params["chat_id"])
        message_id = self.next_message_id(chat_id)
        message: JSON = {
            "message_id": message_id,
            "date": self._now(),
            "chat": self._chat(chat_id),
            "from": BOT_USER,
        }
        for key in ("text", "caption", "reply_markup"):
            if key in params:
                value = params[key]
                message[key] = (
                    json.loads(value) if key == "reply_markup" and isinstance(value, str) else value
                )
        self.messages[(chat_id, message_id)] = message
        return message

    async def handle(
        self,
        method: str,
        params: JSON,
        files: dict[str, bytes] | None = None,
        file_names: dict[str, str] | None = None,
    ) -> tuple[int, JSON]:
        """Answer one Bot API call as Telegram would: (HTTP status, JSON body)."""
        call = ApiCall(method, params, files or {}, file_names=file_names or {})
        for fault in list(self.faults):
            if fault.matches(method, params):
                self.faults.remove(fault)
                self.calls.append(call)
                if fault.timeout and fault.timeout_kind is TimeoutKind.CONNECT:
                    raise TimedOut("fake connect time-out") from httpx.ConnectTimeout("fake")
                if fault.timeout and fault.timeout_kind is TimeoutKind.ANSWER:
                    call.result = await self._result(method, params)
                    for listener in self.listeners:
                        listener(call)
                    raise TimedOut("fake time-out, after Telegram acted")
                if fault.timeout:
                    raise TimedOut("fake time-out")
                if fault.retry_after is not None:
                    return 429, {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {fault.retry_after}",
                        "parameters": {"retry_after": fault.retry_after},
                    }
                return fault.status, {
                    "ok": False,
                    "error_code": fault.status,
                    "description": fault.description,
                }
        if method == "getFile" and str(params.get("file_id")) not in self.files:
            self.calls.append(call)
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: invalid file_id",
            }
        chat_id = params.get("chat_id")
        if chat_id is not None and int(chat_id) in self.migrated_chats:
            self.calls.append(call)
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": self.migrated_chats[int(chat_id)]},
            }
        if chat_id is not None and int(chat_id) in self.blocked_chats:
            self.calls.append(call)
            return 403, {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            }
        self.calls.append(call)
        if method == "getUpdates":
            # A poll arriving is news to whoever waits for the bot to be up (`wait_for`); its
            # answer may take the whole long-poll time. `_get_updates` clears the event first.
            self._notify()
        call.result = await self._result(method, params)
        for listener in self.listeners:
            listener(call)
        if method != "getUpdates":
            self._notify()
        return 200, {"ok": True, "result": call.result}

    async def _result(self, method: str, params: JSON) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "sendPhoto", "sendDocument"):
            message = self._stored_message(params)
            if method == "sendPhoto":
                message["photo"] = [
                    {"file_id": "photo-1", "file_unique_id": "p1", "width": 800, "height": 600}
                ]
            if method == "sendDocument":
                message["document"] = {"file_id": "doc-1", "file_unique_id": "d1"}
            return message
        if method in ("editMessageText", "editMessageReplyMarkup", "editMessageCaption"):
            key = (int(params["chat_id"]), int(params["message_id"]))
            message = self.messages.get(key) or {
                "message_id": key[1],
                "date": self._now(),
                "chat": self._chat(key[0]),
                "from": BOT_USER,
            }
            if "text" in params:
                message["text"] = params["text"]
            if "reply_markup" in params:
                markup = params["reply_markup"]
                message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
            elif method == "editMessageText":
                message.pop("reply_markup", None)
            self.messages[key] = message
            return message
        if method == "getFile":
            file_id = str(params["file_id"])
            return {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": len(self.files[file_id]),
                "file_path": f"documents/{file_id}",
            }
        if method == "setMyCommands":
            commands = params["commands"]
            self.commands[params.get("language_code")] = (
                json.loads(commands) if isinstance(commands, str) else commands
            )
            return True
        if method == "setMyDescription":
            self.descriptions[params.get("language_code")] = params.get("description", "")
            return True
        if method == "setMyShortDescription":
            self.short_descriptions[params.get("language_code")] = params.get(
                "short_description", ""
            )
            return True
        if method == "getUpdates":
            return await self._get_updates(params)
        if method == "getChatMember":
            return self._chat_member(int(params["chat_id"]), int(params["user_id"]))
        if method == "deleteWebhook":
            return True
        # answerCallbackQuery, deleteMessage, sendChatAction, setWebhook, deleteWebhook, ...
        return True

    def _chat_member(self, chat_id: int, user_id: int) -> JSON:
        status = self.member_statuses.get((chat_id, user_id), "member")
        member: JSON = {"status": status, "user": self.user(user_id)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(dict.fromkeys(ADMIN_RIGHTS, False), is_anonymous=False)
        elif status == "restricted":
            member.update(dict.fromkeys(RESTRICTED_RIGHTS, False), is_member=True, until_date=0)
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _event(self) -> asyncio.Event:
        if self._activity is None:
            self._activity = asyncio.Event()
        return self._activity

    def _notify(self) -> None:
        self._event().set()

    async def _get_updates(self, params: JSON) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = asyncio.get_running_loop().time() + float(params.get("timeout") or 0)
        while True:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if self.updates:
                return self.updates[:limit]
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return []
            event = self._event()
            event.clear()
            try:
                await asyncio.wait_for(event.wait(), timeout=remaining)
            except TimeoutError:
                return []

    async def wait_for(self, predicate: Any, timeout: float = 10.0) -> list[ApiCall]:
        """Wait until the calls so far satisfy `predicate(calls)`; for tests of running bots."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate(self.calls):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"the bot did not do what was expected in {timeout} s")
            event = self._event()
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout=remaining)
        return self.calls

    # -- what the user does -----------------------------------------------------------------

    def user(
        self, user_id: int, language_code: str | None = "en", first_name: str = "Parent"
    ) -> JSON:
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def message_update(
        self, chat_id: int, text: str, user: JSON, *, reply_to: int | None = None
    ) -> JSON:
        message: JSON = {
            "message_id": self.next_message_id(chat_id),
            "date": self._now(),
            "chat": self._chat(chat_id),
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None and (chat_id, reply_to) in self.messages:
            message["reply_to_message"] = self.messages[(chat_id, reply_to)]
        self.messages[(chat_id, message["message_id"])] = message
        return {"update_id": next(self._update_ids), "message": message}

    def upload(self, content: bytes) -> str:
        """Keep a file a user sends; its file_id."""
        file_id = f"file-{next(self._file_ids)}"
        self.files[file_id] = content
        return file_id

    def download(self, path: str) -> bytes | None:
        """A file's bytes by the path getFile gave (`documents/<file_id>`); None if unknown."""
        return self.files.get(path.rsplit("/", 1)[-1])

    def document_update(
        self,
        chat_id: int,
        user: JSON,
        content: bytes,
        *,
        file_name: str | None = "file.csv",
        mime_type: str | None = "text/csv",
        file_size: int | None = None,
    ) -> JSON:
        """A user sends a file (a document message); `file_size` may claim another size."""
        file_id = self.upload(content)
        document: JSON = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(content) if file_size is None else file_size,
        }
        if file_name is not None:
            document["file_name"] = file_name
        if mime_type is not None:
            document["mime_type"] = mime_type
        message: JSON = {
            "message_id": self.next_message_id(chat_id),
            "date": self._now(),
            "chat": self._chat(chat_id),
            "from": user,
            "document": document,
        }
        self.messages[(chat_id, message["message_id"])] = message
        return {"update_id": next(self._update_ids), "message": message}

    def edited_message_update(self, chat_id: int, message_id: int, text: str, user: JSON) -> JSON:
        original = self.messages[(chat_id, message_id)]
        edited = {**original, "text": text, "edit_date": self._now()}
        self.messages[(chat_id, message_id)] = edited
        return {"update_id": next(self._update_ids), "edited_message": edited}

    def callback_update(self, chat_id: int, message_id: int, data: str, user: JSON) -> JSON:
        message = self.messages.get((chat_id, message_id)) or {
            "message_id": message_id,
            "date": self._now(),
            "chat": self._chat(chat_id),
            "from": BOT_USER,
        }
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._query_ids)),
                "from": user,
                "chat_instance": str(chat_id),
                "message": message,
                "data": data,
            },
        }

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember says of the user: creator, administrator, member, restricted,
        left or kicked."""
        self.member_statuses[(chat_id, user_id)] = status

    def migration_updates(self, old_id: int, new_id: int, user: JSON) -> tuple[JSON, JSON]:
        """A group upgraded to a supergroup, as Telegram reports it: a service message in the
        old group (`migrate_to_chat_id`) and one in the new supergroup (`migrate_from_chat_id`).
        From now on a send to the old id fails with ChatMigrated."""
        self.migrated_chats[old_id] = new_id
        old_message: JSON = {
            "message_id": self.next_message_id(old_id),
            "date": self._now(),
            "chat": {"id": old_id, "type": "group", "title": "Family"},
            "from": user,
            "migrate_to_chat_id": new_id,
        }
        new_message: JSON = {
            "message_id": self.next_message_id(new_id),
            "date": self._now(),
            "chat": {"id": new_id, "type": "supergroup", "title": "Family"},
            "sender_chat": {"id": old_id, "type": "group", "title": "Family"},
            "migrate_from_chat_id": old_id,
        }
        return (
            {"update_id": next(self._update_ids), "message": old_message},
            {"update_id": next(self._update_ids), "message": new_message},
        )

    def queue_update(self, update: JSON) -> None:
        """Hand an update to the bot's next getUpdates (polling)."""
        self.updates.append(update)
        self._notify()


class FakeRequest(BaseRequest):
    """python-telegram-bot's request layer, answered by a FakeTelegram instead of HTTP."""

    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if method == "GET" and "/file/bot" in url:  # downloading a file getFile pointed to
            path = url.split("/file/bot", 1)[1].split("/", 1)[-1]
            content = self.telegram.download(path)
            return (200, content) if content is not None else (404, b"Not Found")
        api_method = url.rsplit("/", 1)[-1]
        params: JSON = dict(request_data.parameters) if request_data else {}
        files: dict[str, bytes] = {}
        file_names: dict[str, str] = {}
        if request_data is not None and request_data.contains_files:
            for name, value in request_data.multipart_data.items():
                content = value[1] if isinstance(value, tuple) else value
                if hasattr(content, "read"):  # python-telegram-bot may hand over an open file
                    content = content.read()
                files[name] = content if isinstance(content, bytes) else bytes(content)
                if isinstance(value, tuple) and value[0]:
                    file_names[name] = str(value[0])
        status, body = await self.telegram.handle(api_method, params, files, file_names)
        return status, json.dumps(body).encode()
