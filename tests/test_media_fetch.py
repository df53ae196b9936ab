"""shared/adapters/safe_http.open_remote against real loopback origins.

Every refusal of a non-loopback address must happen before any connection:
the autouse `loopback_only` guard fails a test that even tries one. Loopback
itself is admitted only through the allow-list, which these tests empty when
loopback is the thing being refused.
"""

from __future__ import annotations

import datetime
import ssl

import certifi
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from shared.adapters import safe_http
from shared.adapters.safe_http import FetchRefused, open_remote
from tests.media_origin import JPEG_1PX, Origin, loopback_only, origin, settings_env  # noqa: F401

pytestmark = pytest.mark.usefixtures("stack")


def fetch(url: str, **kwargs) -> tuple[safe_http.RemoteFile, bytes]:
    with open_remote(url, **kwargs) as remote:
        body = b"".join(remote.iter_bytes(64 * 1024))
    return remote, body


def refused(url: str, **kwargs) -> str:
    with pytest.raises(FetchRefused) as caught:
        fetch(url, **kwargs)
    return caught.value.reason


@pytest.fixture
def empty_allowlist(settings_env):
    settings_env(SOKU_FETCH_ALLOWLIST="")


def test_streams_a_body_in_chunks(origin):
    data = bytes(range(256)) * 4096  # 1 MiB
    url = origin.add("/file.bin", body=data, headers={"Content-Type": "application/octet-stream"})
    with open_remote(url) as remote:
        chunks = list(remote.iter_bytes(300_000))
    assert b"".join(chunks) == data
    assert [len(c) for c in chunks] == [300_000, 300_000, 300_000, len(data) - 900_000]
    assert (remote.final_url, remote.content_type, remote.content_length) == (
        url, "application/octet-stream", len(data))
    assert origin.requests[0].headers["Host"] == f"127.0.0.1:{origin.port}"


def test_follows_up_to_five_redirects_and_no_more(origin):
    origin.add("/final.jpg", body=JPEG_1PX, headers={"Content-Type": "image/jpeg"})
    for i in range(1, 6):  # /r1 -> /r2 -> ... -> /r5 -> /final.jpg, relative and absolute
        target = "/final.jpg" if i == 5 else (f"/r{i + 1}" if i % 2 else origin.url(f"/r{i + 1}"))
        origin.redirect(f"/r{i}", target, status=(301, 302, 303, 307, 308)[i - 1])
    remote, body = fetch(origin.url("/r1"))
    assert body == JPEG_1PX and remote.final_url == origin.url("/final.jpg")

    origin.redirect("/r0", "/r1")  # six redirects
    assert refused(origin.url("/r0")) == "too many redirects (more than 5)"


@pytest.mark.parametrize("url, why", [
    ("http://10.0.0.1/a.jpg", "10.0.0.1 is a private network address"),
    ("http://192.168.0.10:8080/a.jpg", "192.168.0.10 is a private network address"),
    ("http://169.254.169.254/computeMetadata/v1/", "169.254.169.254 is the cloud metadata address"),
    ("http://[::1]/a.jpg", "::1 is a loopback address"),
    ("http://[fd00::1]/a.jpg", "fd00::1 is a private network address"),
    ("http://[fe80::1]/a.jpg", "fe80::1 is a link-local address"),
    ("http://[::ffff:169.254.169.254]/", "::ffff:169.254.169.254 is the cloud metadata address"),
    ("http://0.0.0.0/a.jpg", "0.0.0.0 is the unspecified address"),
    ("http://127.0.0.1/a.jpg", "127.0.0.1 is a loopback address"),
    ("http://2130706433/a.jpg", "2130706433 resolves to a non-public address"),
    ("http://localhost/a.jpg", "resolves to"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal is the cloud metadata server"),
])
def test_non_public_addresses_are_refused_before_connecting(url, why, empty_allowlist, loopback_only):
    reason = refused(url)
    assert why in reason, reason
    assert loopback_only == [], "nothing may be connected to"


@pytest.mark.parametrize("url, why", [
    ("ftp://example.com/a.jpg", "only http and https URLs can be fetched, not 'ftp'"),
    ("file:///etc/passwd", "only http and https URLs can be fetched, not 'file'"),
    ("gopher://example.com/", "only http and https URLs can be fetched, not 'gopher'"),
    ("http://user:secret@example.com/a.jpg", "URLs with embedded credentials are not accepted"),
])
def test_other_schemes_and_credentials_are_refused(url, why, loopback_only):
    assert refused(url) == why
    assert loopback_only == []


def test_hostnames_are_judged_by_every_address_they_resolve_to(monkeypatch, empty_allowlist, loopback_only,
                                                               caplog):
    answers = {"internal.example": ["10.1.2.3"], "mixed.example": ["8.8.8.8", "192.168.1.5"],
               "v6.example": ["fd12:3456::1"], "meta.example": ["169.254.169.254"]}
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: answers[host])
    # The refusal goes back to the caller: it must not reveal our internal DNS answers
    # (neither the address nor what kind of internal address it is). The log has them.
    for name, internal in [("internal.example", "10.1.2.3"), ("mixed.example", "192.168.1.5"),
                           ("v6.example", "fd12:3456::1"), ("meta.example", "169.254.169.254")]:
        reason = refused(f"https://{name}/a.jpg")
        assert reason == f"{name} resolves to a non-public address; only public addresses can be fetched"
        assert internal in caplog.text and name in caplog.text
    assert loopback_only == []


@pytest.mark.parametrize("url", ["http://public.example:8080/a.jpg", "https://public.example:8443/a.jpg",
                                 "http://public.example:22/", "https://[2606:4700::1111]:6379/"])
def test_only_ports_80_and_443_unless_configured(url, monkeypatch, empty_allowlist, loopback_only, settings_env):
    looked_up: list[str] = []
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: looked_up.append(host) or ["93.184.216.34"])
    port = httpx.URL(url).port
    assert refused(url) == f"only ports 80 and 443 can be fetched, not {port}"
    assert looked_up == [] and loopback_only == [], "refused before any DNS lookup or connection"
    # The standard ports stay open on either scheme; SOKU_FETCH_PORTS adds more.
    assert safe_http.check_url("http://public.example/a.jpg").port == 80
    assert safe_http.check_url("http://public.example:443/a.jpg").port == 443
    settings_env(SOKU_FETCH_PORTS=f"{port}")
    assert safe_http.check_url(url).port == port
    first, second, third = sorted({80, 443, port})
    assert refused("http://public.example:9001/") == f"only ports {first}, {second} and {third} can be fetched, not 9001"


def test_allowlisted_hosts_keep_any_port(monkeypatch, settings_env, loopback_only):
    # The local stack and tests fetch from loopback servers on random ports.
    settings_env(SOKU_FETCH_ALLOWLIST="cdn.example,127.0.0.0/8")
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: ["127.0.0.1"])
    assert safe_http.check_url("http://cdn.example:12345/a.jpg").port == 12345
    assert safe_http.check_url("http://127.0.0.2:23456/a.jpg").port == 23456
    assert safe_http.check_url("http://localhost:34567/a.jpg").port == 34567  # resolves into the network
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: ["127.0.0.1", "93.184.216.34"])
    # Not every address is allow-listed: the public one gets the public rules, ports included.
    assert refused("http://mixed.example:34567/a.jpg") == "only ports 80 and 443 can be fetched, not 34567"


def test_dns_rebinding_cannot_swap_the_checked_address(monkeypatch, origin, settings_env, loopback_only):
    # The first answer is admitted (127.0.0.1 is allow-listed); every later
    # answer is the metadata server. The fetch must resolve once and connect
    # to the address it checked.
    settings_env(SOKU_FETCH_ALLOWLIST="127.0.0.1")
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"] if len(calls) == 1 else ["169.254.169.254"]

    monkeypatch.setattr(safe_http, "resolve", rebinding)
    origin.add("/pic.jpg", body=JPEG_1PX)
    remote, body = fetch(f"http://rebind.example:{origin.port}/pic.jpg")
    assert body == JPEG_1PX
    assert calls == ["rebind.example"]
    assert set(loopback_only) == {"127.0.0.1"}
    # The origin saw the real host name; only the socket went to the checked IP.
    assert origin.requests[-1].headers["Host"] == f"rebind.example:{origin.port}"
    assert remote.final_url == f"http://rebind.example:{origin.port}/pic.jpg"


@pytest.mark.parametrize("location", [
    "http://10.0.0.1/internal", "http://169.254.169.254/latest/meta-data/", "http://[::1]:{port}/secret",
    "http://[fd00::1]/x", "http://127.0.0.1:{port}/secret", "file:///etc/passwd",
])
def test_a_redirect_from_an_admitted_host_to_a_private_one_is_refused(location, monkeypatch, origin,
                                                                      settings_env, loopback_only):
    # cdn.example stands for a public host: admitted by name, it resolves to the
    # loopback origin. Its redirect to a private address must still be refused.
    settings_env(SOKU_FETCH_ALLOWLIST="cdn.example")
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: ["127.0.0.1"])
    origin.add("/secret", body=b"internal data")
    origin.redirect("/start.jpg", location.format(port=origin.port))
    reason = refused(f"http://cdn.example:{origin.port}/start.jpg")
    assert "only public addresses" in reason or "only http and https" in reason, reason
    assert [r.path for r in origin.requests] == ["/start.jpg"]


def test_declared_size_over_the_cap_is_refused_before_reading(origin):
    url = origin.add("/big.bin", body=b"x" * 5000)
    assert refused(url, max_bytes=4096) == "the file is 4.88281 KiB, over the 4 KiB limit"


def test_undeclared_size_is_capped_while_streaming(origin):
    url = origin.add("/stream.bin", body=lambda: (b"y" * 1024 for _ in range(64)), chunked=True)
    with open_remote(url, max_bytes=10 * 1024) as remote:
        received = 0
        with pytest.raises(FetchRefused) as caught:
            for chunk in remote.iter_bytes(1024):
                received += len(chunk)
    assert caught.value.reason == "the file is larger than the 10 KiB limit"
    assert received <= 10 * 1024 and remote.bytes_read <= 11 * 1024
    assert fetch(url, max_bytes=64 * 1024)[1] == b"y" * 64 * 1024  # at the cap: fine


def test_timeouts_and_broken_origins(origin, settings_env):
    slow = origin.add("/slow", body=lambda: iter([b"a", b"b"]), chunked=True, delay_per_chunk=1.0)
    assert refused(slow, timeout=0.3) == "the remote server stopped sending data (read timed out)"

    settings_env(SOKU_FETCH_DEADLINE="0.5")  # each piece is on time, the whole is not
    drip = origin.add("/drip", body=lambda: (b"z" for _ in range(20)), chunked=True, delay_per_chunk=0.1)
    assert refused(drip) == "the download took longer than the time allowed"

    short = origin.add("/short", body=b"only this", declared_length=1000)
    assert refused(short).startswith("the download was interrupted")
    assert refused(origin.url("/missing")) == "the remote server answered HTTP 404"

    closed_port = origin.port
    origin.stop()
    assert refused(f"http://127.0.0.1:{closed_port}/gone") == "could not connect to 127.0.0.1"


def _certificate(name: str, issuer_key=None, issuer_name=None, ca: bool = False):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name or subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(hours=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
    return key, builder.sign(issuer_key or key, hashes.SHA256())


@pytest.fixture
def tls_origin(tmp_path, monkeypatch):
    """An https origin on loopback whose certificate names media.test, issued by a test CA
    that the fetcher trusts (certifi's bundle is swapped for it)."""
    ca_key, ca_cert = _certificate("Soku test CA", ca=True)
    key, cert = _certificate("media.test", ca_key, ca_cert.subject)
    (tmp_path / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    monkeypatch.setattr(certifi, "where", lambda: str(tmp_path / "ca.pem"))
    server = Origin(tls=context).start()
    yield server
    server.stop()


def test_https_is_pinned_to_the_checked_address_with_the_real_name(tls_origin, monkeypatch, settings_env):
    # media.test resolves to loopback (admitted by name); the TLS handshake must
    # still present and verify the name media.test, not the IP we connect to.
    settings_env(SOKU_FETCH_ALLOWLIST="media.test,wrong.test")
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: ["127.0.0.1"])
    tls_origin.add("/pic.jpg", body=JPEG_1PX)
    remote, body = fetch(f"https://media.test:{tls_origin.port}/pic.jpg")
    assert body == JPEG_1PX and remote.final_url == f"https://media.test:{tls_origin.port}/pic.jpg"
    assert tls_origin.requests[-1].headers["Host"] == f"media.test:{tls_origin.port}"
    # Same server, another name: the certificate does not match, so it is refused.
    assert refused(f"https://wrong.test:{tls_origin.port}/pic.jpg") == \
        "the TLS certificate of wrong.test is not valid for it"


def test_https_never_redirects_to_http(tls_origin, origin, monkeypatch, settings_env):
    settings_env(SOKU_FETCH_ALLOWLIST="media.test,127.0.0.1")
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: ["127.0.0.1"])
    plain = origin.add("/pic.jpg", body=JPEG_1PX)
    tls_origin.redirect("/start.jpg", plain)
    assert refused(f"https://media.test:{tls_origin.port}/start.jpg") == \
        "media.test redirected from https to http; an https URL is never downgraded"
    assert origin.requests == [], "the http URL was never requested"
    # https -> https and http -> https are followed as before.
    tls_origin.add("/final.jpg", body=JPEG_1PX)
    tls_origin.redirect("/hop.jpg", "/final.jpg")
    assert fetch(f"https://media.test:{tls_origin.port}/hop.jpg")[1] == JPEG_1PX
    origin.redirect("/up.jpg", f"https://media.test:{tls_origin.port}/final.jpg")
    assert fetch(origin.url("/up.jpg"))[1] == JPEG_1PX
