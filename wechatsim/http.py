"""A very small request/response layer over http.server for the simulator's routes."""
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from .state import SimInputError


@dataclass
class Request:
    method: str
    path: str
    query: dict
    body: bytes
    headers: dict = field(default_factory=dict)
    client_ip: str = ""   # the caller's address as the socket saw it (WeChat's IP whitelist checks it)

    @classmethod
    def parse(cls, method: str, target: str, body: bytes, headers, client_ip: str = "") -> "Request":
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        return cls(method=method, path=parts.path.rstrip("/") or "/", query=query, body=body,
                   headers={k.lower(): v for k, v in headers.items()}, client_ip=client_ip)

    def json(self):
        """The JSON body, or None when the body is not a JSON object."""
        try:
            data = json.loads(self.body or b"null")
        except ValueError:
            return None
        return data if isinstance(data, dict) else None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"

    @classmethod
    def json(cls, data, status: int = 200) -> "Response":
        return cls(status=status, body=json.dumps(data, ensure_ascii=False).encode())

    @classmethod
    def error(cls, code: str, message: str, status: int = 400) -> "Response":
        return cls.json({"error": code, "message": message}, status=status)


def json_object(req: Request) -> dict:
    """The JSON object a /sim/* route needs, or a SimInputError (answered 400)."""
    body = req.json()
    if body is None:
        raise SimInputError("send a JSON object")
    return body


def dispatch(routes: dict, state, req: Request) -> Response | None:
    """Run the route for (method, path), None when there is none; bad input answers 400."""
    view = routes.get((req.method, req.path))
    if view is None:
        return None
    try:
        return view(state, req)
    except SimInputError as exc:
        return Response.error("invalid_request", str(exc))
