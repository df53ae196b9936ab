"""What a file really is, from its first bytes (magic numbers), not its name or header.

Servers mislabel files all the time (`application/octet-stream`,
`text/plain` for an MP4, `.jpg` URLs that return HTML error pages), and a
platform rejects a post late and obscurely when the bytes are not what the
content type claims. So the stored content type and extension come from the
bytes, and only formats we can publish (or transcribe: audio) are accepted.
Hand-written rather than a library: the set is small and fixed, and each
rule below is the format's published signature.
"""

from __future__ import annotations

from dataclasses import dataclass

SNIFF_BYTES = 4096  # enough for every signature below, including a WebM DocType


@dataclass(frozen=True)
class Detected:
    content_type: str
    ext: str

    @property
    def kind(self) -> str:  # "image" | "video" | "audio"
        return self.content_type.split("/", 1)[0]


JPEG = Detected("image/jpeg", "jpg")
PNG = Detected("image/png", "png")
GIF = Detected("image/gif", "gif")
WEBP = Detected("image/webp", "webp")
HEIC = Detected("image/heic", "heic")
HEIF = Detected("image/heif", "heif")
MP4 = Detected("video/mp4", "mp4")
MOV = Detected("video/quicktime", "mov")
WEBM = Detected("video/webm", "webm")
MP3 = Detected("audio/mpeg", "mp3")
M4A = Detected("audio/mp4", "m4a")
WAV = Detected("audio/wav", "wav")
OGG = Detected("audio/ogg", "ogg")

ALL = (JPEG, PNG, GIF, WEBP, HEIC, HEIF, MP4, MOV, WEBM, MP3, M4A, WAV, OGG)
EXTENSIONS = frozenset(d.ext for d in ALL)

# ISO base media file format (ftyp box) brands.
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A "}
_MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso8", b"iso9", b"mp41", b"mp42",
    b"mp71", b"avc1", b"dash", b"mmp4", b"M4V ", b"M4VH", b"M4VP", b"MSNV", b"NDAS", b"NDSC",
    b"NDSH", b"NDSM", b"NDSP", b"NDSS", b"NDXC", b"NDXH", b"NDXM", b"NDXP", b"NDXS", b"f4v ",
    b"XAVC", b"3gp4", b"3gp5", b"3gp6", b"3g2a",
}
# QuickTime files written before ftyp existed start straight with one of these atoms.
_QT_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def _ftyp(head: bytes) -> Detected | None:
    size = int.from_bytes(head[0:4], "big")
    major = head[8:12]
    # Compatible brands follow major brand + minor version, to the box's end.
    end = min(size if size >= 16 else 16, len(head))
    compatible = {head[i:i + 4] for i in range(16, end - 3, 4)}
    brands = {major} | compatible
    if major in _HEIC_BRANDS:
        return HEIC
    if major in _HEIF_BRANDS:
        if b"avif" in brands or b"avis" in brands:
            return None  # AVIF: not accepted by the platforms we publish to
        return HEIC if brands & _HEIC_BRANDS else HEIF
    if major in _AUDIO_BRANDS:
        return M4A
    if major == b"qt  ":
        return MOV
    if major in _MP4_BRANDS or brands & {b"isom", b"mp41", b"mp42"}:
        return MP4
    return None


def _mp3_frame(head: bytes) -> bool:
    # MPEG audio frame sync: 11 set bits, then version (not "reserved") and
    # layer III; ADTS AAC shares the sync but has layer 00.
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 0xF) and sample_rate != 0b11


def sniff(head: bytes) -> Detected | None:
    """The format of a file from its first bytes (ideally `SNIFF_BYTES`), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and len(head) >= 12:
        if head[8:12] == b"WEBP":
            return WEBP
        if head[8:12] == b"WAVE":
            return WAV
        return None
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return _ftyp(head)
    if len(head) >= 8 and head[4:8] in _QT_ATOMS and int.from_bytes(head[0:4], "big") >= 8:
        return MOV
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML: Matroska and WebM share it; the DocType element says which.
        return WEBM if b"webm" in head[:SNIFF_BYTES] else None
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"ID3") or _mp3_frame(head):
        return MP3
    return None


def describe_unknown(head: bytes, declared: str | None) -> str:
    """Why a file was refused, naming what it looks like when that helps the caller."""
    text = head[:512].lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text:
        what = "a web page (HTML), not a media file"
    elif text.startswith((b"{", b"[")):
        what = "JSON, not a media file"
    elif not head:
        what = "empty"
    else:
        what = "not an image, video or audio format we can publish"
    said = f" (the server called it {declared.split(';')[0].strip()})" if declared else ""
    return (f"the file is {what}{said}; accepted: JPEG, PNG, GIF, WebP, HEIC, MP4, MOV, "
            f"WebM, MP3, M4A, WAV, OGG")
