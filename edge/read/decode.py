"""From CTC probabilities to plate text: per-character confidence, alternatives, grammar.

The recogniser knows 6,600 characters; a plate uses about 70. Reading a plate is therefore
a best-path CTC decode followed by plate knowledge: separators and frame marks are dropped,
and each character keeps what `grammar` needs to repair it: its second choices and the best
province and letter the network saw at that step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from checkpoint.plates import PROVINCES, normalize

logger = logging.getLogger(__name__)

_PLATE_CHARS = (
    frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") | PROVINCES | frozenset("使警学挂港澳领应急")
)
_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")
_SEPARATORS = frozenset("·•・‧-._/| :：")
_MIN_SUBSTITUTE = 0.02


@dataclass(frozen=True, slots=True)
class CharRead:
    """One emitted character, its confidence and the step's distribution over plate chars."""

    char: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    """Other plate characters at this step, most likely first (at most 3)."""
    provinces: tuple[str, float]
    """The most likely province character at this step and its probability."""
    letter: tuple[str, float]
    """The most likely letter (never I or O) at this step and its probability."""
    other_provinces: tuple[tuple[str, float], ...] = ()
    """The next most likely provinces at this step (at most 2), most likely first."""


class CTCDecoder:
    """Best-path CTC decoding restricted to what can appear on a plate."""

    def __init__(self, charset: tuple[str, ...]) -> None:
        self._charset = charset
        folded = [normalize(c) if c else "" for c in charset]
        self._plate = np.array([i for i, c in enumerate(folded) if c in _PLATE_CHARS])
        self._plate_chars = [folded[i] for i in self._plate]
        self._province = np.array([i for i, c in enumerate(folded) if c in PROVINCES])
        self._letter = np.array([i for i, c in enumerate(folded) if c in _LETTERS])
        self._folded = folded

    def decode(self, probs: np.ndarray) -> list[CharRead]:
        """Collapse repeats and blanks; keep only plate characters.

        Args:
            probs: float32 (T, C) from `TextRecognizer`.

        Returns:
            The characters read, left to right (separators and other symbols dropped);
            each with the highest probability it had over its run of steps.
        """
        best = probs.argmax(axis=1)
        reads: list[CharRead] = []
        previous = 0
        for step, argmax in enumerate(best):
            index = int(argmax)
            char = self._folded[index]
            if index == 0 or not char or char in _SEPARATORS:
                previous = index
                continue
            if char not in _PLATE_CHARS:
                # a look-alike outside the plate alphabet (三 for E): take the best plate
                # character at this step, if the network gave it any weight
                plate_index = int(self._plate[probs[step, self._plate].argmax()])
                if probs[step, plate_index] < _MIN_SUBSTITUTE:
                    previous = index
                    continue
                index = plate_index
            read = self._char_read(probs[step], index)
            if index != previous or not reads:
                reads.append(read)
            elif read.confidence > reads[-1].confidence:
                reads[-1] = read
            previous = index
        return reads

    def _char_read(self, dist: np.ndarray, index: int) -> CharRead:
        char = self._folded[index]
        plate = dist[self._plate]
        order = np.argsort(plate)[::-1][:4]
        alternatives = tuple(
            (self._plate_chars[i], float(plate[i])) for i in order if self._plate_chars[i] != char
        )[:3]
        provinces = dist[self._province]
        ranked = [int(self._province[i]) for i in np.argsort(provinces)[::-1][:3]]
        letter = int(self._letter[dist[self._letter].argmax()])
        return CharRead(
            char,
            float(dist[index]),
            alternatives,
            (self._folded[ranked[0]], float(dist[ranked[0]])),
            (self._folded[letter], float(dist[letter])),
            tuple((self._folded[i], float(dist[i])) for i in ranked[1:]),
        )
