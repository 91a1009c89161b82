"""Local receivers for what the platform sends out: a tiny SMTP server and a webhook endpoint.

    with smtp_server() as mail:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail.port
        ...
        mail.messages[0]["Subject"], mail.messages[0].body

    with webhook_receiver() as hook:
        post to hook.url("/nhan") → hook.received[0].json

Both listen on 127.0.0.1 only, on a free port, in a thread, and speak the real protocol
(SMTP: HELO/EHLO, MAIL, RCPT, DATA with dot-stuffing, RSET, NOOP, QUIT; HTTP/1.0 POST), so
the platform's own clients (Django's SMTP backend, the safe fetcher) are what is tested.
"""

from __future__ import annotations

import email
import email.policy
import json
import socketserver
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["Mail", "SMTPServer", "smtp_server", "Posted", "WebhookReceiver", "webhook_receiver"]


# --- SMTP --------------------------------------------------------------------------------------

@dataclass
class Mail:
    sender: str
    recipients: list[str]
    raw: bytes
    message: email.message.EmailMessage = field(init=False)

    def __post_init__(self):
        self.message = email.message_from_bytes(self.raw, policy=email.policy.default)

    def __getitem__(self, header: str) -> str:
        return str(self.message[header] or "").strip()

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


class _SMTPHandler(socketserver.StreamRequestHandler):
    server: _SMTPSocketServer

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode("ascii"))
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 127.0.0.1 SMTP thu nghiem")
        sender, recipients = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.wfile.write(b"250-127.0.0.1\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                self.wfile.flush()
            elif verb == "HELO":
                self.reply("250 127.0.0.1")
            elif verb == "MAIL":
                if self.server.owner.refuse:
                    self.reply("451 4.3.0 Temporarily unavailable")
                    continue
                sender, recipients = _address(arg), []
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT":
                recipients.append(_address(arg))
                self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                if not recipients:
                    self.reply("503 5.5.1 RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)  # dot-stuffing
                self.server.owner._store(Mail(sender, recipients, b"".join(lines)))
                sender, recipients = "", []
                self.reply("250 2.0.0 Accepted")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 2.0.0 OK")
            elif verb == "NOOP":
                self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not implemented")


def _address(arg: str) -> str:
    _, _, rest = arg.partition(":")
    return rest.strip().split(" ", 1)[0].strip("<>")


class _InThread:
    """A socket server served by a thread of the test process; ``with`` stops it."""

    def _serve(self, server: socketserver.BaseServer) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class _SMTPSocketServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner: SMTPServer):
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _SMTPHandler)


class SMTPServer(_InThread):
    """``refuse = True`` makes it answer MAIL with a temporary failure (451)."""

    def __init__(self):
        self.messages: list[Mail] = []
        self.refuse = False
        self._lock = threading.Lock()
        self._serve(_SMTPSocketServer(self))

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def _store(self, mail: Mail) -> None:
        with self._lock:
            self.messages.append(mail)



def smtp_server() -> SMTPServer:
    return SMTPServer().start()


# --- webhook -----------------------------------------------------------------------------------

@dataclass
class Posted:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))


class WebhookReceiver(_InThread):
    """Records every POST; answers with ``statuses`` in turn (the last one repeats)."""

    def __init__(self, statuses: list[int] | None = None):
        self.received: list[Posted] = []
        self.statuses = list(statuses or [200])
        self._lock = threading.Lock()
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        server.daemon_threads = True
        self._serve(server)

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self._server.server_address[1]}{path}"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                length = int(self.headers.get("Content-Length") or 0)
                posted = Posted(self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                with receiver._lock:
                    turn = len(receiver.received)
                    receiver.received.append(posted)
                status = receiver.statuses[min(turn, len(receiver.statuses) - 1)]
                body = b'{"ok": true}' if status < 400 else b'{"ok": false}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args) -> None:  # noqa: A002
                pass

        return Handler



def webhook_receiver(statuses: list[int] | None = None) -> WebhookReceiver:
    return WebhookReceiver(statuses).start()
