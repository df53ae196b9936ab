"""X's weighted length (shared.text_counting) agrees with X's own twitter-text.

The oracle is the npm package twitter-text 3.1.0, pinned in devstack/node (installed by
`make tools`), run by tests/oracles/twitter_text_oracle.js: one process answers a whole
batch. A missing node or package fails these tests with what to run; it does not skip.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from shared.platforms import RULES, Platform, text_length, x_weighted_length
from shared.text_counting import parse_tweet

ROOT = Path(__file__).resolve().parent.parent
ORACLE = ROOT / "tests" / "oracles" / "twitter_text_oracle.js"
CONFORMANCE = json.loads((ROOT / "tests" / "data" / "twitter_text_conformance.json").read_text("utf-8"))


def oracle(texts: list[str]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH: the twitter-text oracle needs Node 20 (`make test` expects it)")
    package = ROOT / "devstack" / "node" / "node_modules" / "twitter-text" / "package.json"
    if not package.exists():
        pytest.fail(f"{package.relative_to(ROOT)} is missing: run `make tools` (npm ci in devstack/node)")
    stdin = "".join(json.dumps(t) + "\n" for t in texts)
    run = subprocess.run([node, str(ORACLE)], input=stdin, capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        pytest.fail(f"twitter-text oracle exited {run.returncode}: {run.stderr.strip()}")
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(answers) == len(texts), run.stderr
    return answers


# --- twitter-text's conformance cases ---------------------------------------------------

@pytest.mark.parametrize("case", CONFORMANCE["v3"] + CONFORMANCE["v3_directional"],
                         ids=lambda c: c["description"])
def test_conformance_weighted_length(case):
    """validate.yml's WeightedTweetsWithDiscountedEmojiCounterTest and
    UnicodeDirectionalMarkerCounterTest (configuration v3), derived into tests/data."""
    got = parse_tweet(case["text"])
    assert (got.weighted_length, got.valid, got.permillage) == (
        case["weightedLength"], case["valid"], case["permillage"])


def test_conformance_texts_agree_with_the_oracle():
    cases = CONFORMANCE["v3"] + CONFORMANCE["v3_directional"] + CONFORMANCE["v2_texts_only"]
    texts = [c["text"] for c in cases]
    for case, answer in zip(cases, oracle(texts)):
        got = parse_tweet(case["text"])
        assert (got.weighted_length, got.valid, got.permillage) == (
            answer["weightedLength"], answer["valid"], answer["permillage"]), case["description"]


# --- 10,000 generated strings -----------------------------------------------------------

_EMOJI = [
    "😀", "🐱", "🔥", "💩", "❤️", "❤", "☺", "☺️", "☺︎", "✌", "✌️", "✌🏽", "👍🏻", "👍🏿", "🙋🏽", "🏋️‍♀️",
    "👨‍👩‍👧‍👦", "👩‍❤️‍💋‍👨", "👨‍💻", "👩🏾‍🚀", "🧑‍🤝‍🧑", "👁️‍🗨️", "🏳️‍🌈", "🏴‍☠️", "❤️‍🔥", "🫠", "🥹",
    "🇯🇵", "🇺🇸", "🇫🇷", "🇦🇦", "🇿", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "1️⃣", "#️⃣", "*️⃣", "1⃣", "©", "©️", "®️", "™️", "‼️", "🏻", "\u200d", "\ufe0f", "\ufe0e", "👍\u200d👍",
    "🤪", "🧕🏾", "🦸‍♂️", "🦰", "👨‍🦰", "🐈‍⬛", "🫱🏻‍🫲🏿",
]
_CJK = "日本語中文한국어ひらがなカタカナ漢字のを"
_LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:!?'\"()-_/&%+="
_ACCENTED = "éèüöçñøåßÀÉÖĀŁŒſıİǅ"
_OTHER = "абвгдежзАБВГДЕЁЖ αβγδΩ עברית العربية हिन्दी ไทย ✓★→…–—“”‘’•€£¥ \u2013\u2032\u2033\u2066\u202a\u200e"
_COMBINING = "\u0301\u0300\u0308\u0327\u0303\u20dd\u0345"
_TLDS = ["com", "org", "net", "co", "jp", "io", "dev", "app", "museum", "co.uk", "xyz", "invalid", "local",
         "みんな", "рф", "xn--p1ai", "t", "COM", "Com", "ελ", "ไทย"]
_SPACES = [" ", "  ", "\n", "\n\n", "\t", "\u3000", "\u00a0", "\r\n"]


def _url(rng: random.Random) -> str:
    scheme = rng.choice(["", "", "http://", "https://", "HTTPS://", "ftp://", "www."])
    sub = rng.choice(["", "www.", "a.b.", "sub-domain.", "x_y.", "日本.", "café.", "-bad."])
    name = rng.choice(["example", "t", "bit", "foo-bar", "a", "twitter", "ü", "☃", "xn--bcher-kva", "e" * 70, "123"])
    tld = rng.choice(_TLDS)
    port = rng.choice(["", "", ":8080"])
    path = rng.choice(["", "", "/", "/path/to/x", "/a_(b)", "/a(b(c)d)", "/Русские_слова", "/é", "/x.",
                       "/@user/", "/#!/x", "/%20", "/x?y", "/a,b"])
    query = rng.choice(["", "", "?q=1&lang=en", "?a=b.", "?x=$1;y", "?"])
    if scheme.startswith("http") and name == "t" and tld == "co":
        path = rng.choice(["/abcDEF123", "/" + "a" * 41, "/abc?x=1", "/abc/def"])
    return scheme + sub + name + "." + tld + port + path + query


def _piece(rng: random.Random) -> str:
    kind = rng.randrange(14)
    if kind == 0:
        return rng.choice(_EMOJI)
    if kind == 1:
        return "".join(rng.choice(_EMOJI) for _ in range(rng.randint(2, 5)))
    if kind == 2:
        return "".join(rng.choice(_CJK) for _ in range(rng.randint(1, 8)))
    if kind == 3:
        return "".join(rng.choice(_LATIN) for _ in range(rng.randint(1, 12)))
    if kind == 4:
        return rng.choice(_LATIN[:52] + _ACCENTED) + "".join(rng.choice(_COMBINING) for _ in range(rng.randint(1, 3)))
    if kind == 5:
        return "".join(rng.choice(_OTHER) for _ in range(rng.randint(1, 6)))
    if kind in (6, 7):
        return _url(rng)
    if kind == 8:
        return rng.choice(["@", "＠", "$", "#", "＃", "-", "_", ".", "/", "a", "é"]) + _url(rng)
    if kind == 9:
        return "@" + rng.choice(["user", "jack", "x_y", "a" * 20]) + rng.choice(["", "/list", ".com"])
    if kind == 10:
        return "$" + rng.choice(["TWTR", "AAPL", "btc", "X.Y"])
    if kind == 11:
        return "#" + rng.choice(["hashtag", "日本", "ашок", "1st", "a_b"])
    if kind == 12:
        return rng.choice(_ACCENTED) + rng.choice(["\ufeff", "\ufffe", "\uffff", "e\u0301", "A\u030a", "\u212b"])
    return rng.choice(_SPACES)


def generated_texts(count: int = 10_000, seed: int = 37) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for k in range(count):
        pieces = [_piece(rng) for _ in range(rng.randint(1, 12))]
        glue = rng.choice(["", " ", "\n", rng.choice(_SPACES)])
        text = glue.join(pieces)
        if k % 50 == 0:  # near and past the limit
            text = (text + " ") * (300 // max(1, len(text)) + 1)
        texts.append(text)
    return texts


def test_ten_thousand_generated_strings_agree_with_twitter_text(capsys):
    texts = generated_texts()
    answers = oracle(texts)
    disagree = []
    for text, answer in zip(texts, answers):
        got = parse_tweet(text)
        ours = (text_length(Platform.X, text), got.valid, got.permillage)  # what POST /v1/posts checks
        if ours != (answer["weightedLength"], answer["valid"], answer["permillage"]):
            disagree.append((text, ours[0], answer["weightedLength"]))
    agreed = len(texts) - len(disagree)
    summary = f"twitter-text agreement: {agreed}/{len(texts)}"
    with capsys.disabled():
        print("\n" + summary)
    assert not disagree, summary + "; first disagreements (text, ours, twitter-text): " + repr(disagree[:5])


def test_every_emoji_sequence_alone_and_before_vs15_agrees():
    """Each sequence of the generated table, alone, before U+FE0E, after a letter."""
    from shared import x_text_tables

    sequences = x_text_tables.EMOJI + x_text_tables.EMOJI_UNLESS_VS15
    texts = [t for s in sequences for t in (s, s + "\ufe0e", "a" + s + "b")]
    answers = oracle(texts)
    disagree = [t for t, a in zip(texts, answers) if x_weighted_length(t) != a["weightedLength"]]
    assert not disagree, f"{len(disagree)}/{len(texts)} disagree, e.g. {disagree[:5]!r}"


# --- named cases the issue lists ----------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("👨‍👩‍👧‍👦", 2),  # a ZWJ family is one emoji
    ("🇯🇵", 2),  # a flag
    ("👍🏽", 2),  # a skin tone
    ("1️⃣", 2),  # a keycap
    ("example.com", 23),  # a URL without a scheme
    ("see example.com/path?q=1 now", 4 + 23 + 4),
    ("example.invalid", 15),  # not a TLD twitter-text knows
    ("@example.com", 12),  # not a URL after @
    ("$TWTR #tag @user", 16),
    ("e\u0301", 1),  # NFC: é
    ("日本", 4),
])
def test_named_cases(text, expected):
    assert x_weighted_length(text) == expected
    assert text_length(Platform.X, text) == expected
    assert oracle([text])[0]["weightedLength"] == expected


def test_x_rules_use_the_weighted_length():
    assert RULES[Platform.X].max_text == 280


def test_youtube_counts_the_description_in_utf8_bytes():
    """YouTube: "maximum length of 5000 bytes" (developers.google.com/youtube/v3/docs/videos)."""
    from shared.errors import ValidationError
    from shared.services.posts.checks import check_content
    from shared.services.posts.targets import Target

    assert RULES[Platform.YOUTUBE].text_unit == "bytes"
    assert text_length(Platform.YOUTUBE, "é日😀") == 2 + 3 + 4
    assert text_length(Platform.LINKEDIN, "é日😀") == 3
    fits, over = "日" * 1666 + "ab", "日" * 1667  # 5000 and 5001 bytes, 1668 and 1667 characters
    assert text_length(Platform.YOUTUBE, fits) == 5000 and text_length(Platform.YOUTUBE, over) == 5001

    class Plan:
        media_type, videos, images = "video", ["v"], []

    target = Target.__new__(Target)
    object.__setattr__(target, "platform", Platform.YOUTUBE)
    check_content(fits, Plan(), [target])
    with pytest.raises(ValidationError) as refused:
        check_content(over, Plan(), [target])
    assert "YouTube allows at most 5000 bytes; this text has 5001" in str(refused.value.details)


@pytest.mark.parametrize("text, expected", [
    ("abc", 3),
    ("日本", 2),  # not emoji: one each
    ("\u2764", 3), ("\u2764\ufe0f", 6),  # BMP emoji and VS16: 3 bytes each
    ("\U0001fae0", 4),  # newer than twemoji-parser's set, still an emoji block
    ("\U0001f1ef\U0001f1f5", 8),  # a flag: two regional indicators
    ("\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466", 25),  # 4 x 4 + 3 x 3
])
def test_threads_counts_emoji_as_their_utf8_bytes(text, expected):
    """Threads: "Emojis are counted as the number of UTF-8 bytes"
    (developers.facebook.com/documentation/threads/posts)."""
    assert text_length(Platform.THREADS, text) == expected


def test_tiktok_counts_utf16_code_units():
    """TikTok: "max 2200 UTF-16 runes" (developers.tiktok.com/doc/content-posting-api-reference-direct-post)."""
    assert text_length(Platform.TIKTOK, "ab日") == 3
    assert text_length(Platform.TIKTOK, "\U0001f600") == 2
    assert text_length(Platform.TIKTOK, "\U0001f600" * 1100) == 2200
    assert text_length(Platform.TIKTOK, "\U0001f600" * 1100 + "a") == 2201


def test_the_refusal_names_the_unit():
    from shared.errors import ValidationError
    from shared.services.posts.checks import check_content
    from shared.services.posts.targets import Target

    class Plan:
        media_type, videos, images = "text", [], []

    target = Target.__new__(Target)
    object.__setattr__(target, "platform", Platform.THREADS)
    check_content("\U0001f600" * 125, Plan(), [target])  # 500
    with pytest.raises(ValidationError) as refused:
        check_content("\U0001f600" * 125 + "a", Plan(), [target])
    assert ("Threads allows at most 500 characters (an emoji counts its UTF-8 bytes); this text has 501"
            in str(refused.value.details))
