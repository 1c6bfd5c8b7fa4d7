"""An attacker's checklist against a served level-4 project (stdlib only; e2e-levels34 runs it
while the app is up, after schemathesis).

Usage: python3 scripts/lib/attack.py BASE_URL AUTH PROJECT_DIR

Each check sends what a hostile client would and fails unless the app answers a small JSON 4xx
with its request id and security headers: reads of a resource (the first collection of
/openapi.json) without credentials, tokens forged with every key the project's files publish
(and `alg: none`), non-finite numbers, deep nesting, bad encodings, and bodies over the limit
(by Content-Length and chunked, answered fast). The project's own suite forges tokens with the
user's real password fingerprint as well (test_tokens_signed_with_shipped_keys_401).
"""

import base64
import hashlib
import hmac
import http.client
import json
import re
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

MAX_ERROR_BODY = 4096  # an error answer stays small, whatever the request held
FAST = 2.0  # seconds a 413 may take


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged_token(key: str, alg: str = "HS256") -> str:
    """A token for user 1 (the first superuser) as PyJWT would sign it with `key`."""
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    claims = {"sub": "1", "fp": "0" * 32, "iat": int(time.time()), "exp": int(time.time()) + 600}
    payload = b64url(json.dumps(claims).encode())
    if alg == "none":
        return f"{header}.{payload}."
    signature = hmac.new(key.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


def published_keys(project: Path) -> set[str]:
    """Every quoted string of PUBLIC_SECRET_KEYS, and SECRET_KEY= values of the project's files."""
    keys: set[str] = set()
    config = (project / "app/core/config.py").read_text()
    block = re.search(r"PUBLIC_SECRET_KEYS = frozenset\((.*?)\n\)", config, re.S)
    if block:
        keys.update(re.findall(r'"([^"]+)"', block.group(1)))
    for name in (".env.example", "README.md", "compose.yaml", "Dockerfile"):
        path = project / name
        if path.exists():
            keys.update(
                re.findall(
                    r"^[ \t]*SECRET_KEY[ \t]*[=:][ \t]*[\"']?([^\"'\s#$]+)", path.read_text(), re.M
                )
            )
    return keys


class Server:
    def __init__(self, base: str) -> None:
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80

    def send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        chunked: bool = False,
    ) -> tuple[int, dict[str, str], bytes, float]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        started = time.monotonic()
        try:
            connection.putrequest(method, path)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            if chunked:
                connection.putheader("Transfer-Encoding", "chunked")
                connection.endheaders()
                try:
                    for _ in range(80):  # 80 chunks of 64 KiB: 5 MiB
                        chunk = b" " * 65536
                        connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    connection.send(b"0\r\n\r\n")
                except OSError:
                    pass  # the server answered and closed before the end: that is the point
            else:
                if body is not None and "Content-Length" not in (headers or {}):
                    connection.putheader("Content-Length", str(len(body)))
                connection.endheaders()
                if body is not None:
                    try:
                        connection.send(body)
                    except OSError:
                        pass
            response = connection.getresponse()
            data = response.read()
            elapsed = time.monotonic() - started
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data, elapsed
        finally:
            connection.close()


FAILURES: list[str] = []


def expect(name: str, answer: tuple[int, dict[str, str], bytes, float], statuses: set[int]) -> None:
    status, headers, body, elapsed = answer
    problems = []
    if status not in statuses:
        problems.append(f"status {status}, expected {sorted(statuses)}")
    if not headers.get("content-type", "").startswith("application/json"):
        problems.append(f"content-type {headers.get('content-type')!r}")
    else:
        try:
            json.loads(body)
        except ValueError:
            problems.append("a body that is not JSON")
    if len(body) > MAX_ERROR_BODY:
        problems.append(f"a {len(body)}-byte body")
    for header in ("x-request-id", "x-content-type-options"):
        if header not in headers:
            problems.append(f"no {header}")
    verdict = "ok  " if not problems else "FAIL"
    print(
        f"  {verdict} {name}: {status} in {elapsed:.2f} s"
        + (f" ({'; '.join(problems)})" if problems else "")
    )
    if problems:
        FAILURES.append(name)


def resource_collection(server: "Server") -> str:
    """The first collection of the API that is a resource (not auth, users or a feature)."""
    status, _, body, _ = server.send("GET", "/openapi.json")
    assert status == 200, f"/openapi.json answered {status}"
    others = ("auth", "users", "jobs", "ml", "ws")
    for path, operations in json.loads(body)["paths"].items():
        parts = path.strip("/").split("/")
        if (
            parts[:2] == ["api", "v1"]
            and len(parts) == 3
            and parts[2] not in others
            and "get" in operations
        ):
            return path
    raise SystemExit("no resource collection in /openapi.json")


def main() -> int:
    base, auth, project = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    server = Server(base)
    api = "/api/v1"
    resource = resource_collection(server)
    json_type = {"Content-Type": "application/json"}
    print(f"attacker's checklist ({resource})")

    expect("read without credentials", server.send("GET", resource), {401})
    expect("read one without credentials", server.send("GET", f"{resource}{uuid.uuid4()}"), {401})
    if auth == "apikey":
        expect(
            "unknown API key", server.send("GET", resource, headers={"X-API-Key": "x" * 43}), {401}
        )
    else:
        keys = published_keys(project)
        assert keys, "no published key found to forge with"
        for key in sorted(keys):
            token = forged_token(key)
            answer = server.send(
                "GET", f"{api}/users/", headers={"Authorization": f"Bearer {token}"}
            )
            expect(f"token forged with {key!r}", answer, {401})
        token = forged_token("", alg="none")
        answer = server.send("GET", f"{api}/users/", headers={"Authorization": f"Bearer {token}"})
        expect("token with alg none", answer, {401})

    register = f"{api}/auth/register"
    expect(
        "1e309 (not a finite float)",
        server.send("POST", register, b'{"email": 1e309, "password": 1e309}', json_type),
        {422},
    )
    expect("-1e309 in a list", server.send("POST", register, b"[-1e309, 1e400]", json_type), {422})
    expect(
        "nesting 100,000 deep",
        server.send("POST", register, b"[" * 100_000 + b"]" * 100_000, json_type),
        {400, 413, 422},
    )
    expect(
        "not UTF-8", server.send("POST", register, b'{"email": "\xff\xfe"}', json_type), {400, 422}
    )
    expect(
        "truncated JSON", server.send("POST", register, b'{"email": "a@b.c", ', json_type), {422}
    )
    big = b'{"email": "' + b"a" * (5 * 1024 * 1024) + b'"}'
    answer = server.send("POST", register, big, json_type)
    expect("5 MiB body (Content-Length)", answer, {413})
    if answer[3] > FAST:
        FAILURES.append("5 MiB body took too long")
    answer = server.send("POST", register, headers=json_type, chunked=True)
    expect("5 MiB chunked body", answer, {413})
    if answer[3] > FAST:
        FAILURES.append("5 MiB chunked body took too long")
    answer = server.send("POST", register, b"x" * 10, {**json_type, "Content-Length": str(10**12)})
    expect("a Content-Length of 1 TB", answer, {413})

    if FAILURES:
        print(f"attacker's checklist: {len(FAILURES)} failed: {', '.join(FAILURES)}")
        return 1
    print("attacker's checklist: nothing found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
