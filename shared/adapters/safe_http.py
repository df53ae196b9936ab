"""Fetch a remote URL that a caller gave us, without letting it reach our own network.

Every URL a user hands us (`POST /v1/media`, remote `videoUrl`s a publisher
pulls) is a server-side request forgery risk: it could name the metadata
server, a private service or loopback. So on every hop, redirects included:

- only http and https, no credentials in the URL;
- only ports 80 and 443, plus those of `SOKU_FETCH_PORTS` (refused before any
  DNS lookup); an https URL never redirects to http;
- the host is resolved once, here, and *every* address it resolves to must be
  public (not loopback, private, link-local, metadata, multicast, reserved,
  nor an IPv6 form that embeds one of those);
- the connection then goes to the checked address itself (the URL is rewritten
  to the IP, with the original `Host` header and TLS SNI/certificate name), so
  a DNS answer that changes between check and connect (rebinding) cannot
  redirect it;
- redirects are followed by hand, at most `MAX_REDIRECTS`, each re-checked;
- connect/read timeouts, an overall deadline and a byte cap enforced while
  streaming (a declared Content-Length over the cap is refused up front).

`send` makes one request (a webhook delivery) under the same rules, without
following redirects, and reads its answer only up to a small cap: the socket is
read in pieces of at most 64 KiB (httpcore's read size), so no more than the
cap plus one such piece is ever taken in before the connection is closed.

Anything refused raises `FetchRefused` with a human-readable `reason`, which
goes back to the caller: it never says what a name resolved to (that would
let anyone map our internal DNS); the log line does. The local stack and tests
admit loopback sandboxes through `SOKU_FETCH_ALLOWLIST` (hosts or CIDRs), empty
in production; allow-listed destinations keep any port, as those sandboxes
listen on random ones.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

import httpx

from shared.config import get_settings

log = logging.getLogger("soku.safe_http")

MAX_REDIRECTS = 5
STANDARD_PORTS = (80, 443)
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "SokuMediaFetcher/1.0"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata endpoints answer with credentials: named explicitly so the
# refusal message says what was hit (they are link-local / ULA anyway).
_METADATA_IPS = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
_METADATA_HOSTS = {"metadata.google.internal", "metadata.goog", "metadata"}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchRefused(Exception):
    """A remote fetch we will not do, or that failed; `reason` says why, for humans."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- address policy -----------------------------------------------------------------

def non_public_reason(ip: IPAddress) -> str | None:
    """Why `ip` is not a public unicast address, or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 spellings of IPv4 addresses reach the IPv4 host: judge that host.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return non_public_reason(embedded)
        if ip.teredo is not None:
            return "a Teredo tunnel address"
    if ip in _METADATA_IPS:
        return "the cloud metadata address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private network address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved, non-public address"
    return None


@dataclass(frozen=True)
class AllowList:
    """Hosts and networks admitted even though they are not public (local sandboxes)."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def parse(cls, entries: tuple[str, ...] | list[str] | str) -> "AllowList":
        if isinstance(entries, str):
            entries = [e for e in entries.split(",")]
        hosts, networks = set(), []
        for entry in (e.strip().lower().strip("[]") for e in entries):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def admits(self, host: str, ip: IPAddress) -> bool:
        return host in self.hosts or any(ip in net for net in self.networks)


def _allowlist() -> AllowList:
    return AllowList.parse(get_settings().fetch_allowlist)


def allow_listed(url: str | httpx.URL) -> bool:
    """Whether `url` goes only to destinations `SOKU_FETCH_ALLOWLIST` admits (a local
    sandbox or receiver): its host is listed, or every address it resolves to is inside a
    listed network. Always False in production, where the list is empty; a URL this
    module refuses outright is not allow-listed either."""
    allow = _allowlist()
    if not allow.hosts and not allow.networks:
        return False  # no DNS lookup needed to know
    try:
        target = check_url(url, allow)
    except FetchRefused:
        return False
    return all(allow.admits(target.host, ip) for ip in target.addresses)


def _ports() -> tuple[int, ...]:
    return tuple(sorted(set(STANDARD_PORTS) | set(get_settings().fetch_ports)))


def _port_refused(port: int, ports: tuple[int, ...]) -> FetchRefused:
    names = [str(p) for p in ports]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return FetchRefused(f"only ports {listed} can be fetched, not {port}")


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to. Tests replace this to script DNS answers."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    host: str  # ASCII (IDNA) host, lower case, as sent in Host and SNI
    port: int
    addresses: tuple[IPAddress, ...]  # checked; the connection goes to these only


def check_url(url: str | httpx.URL, allow: AllowList | None = None,
              ports: tuple[int, ...] | None = None) -> Target:
    """Parse, resolve and vet one hop. Raises FetchRefused; never connects."""
    allow = allow if allow is not None else _allowlist()
    ports = ports if ports is not None else _ports()
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchRefused(f"the URL is malformed ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchRefused(f"only http and https URLs can be fetched, not '{parsed.scheme or 'none'}'")
    if parsed.userinfo:
        raise FetchRefused("URLs with embedded credentials are not accepted")
    host = parsed.raw_host.decode("ascii").lower().rstrip(".")
    if not host:
        raise FetchRefused("the URL has no host")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    if host in _METADATA_HOSTS and host not in allow.hosts:
        raise FetchRefused(f"{host} is the cloud metadata server")
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    # Any port for allow-listed destinations (loopback sandboxes on random ports): a host
    # named in the list here, addresses inside a listed network once they are known.
    port_open = port in ports or host in allow.hosts
    if literal is not None:
        why = non_public_reason(literal)
        if why and not allow.admits(host, literal):  # the caller wrote the address: say why
            raise FetchRefused(f"{host} is {why}; only public addresses can be fetched")
        candidates = [literal]
    else:
        if not port_open and not allow.networks:
            raise _port_refused(port, ports)  # before any DNS lookup
        try:
            candidates = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolve(host, port)]
        except (OSError, UnicodeError) as exc:
            raise FetchRefused(f"could not resolve {host} ({exc})") from None
        if not candidates:
            raise FetchRefused(f"could not resolve {host}")
        for ip in candidates:
            why = non_public_reason(ip)
            if why and not allow.admits(host, ip):
                # The caller learns that the name is refused, not what our DNS answered.
                log.warning("fetch refused: %s resolves to %s, %s", host, ip, why)
                raise FetchRefused(f"{host} resolves to a non-public address; only public addresses can be fetched")
    if not port_open and not all(allow.admits(host, ip) for ip in candidates):
        raise _port_refused(port, ports)
    # IPv4 first: many serverless egress paths have no IPv6 route.
    ordered = sorted(candidates, key=lambda a: a.version)
    return Target(parsed, host, port, tuple(ordered))


# -- the fetch ------------------------------------------------------------------------

def host_header(target: Target) -> str:
    """The `Host` of a pinned request: the URL's host (IPv6 literals bracketed), port if not default."""
    default_port = 443 if target.url.scheme == "https" else 80
    value = f"[{target.host}]" if ":" in target.host else target.host
    return value + (f":{target.port}" if target.port != default_port else "")


def server_root(value: str, what: str, refused: Callable[[str], Exception], *, alone: str) -> tuple[str, str]:
    """A server a user names (a Mastodon instance, a Bluesky PDS, a WordPress site), as Soku stores
    it: `(origin, path)`, the origin being the scheme, the lower-case host and the port when not
    the default, the path without its trailing slash. `example.com` alone means https://example.com.
    `what` names the address in messages ("the site address"); `alone` is the message for a URL
    carrying credentials, a query or a fragment. Raises `refused(message)`."""
    text = value.strip()
    if "://" not in text:
        text = f"https://{text}"
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise refused(f"{what} is not a URL") from None
    if url.scheme not in ("http", "https"):
        raise refused(f"{what} must be an https URL, not '{url.scheme}'")
    if url.userinfo or url.query or url.fragment:
        raise refused(alone)
    host = url.raw_host.decode("ascii").lower().rstrip(".")
    if not host:
        raise refused(f"{what} has no host")
    netloc = f"[{host}]" if ":" in host else host
    if url.port and url.port != (443 if url.scheme == "https" else 80):
        netloc += f":{url.port}"
    return f"{url.scheme}://{netloc}", url.path.rstrip("/")


def check_server(root: str, https_required: str) -> None:
    """Vet a server a user names (a Mastodon instance, a Bluesky PDS) before Soku sends it secrets:
    its addresses public now (check_url), and https unless SOKU_FETCH_ALLOWLIST admits it (a local
    sandbox or PDS). Raises FetchRefused, with `https_required` as the reason for plain http."""
    check_url(root)
    if not root.startswith("https://") and not allow_listed(root):
        raise FetchRefused(https_required)


class PinnedTransport(httpx.BaseTransport):
    """Each request vetted (check_url) and sent to the address just checked: a server a user names
    (a Mastodon instance, a Bluesky PDS) cannot point Soku elsewhere by changing what its name
    resolves to after the check. `refused(reason)` is the exception a refused URL raises."""

    def __init__(self, refused: Callable[[str], Exception], keepalive_s: float = 5.0) -> None:
        self._refused = refused
        self._inner = httpx.HTTPTransport(limits=httpx.Limits(keepalive_expiry=keepalive_s))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            target = check_url(request.url)
        except FetchRefused as refused:
            raise self._refused(refused.reason) from None
        last: httpx.ConnectError | None = None
        for ip in target.addresses:  # only a refused connect moves on: nothing was sent yet
            request.url = request.url.copy_with(host=str(ip))
            request.headers["Host"] = host_header(target)
            request.extensions = {**request.extensions, "sni_hostname": target.host}
            try:
                return self._inner.handle_request(request)
            except httpx.ConnectError as exc:
                last = exc
        raise last or httpx.ConnectError(f"could not connect to {target.host}")

    def close(self) -> None:
        self._inner.close()


def pinned_client(refused: Callable[[str], Exception], timeout: httpx.Timeout,
                  keepalive_s: float = 5.0) -> httpx.Client:
    """A client for a user-named server: every request pinned (PinnedTransport), no redirects, no
    proxy from the environment (a proxy would resolve the name elsewhere, beyond the check)."""
    return httpx.Client(transport=PinnedTransport(refused, keepalive_s), timeout=timeout,
                        follow_redirects=False, trust_env=False)


def _pinned_request(client: httpx.Client, target: Target, ip: IPAddress, method: str = "GET",
                    content: bytes | None = None, headers: dict[str, str] | None = None) -> httpx.Request:
    """A request whose TCP connection goes to `ip` while Host/SNI/cert name stay `host`."""
    url = target.url.copy_with(host=str(ip))
    return client.build_request(
        method, url, content=content,
        headers={"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity"}
        | (headers or {}) | {"Host": host_header(target)},
        # httpcore verifies the certificate against, and sends SNI for, this name.
        extensions={"sni_hostname": target.host},
    )


@dataclass
class RemoteFile:
    """An open response body, ready to stream."""

    final_url: str
    content_type: str | None  # as the server declared it
    content_length: int | None  # bytes iter_bytes will yield, when the server said so
    status_code: int
    _response: httpx.Response = field(repr=False)
    _max_bytes: int = field(repr=False, default=0)
    _deadline: float = field(repr=False, default=0.0)
    bytes_read: int = 0

    def iter_bytes(self, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        """Yield the body in chunks of `chunk_size` (the last may be shorter).

        Network reads are checked against the byte cap and the deadline as
        they arrive, not per re-assembled chunk, so a slow drip cannot hold
        the fetch open past the deadline.
        """
        pending = bytearray()
        try:
            for piece in self._response.iter_bytes():
                self.bytes_read += len(piece)
                if self.bytes_read > self._max_bytes:
                    raise FetchRefused(f"the file is larger than the {_human(self._max_bytes)} limit")
                if time.monotonic() > self._deadline:
                    raise FetchRefused("the download took longer than the time allowed")
                pending += piece
                while len(pending) >= chunk_size:
                    yield bytes(pending[:chunk_size])
                    del pending[:chunk_size]
        except httpx.TimeoutException:
            raise FetchRefused("the remote server stopped sending data (read timed out)") from None
        except httpx.HTTPError as exc:
            raise FetchRefused(f"the download was interrupted ({type(exc).__name__})") from None
        if pending:
            yield bytes(pending)


def _human(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} bytes"


def _send_pinned(client: httpx.Client, target: Target, **request: object) -> httpx.Response:
    last_error: Exception | None = None
    for ip in target.addresses:  # only a refused/unanswered connect moves on: nothing was sent
        try:
            return client.send(_pinned_request(client, target, ip, **request), stream=True)
        except httpx.ConnectTimeout as exc:
            last_error = exc
        except httpx.ConnectError as exc:
            last_error = exc
        except httpx.TimeoutException:
            raise FetchRefused(f"{target.host} did not answer in time") from None
        except httpx.HTTPError as exc:
            raise FetchRefused(f"request to {target.host} failed ({type(exc).__name__})") from None
    if isinstance(last_error, httpx.ConnectTimeout):
        raise FetchRefused(f"connecting to {target.host} timed out")
    if "CERTIFICATE_VERIFY_FAILED" in str(last_error):
        raise FetchRefused(f"the TLS certificate of {target.host} is not valid for it")
    raise FetchRefused(f"could not connect to {target.host}")


@contextlib.contextmanager
def open_remote(url: str, *, max_bytes: int | None = None,
                timeout: float | None = None) -> Iterator[RemoteFile]:
    """Open `url` safely and yield a `RemoteFile`; see the module docstring.

    `max_bytes` defaults to the `media_max_bytes` setting; `timeout` (seconds)
    overrides both the connect and the read timeout settings.
    """
    settings = get_settings()
    cap = settings.media_max_bytes if max_bytes is None else max_bytes
    connect = timeout if timeout is not None else settings.fetch_connect_timeout
    read = timeout if timeout is not None else settings.fetch_read_timeout
    deadline = time.monotonic() + settings.fetch_deadline
    allow = _allowlist()
    ports = _ports()
    # trust_env=False: a proxy from the environment would make the connection
    # (and the DNS lookup) happen elsewhere, beyond our checks.
    client = httpx.Client(timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=connect),
                          follow_redirects=False, trust_env=False)
    response: httpx.Response | None = None
    try:
        current: str | httpx.URL = url
        for hop in range(MAX_REDIRECTS + 1):
            target = check_url(current, allow, ports)
            response = _send_pinned(client, target)
            if response.status_code not in REDIRECT_STATUSES:
                break
            location = response.headers.get("Location")
            response.close()
            response = None
            if not location:
                raise FetchRefused(f"{target.host} sent a redirect without a Location")
            if hop == MAX_REDIRECTS:
                raise FetchRefused(f"too many redirects (more than {MAX_REDIRECTS})")
            try:
                current = target.url.join(location)
            except (httpx.InvalidURL, ValueError):
                raise FetchRefused(f"{target.host} redirected to a malformed URL") from None
            if target.url.scheme == "https" and current.scheme == "http":
                raise FetchRefused(f"{target.host} redirected from https to http; "
                                   "an https URL is never downgraded")
        assert response is not None
        if not 200 <= response.status_code < 300:
            raise FetchRefused(f"the remote server answered HTTP {response.status_code}")
        declared = response.headers.get("Content-Length")
        length = int(declared) if declared and declared.isdigit() else None
        if length is not None and length > cap:
            raise FetchRefused(f"the file is {_human(length)}, over the {_human(cap)} limit")
        if response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity"):
            # iter_bytes yields decoded bytes; the declared length counts encoded ones.
            length = None
        yield RemoteFile(
            final_url=str(target.url), content_type=response.headers.get("Content-Type"),
            content_length=length, status_code=response.status_code,
            _response=response, _max_bytes=cap, _deadline=deadline,
        )
    finally:
        if response is not None:
            response.close()
        client.close()


# -- a request whose answer matters only by its status (webhook deliveries) -----------

@dataclass(frozen=True)
class Answer:
    status_code: int
    excerpt: bytes  # the first bytes of the body, at most the cap asked for
    truncated: bool  # the body went on past the excerpt (it was not read further)


def send(method: str, url: str, *, content: bytes, headers: dict[str, str], timeout: float,
         max_answer_bytes: int = 4096, transport: httpx.BaseTransport | None = None) -> Answer:
    """One request to a caller-supplied URL under the same rules as `open_remote`.

    Checked and pinned like a fetch, redirects not followed (a 3xx is the answer),
    and the answer's body streamed only until `max_answer_bytes` (or `timeout`
    has passed since the headers came): a receiver cannot make us download, or
    wait for, more than that. Refusals and connection failures raise FetchRefused.
    """
    target = check_url(url)
    client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, transport=transport)
    try:
        response = _send_pinned(client, target, method=method, content=content, headers=headers)
        excerpt, truncated = bytearray(), False
        deadline = time.monotonic() + timeout
        try:
            for piece in response.iter_raw():
                excerpt += piece
                if len(excerpt) > max_answer_bytes or time.monotonic() > deadline:
                    truncated = True
                    break
        except httpx.HTTPError:
            truncated = True  # the status is what counts; a broken body stays an excerpt
        finally:
            response.close()
        return Answer(response.status_code, bytes(excerpt[:max_answer_bytes]), truncated)
    finally:
        client.close()
