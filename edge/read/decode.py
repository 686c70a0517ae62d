"""From CTC probabilities to plate text: per-character confidence, alternatives, grammar.

The recogniser knows 6,600 characters; a plate uses about 70. Reading a plate is therefore
a best-path CTC decode followed by plate knowledge: separators and frame marks are dropped,
and each character keeps what `grammar` needs to repair it: its second choices and the best
province and letter the network saw at that step.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from checkpoint.plates import PROVINCES, normalize

logger = logging.getLogger(__name__)

_PLATE_CHARS = (
    frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") | PROVINCES | frozenset("使警学挂港澳领应急")
)
_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")
_SEPARATORS = frozenset("·•・‧-._/| :：")
_MIN_SUBSTITUTE = 0.02
_SERIAL = frozenset("0123456789") | _LETTERS
# glyphs outside the plate alphabet that are a plate character's shape: the recogniser,
# trained on Chinese text, sees a plate's E (its stem lost to blur or JPEG) as 三
_LOOKALIKES = {"三": "E"}


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
    step: int = -1
    """The recogniser step it was read at (its place along the line); -1: unknown."""


class CTCDecoder:
    """Best-path CTC decoding restricted to what can appear on a plate."""

    def __init__(self, charset: tuple[str, ...]) -> None:
        self._charset = charset
        folded = [normalize(c) if c else "" for c in charset]
        self._plate = np.array([i for i, c in enumerate(folded) if c in _PLATE_CHARS])
        self._plate_chars = [folded[i] for i in self._plate]
        self._province = np.array([i for i, c in enumerate(folded) if c in PROVINCES])
        self._letter = np.array([i for i, c in enumerate(folded) if c in _LETTERS])
        self._serial = np.array([i for i, c in enumerate(folded) if c in _SERIAL])
        column = {c: n for n, c in enumerate(folded[i] for i in self._serial)}
        self._lookalikes = [
            (i, column[_LOOKALIKES[c]]) for i, c in enumerate(charset) if c in _LOOKALIKES
        ]
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
            read = self._char_read(probs[step], index, step)
            if index != previous or not reads:
                reads.append(read)
            elif read.confidence > reads[-1].confidence:
                reads[-1] = read
            previous = index
        return reads

    def decode_top_row(self, probs: np.ndarray) -> list[CharRead]:
        """`decode` for the top row of a double-layer plate, which holds two characters.

        GA 36-2018 spreads the top row's province and letter (a farm vehicle's: two digits)
        across the whole plate width with a wide gap, unlike any text line the recogniser
        learned from; on a small or compressed plate its best path often keeps one of the
        two and loses the other to the blank (`京` over `A5331` for `京E` over `A5331`).
        When the row reads as a province alone, the likeliest letter or digit at a later
        step is added (look-alikes such as 三 for E counted in); when it reads as a letter
        alone, the likeliest province at an earlier step. Each comes with the probability
        it had there, so the plate grammar can still judge the plate and its confidence
        says how unsure that character is.
        """
        reads = self.decode(probs)
        if len(reads) != 1:
            return reads
        read = reads[0]
        if read.char in PROVINCES:
            added = self._likeliest(probs, read.step + 1, self._serial, self._lookalikes)
            return reads if added is None else [read, added]
        if read.char in _LETTERS:
            added = self._likeliest(probs[: read.step], 0, self._province, ())
            return reads if added is None else [added, read]
        return reads

    def province_alone(self, read: CharRead, line: np.ndarray, alone: np.ndarray) -> CharRead:
        """`read`, a province, judged again with the recogniser's read of its glyph alone.

        Args:
            read: The province as read on its line, at step `read.step` of `line`.
            line: The line's probabilities (T, C).
            alone: The probabilities of a crop around the glyph (any number of steps).

        Returns:
            The province the two reads give most weight together (the mean of the line's
            step and the best step alone), with that weight as its confidence.
        """
        provinces = self._province
        together = (line[read.step, provinces] + alone[:, provinces].max(axis=0)) / 2
        order = np.argsort(together)[::-1][:3]
        best = int(provinces[order[0]])
        others = tuple((self._folded[provinces[i]], float(together[i])) for i in order[1:])
        return replace(
            read,
            char=self._folded[best],
            confidence=float(together[order[0]]),
            alternatives=others,
            provinces=(self._folded[best], float(together[order[0]])),
            other_provinces=others,
        )

    def _likeliest(
        self,
        probs: np.ndarray,
        start: int,
        indices: np.ndarray,
        lookalikes: Sequence[tuple[int, int]],
    ) -> CharRead | None:
        """The likeliest of the characters `indices` over the steps of `probs` from `start`,
        if the network gave it any weight; look-alike glyphs (index, column in `indices`)
        add to theirs."""
        steps = probs[start:]
        if not len(steps):
            return None
        chosen = steps[:, indices].copy()
        for glyph, column in lookalikes:
            chosen[:, column] += steps[:, glyph]
        step, column = (int(i) for i in np.unravel_index(int(chosen.argmax()), chosen.shape))
        p = float(chosen[step, column])
        if p < _MIN_SUBSTITUTE:
            return None
        read = self._char_read(steps[step], int(indices[column]), start + step)
        logger.debug("top row: added %s (p=%.3f)", read.char, p)
        return replace(read, confidence=min(1.0, p))

    def _char_read(self, dist: np.ndarray, index: int, step: int) -> CharRead:
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
            step,
        )
