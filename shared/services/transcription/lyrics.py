"""`likelyLyrics`: does a transcript read like a song rather than speech?

A heuristic on the text alone (documented in docs/transcription.md), built on what sets
sung lyrics apart in a transcript:

1. Whisper marks sung passages with music notes (♪ ♫ 🎵 🎶): any note means lyrics.
2. Otherwise, with fewer than `MIN_WORDS` words there is too little to tell: not lyrics.
3. Songs repeat themselves (choruses, hooks). `repetition` is the share of the
   transcript's word trigrams that occur more than once; in speech it stays
   low (a few per cent: "one of the", "you know what"), in a song with a
   chorus sung twice it is half or more.
4. Songs use vocables (la, na, oh, ooh, yeah, baby, …) far more than speech.

Lyrics when repetition ≥ 0.5, or when repetition ≥ 0.3 and at least one
word in ten is a vocable.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

MUSIC_NOTES = ("♪", "♫", "🎵", "🎶")
MIN_WORDS = 12
VOCABLES = frozenset({
    "la", "na", "da", "doo", "oh", "ooh", "ohh", "ah", "aah", "yeah", "hey", "whoa", "woah",
    "baby", "uh", "mm", "mmm", "ay", "yo", "sha",
})
REPETITION_ALONE = 0.5
REPETITION_WITH_VOCABLES = 0.3
VOCABLE_SHARE = 0.1

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class Signals:
    words: int
    repetition: float
    vocables: float
    music_notes: bool


def signals(text: str) -> Signals:
    words = _WORD.findall(text.lower())
    trigrams = list(zip(words, words[1:], words[2:]))
    counts = Counter(trigrams)
    repeated = sum(n for n in counts.values() if n > 1)
    return Signals(
        words=len(words),
        repetition=repeated / len(trigrams) if trigrams else 0.0,
        vocables=sum(word in VOCABLES for word in words) / len(words) if words else 0.0,
        music_notes=any(note in text for note in MUSIC_NOTES),
    )


def likely_lyrics(text: str) -> bool:
    found = signals(text)
    if found.music_notes:
        return True
    if found.words < MIN_WORDS:
        return False
    return found.repetition >= REPETITION_ALONE or (
        found.repetition >= REPETITION_WITH_VOCABLES and found.vocables >= VOCABLE_SHARE)
