"""Pure logic of media: content sniffing, Drive links, the address policy, ranges."""

from __future__ import annotations

import ipaddress
import struct

import pytest

from shared.adapters.safe_http import AllowList, non_public_reason
from shared.errors import SokuError
from shared.services.media import drive
from shared.services.media.sniff import describe_unknown, sniff
from shared.web.byte_ranges import MAX_RANGES, parse_ranges
from tests.media_origin import JPEG_1PX, mp4, png


def _ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00" * 64


@pytest.mark.parametrize("head, content_type, ext", [
    (JPEG_1PX, "image/jpeg", "jpg"),
    (png(), "image/png", "png"),
    (b"GIF89a\x01\x00\x01\x00", "image/gif", "gif"),
    (b"GIF87a\x01\x00\x01\x00", "image/gif", "gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp", "webp"),
    (_ftyp(b"heic", b"mif1", b"heic"), "image/heic", "heic"),
    (_ftyp(b"mif1", b"heic"), "image/heic", "heic"),
    (_ftyp(b"mif1", b"miaf"), "image/heif", "heif"),
    (mp4(200), "video/mp4", "mp4"),
    (_ftyp(b"mp42", b"isom"), "video/mp4", "mp4"),
    (_ftyp(b"qt  ", b"qt  "), "video/quicktime", "mov"),
    (struct.pack(">I", 8) + b"wide" + b"\x00" * 16, "video/quicktime", "mov"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm", "webm"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg", "mp3"),
    (b"\xff\xfb\x90\x64" + b"\x00" * 8, "audio/mpeg", "mp3"),  # MPEG-1 layer III frame
    (_ftyp(b"M4A ", b"isom"), "audio/mp4", "m4a"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav", "wav"),
    (b"OggS\x00\x02" + b"\x00" * 20, "audio/ogg", "ogg"),
])
def test_formats_are_recognised_from_their_bytes(head, content_type, ext):
    detected = sniff(head)
    assert detected is not None and (detected.content_type, detected.ext) == (content_type, ext)


@pytest.mark.parametrize("head", [
    b"", b"<!DOCTYPE html><html>", b"%PDF-1.7\n", b"PK\x03\x04zip", b"MZ\x90\x00",
    b"\x7fELF\x02\x01", b"{\"error\": 1}",
    _ftyp(b"avif", b"mif1"), _ftyp(b"mif1", b"avif"),  # AVIF: not publishable
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska",  # MKV
    b"\xff\xf1\x50\x80\x00\x1f\xfc",  # ADTS AAC: MPEG sync but layer 00
    b"RIFF\x24\x00\x00\x00AVI LIST",
])
def test_anything_else_is_not_accepted(head):
    assert sniff(head) is None


def test_refusal_message_says_what_the_file_looked_like():
    assert "a web page (HTML)" in describe_unknown(b"<!doctype html><title>x", "text/html; charset=utf-8")
    assert "(the server called it text/html)" in describe_unknown(b"<html>", "text/html; charset=utf-8")
    assert "accepted: JPEG, PNG" in describe_unknown(b"%PDF", None)


@pytest.mark.parametrize("url, file_id", [
    ("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz012345/view?usp=sharing",
     "1AbCdEfGhIjKlMnOpQrStUvWxYz012345"),
    ("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view", "1AbCdEfGhIjKlMnOp"),
    ("https://drive.google.com/file/u/0/d/1AbCdEfGhIjKlMnOp/edit", "1AbCdEfGhIjKlMnOp"),
    ("https://drive.google.com/open?id=1AbCdEfGhIjKlMnOp", "1AbCdEfGhIjKlMnOp"),
    ("https://drive.google.com/uc?id=1AbCdEfGhIjKlMnOp&export=view", "1AbCdEfGhIjKlMnOp"),
    ("https://docs.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOp", "1AbCdEfGhIjKlMnOp"),
])
def test_drive_share_links_become_direct_downloads(url, file_id):
    assert drive.to_direct_download(url) == (
        f"https://drive.usercontent.google.com/download?id={file_id}&export=download&confirm=t")


def test_drive_resource_key_is_kept_and_other_urls_are_untouched():
    url = "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing&resourcekey=0-abc_DEF"
    assert drive.to_direct_download(url).endswith("&confirm=t&resourcekey=0-abc_DEF")
    for other in ("https://example.com/file/d/1AbCdEfGhIjKlMnOp/view", "https://example.com/a.jpg",
                  "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp",
                  "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOp/edit"):
        assert drive.to_direct_download(other) == other


@pytest.mark.parametrize("address, reason", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("192.168.1.1", "private"),
    ("fd00::1", "private"), ("fc00::1", "private"),
    ("169.254.169.254", "metadata"), ("fd00:ec2::254", "metadata"),
    ("169.254.10.10", "link-local"), ("fe80::1", "link-local"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("100.64.0.1", "non-public"), ("198.18.0.1", "private"), ("240.0.0.1", "private"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "metadata"),
    ("::ffff:10.1.2.3", "private"), ("64:ff9b::a9fe:a9fe", "metadata"),
    ("2002:7f00:0001::1", "loopback"),  # 6to4 wrapping 127.0.0.1
    ("2001:0000:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
])
def test_non_public_addresses_are_named(address, reason):
    why = non_public_reason(ipaddress.ip_address(address))
    assert why is not None and reason in why


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "142.250.1.1"])
def test_public_addresses_pass(address):
    assert non_public_reason(ipaddress.ip_address(address)) is None


def test_allow_list_takes_hosts_and_networks():
    allow = AllowList.parse("127.0.0.1, localhost, 10.9.0.0/16,[::1]")
    assert allow.admits("anything", ipaddress.ip_address("127.0.0.1"))
    assert allow.admits("localhost", ipaddress.ip_address("127.0.0.2"))
    assert allow.admits("x", ipaddress.ip_address("10.9.3.4"))
    assert allow.admits("x", ipaddress.ip_address("::1"))
    assert not allow.admits("x", ipaddress.ip_address("10.8.0.1"))
    assert not AllowList.parse("").admits("localhost", ipaddress.ip_address("127.0.0.1"))


@pytest.mark.parametrize("header, expected", [
    (None, None), ("bytes=0-0", [(0, 0)]), ("bytes=10-19", [(10, 19)]), ("bytes=90-", [(90, 99)]),
    ("bytes=-5", [(95, 99)]), ("bytes=-500", [(0, 99)]), ("bytes=50-5000", [(50, 99)]),
    ("bytes=0-1,5-6", [(0, 1), (5, 6)]), ("bytes=50-59, 0-9", [(50, 59), (0, 9)]),  # in the order asked
    ("bytes=0-9,10-19", [(0, 9), (10, 19)]),  # adjacent is not overlapping
    ("bytes=0-9,200-300", [(0, 9)]),  # a range past the end is dropped, the others stand
    ("items=0-5", None), ("bytes=abc", None), ("bytes=5-2", None), ("bytes=-", None),
    ("bytes=0-1,5-2", None),  # one invalid range: the header is ignored (the whole file)
])
def test_range_header_parsing(header, expected):
    assert parse_ranges(header, 100) == expected


@pytest.mark.parametrize("header, reason", [
    ("bytes=100-", "beyond_end"), ("bytes=250-300", "beyond_end"), ("bytes=-0", "beyond_end"),
    ("bytes=100-,200-", "beyond_end"),
    ("bytes=0-9,0-9", "overlapping_ranges"), ("bytes=0-50,50-60", "overlapping_ranges"),
    ("bytes=0-,-10", "overlapping_ranges"), ("bytes=10-20,0-99", "overlapping_ranges"),
    ("bytes=" + ",".join(f"{i}-{i}" for i in range(MAX_RANGES + 1)), "too_many_ranges"),
])
def test_unsatisfiable_ranges(header, reason):
    with pytest.raises(SokuError) as caught:
        parse_ranges(header, 100)
    assert caught.value.status == 416 and caught.value.headers["Content-Range"] == "bytes */100"
    assert caught.value.details["reason"] == reason
