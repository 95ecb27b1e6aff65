"""A lean HTTP/1.1 client on asyncio streams: one keep-alive connection per simulated browser.

The load generator plays thousands of browsers from one process; a full client library costs
more CPU per request than the server under test, so requests are written and parsed by hand
(Content-Length and chunked bodies, Set-Cookie collected, nothing else).
"""
import asyncio
import json


class HttpError(Exception):
    pass


class Conn:
    """One keep-alive connection; `request()` reopens it when the server closed it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def _open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(self, method: str, path: str, *, headers: dict | None = None, body: bytes | dict | None = None,
                      cookies: dict | None = None, timeout: float = 60.0):
        """(status, headers, body bytes, set_cookies dict)."""
        if isinstance(body, dict):
            body = json.dumps(body).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "User-Agent: scanlogin-bench/1 (Windows) Chrome/120"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")
        for attempt in (0, 1):
            try:
                async with asyncio.timeout(timeout):  # a bench never waits forever on one answer
                    if self.writer is None:
                        await self._open()
                    self.writer.write(raw)
                    return await self._read_response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
            except TimeoutError:
                self.close()
                raise

    async def _read_response(self):
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers, cookies = {}, {}
        for line in header_lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cname, _, rest = value.partition("=")
                cookies[cname] = rest.split(";", 1)[0]
            else:
                headers[name] = value
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            body = await self._chunked()
        else:
            body = await self.reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body, cookies

    async def _chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


async def post_json(conn: Conn, path: str, payload: dict, **kw):
    status, _h, body, cookies = await conn.request("POST", path, body=payload, **kw)
    return status, (json.loads(body) if body else None), cookies
