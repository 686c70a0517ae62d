"""The PP-OCRv4 backend: plate finder -> rectify -> recogniser -> grammar, detector as needed.

Whole-frame PP-OCR spends most of its time detecting text that is not a plate. Here a
colour plate finder proposes plate rectangles in milliseconds and each is straightened
and read directly; the detector only runs on a small crop around a proposal whose direct
read failed (cut-off characters, a double layer), and on the whole downscaled frame when
the finder found nothing (white and black plates) or when asked to (`full_frame`).
A line is only read when its background is a plate colour: that is what separates the
physical plate from a string another program drew on the photo.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
import time
from collections.abc import Sequence

import cv2
import numpy as np

from checkpoint.plates import PROVINCES, text_affinity
from edge.read.base import PlateReader, StageTimes, check_image
from edge.read.colour import Scene, classify, measure_cast, monochrome
from edge.read.config import PPOCRConfig
from edge.read.decode import CharRead, CTCDecoder
from edge.read.grammar import accepts, choose, plate_color, rank, repair_rows
from edge.read.images import brighten, shrink
from edge.read.localise import find_plates
from edge.read.models import TextDetector, TextRecognizer
from edge.read.rectify import (
    LOOSE_ROWS,
    Line,
    PlateLines,
    group_rows,
    split_rows,
    stacked,
    warp_line,
    widen,
)
from edge.types import Box, PlateRead

logger = logging.getLogger(__name__)

_PAD_X, _PAD_Y, _PAD_TOP = 0.2, 0.3, 0.7  # room for cut-off characters and a top row
_PLATE_ASPECT = 4.5
_MAX_DET_WIDTH = 640
_LINE_ASPECT = (1.6, 10.0)  # a one-row plate's text line
_TOP_ASPECT = (0.7, 5.0)  # the top row of a double-layer plate
_SAME_PLATE_IOU = 0.3
# ...unless the two read unlike texts (`_unlike`): then it takes this much overlap
_TWO_PLATES_IOU = 0.5
_NESTED = 0.7  # a box lying this much inside another is a looser box around the same plate
# a cast the plate finder undoes: as taken the dev photos measure up to 1.19 (a camera's own
# white balance), a lamp 1.22 (greenish) to 1.68
_FINDER_CAST = 1.2
_INSIDE = 0.9  # a read whose box lies this much inside another's is that place read twice
_SAME_LINES_IOU = 0.8
_SNAP_SCALE = 0.95  # whole-frame detection may give up 10% of its pixels for a whole factor
_MIN_PARTIAL = 3  # plate characters a direct read needs before the detector is tried
_ACHROMATIC = frozenset({"white", "black"})
_CROSS_BORDER = frozenset("港澳")  # the mainland plate of a vehicle that carries two
# where a cross-border vehicle's other plate is looked for: the band above its mainland
# plate, as wide as it and this many of its heights up; the refine pads it by `_PAD_TOP`
# more (dev photos: the top of the Hong Kong plate stands 1.0 to 1.9 mainland plate
# heights above the mainland plate's top)
_COMPANION_REACH = 1.6
_TWO_ROW_COLOURS = frozenset({"yellow", "white", "green", "black"})  # never blue
_SURE_CHAR = 0.5  # a read with every character this sure is not searched again
_MAX_DOUBLE_ASPECT = 2.4  # a one-row plate line is wider than this
# a plate detector's box is the plate within these shares of its width and height each
# way; its crop is detected this many pixels high (a colour blob's at `det_height`)
_BOXED_PAD = (0.15, 0.2)
_BOXED_DET_HEIGHT = 96
_HINT_GROW = (0.3, 1.5)  # how far a plate moves between frames, in its width and height
_EXPOSURE_STEP = 8  # a frame's exposure is judged on every 8th pixel each way
# a frame whose brightest paint is dimmer than this is brightened before it is read: a dim
# daylight scene is read as it is (PP-OCR reads it), a lane at night is not
_DARK_FRAME = 128.0
_WHOLE_GROW = (0.5, 0.3)  # how far past a direct read's ends its plate is looked for
_STRETCH = 0.7  # a character and its gap, in line heights
# a province read on its line less surely than this is read again on its own
_SURE_PROVINCE = 0.8
_GLYPH_HALF = 0.45  # half a province glyph's crop, in line heights (a glyph and some gap)
# the red characters of white and black plates, as (before, after) the rest of the text
_RED_ENDS = (("", "警"), ("", "领"), ("使", ""), ("WJ", ""))
_MIDDLE = (0.15, 0.25)  # a line's box less these shares of its width and height, each side
_SEEN = 0.9  # a region this much inside an already refined crop is not detected again...
_SEEN_SCALE = 0.5  # ...if it is at least this tall against the region that crop was sized by
_BADGE_SCALE = 0.6  # text this much smaller (square root of the area) than a plate beside it
# is no plate; area, since a two-row plate is narrower than a one-row plate on the same car
# a piece of text joined to a plate line that failed: its height against the line's, how far
# its centre may sit off the line's, its width at most, and the gap between them at most
# (all in line heights)
_JOIN_HEIGHT = (0.6, 1.4)
_JOIN_SHIFT = 0.3
_JOIN_WIDTH = 2.5
_JOIN_GAP = 0.8
_SAME_ROW_IOU = 0.5  # two rows retried as one plate overlapping this much are one line


class PPOCRReader(PlateReader):
    """Reads plates with PP-OCRv4 det + rec on ONNX Runtime; models load once, here."""

    def __init__(self, config: PPOCRConfig) -> None:
        self.config = config
        self._det = TextDetector(config.model_dir / config.det_model, config.threads)
        self._rec = TextRecognizer(config.model_dir / config.rec_model, config.threads)
        self._decoder = CTCDecoder(self._rec.charset)
        # per-read cache of recognised lines; holding the image keeps its id() unique
        self._memo: dict[int, tuple[np.ndarray, np.ndarray, list[CharRead]]] = {}
        # per-read: a line's unsure province (line, step) judged again on its own glyph
        self._provinces: dict[tuple[int, int], CharRead] = {}
        # per-read (region, crop) pairs the detector has already refined at full resolution
        self._refined: list[tuple[Box, Box]] = []
        # per-read: the frame has no colour (infrared), so no measured plate colour is real
        self._mono = False
        # per-read: channel gains that undo the frame's colour cast, for judging plate colours
        self._gains: np.ndarray | None = None
        self._finder_gains: np.ndarray | None = None
        # across reads: which tile of the frame the lane-mode sweep searches next
        self._sweep = itertools.count()
        # first runs allocate and tune kernels; pay for that here, not on the first frame
        self._det(np.zeros((64, 64, 3), np.uint8))
        self._rec(np.zeros((48, 160, 3), np.uint8))
        logger.info("PP-OCRv4 reader loaded from %s (%d threads)", config.model_dir, config.threads)

    def _begin(self, frame: np.ndarray, image: np.ndarray, scene: Scene | None) -> None:
        """Reset what one read keeps: recognised lines, refined crops, the frame's colour.

        `image` is `frame` brightened when it was dark; the caller's `scene` (judged on
        `frame`) stands for it only when it was not.
        """
        self._memo.clear()
        self._provinces.clear()
        self._refined.clear()
        if scene is None or image is not frame:
            cast = measure_cast(image)
            scene_mono, gains, steady = monochrome(image), cast.gains, cast.steady
        else:
            scene_mono, gains, steady = scene.mono, scene.gains, scene.steady
        self._mono, self._gains = scene_mono, gains
        # the finder's colour bands are those of plates as cameras take them, which keep a
        # little of the light (their own white balance): only a strong cast the whole
        # frame agrees on (a lamp) is undone for it
        strong = gains is not None and float(gains.max() / gains.min()) >= _FINDER_CAST
        self._finder_gains = gains if steady and strong else None

    def read_timed(
        self,
        image: np.ndarray,
        roi: Box | None = None,
        near: Sequence[Box] = (),
        scene: Scene | None = None,
        boxed: Sequence[Box] = (),
        *,
        thorough: bool = False,
    ) -> tuple[list[PlateRead], StageTimes]:
        frame, area = check_image(image, roi)
        image = brighten(frame, _EXPOSURE_STEP, _DARK_FRAME)  # a lane at night
        view = image[area.y1 : area.y2, area.x1 : area.x2]
        clock = _Clock()
        self._begin(frame, image, scene)  # the frame, not the roi: colour is the camera's
        # a plate detector's boxes first: each is a plate of any colour for one recognition;
        # the colour finder (which reads up to `max_candidates` blobs, each a recognition or
        # more) then runs only when they read nothing: over the dev photos in a lane with
        # HyperLPR's SSD, detection and reading 43 -> 26 ms p50, 26 -> 25 of 29 read (the
        # plate lost is a small one beside a read plate in a street photo; a `thorough`
        # frame, which a lane asks for every few frames, finds it)
        reads = self._read_boxed(
            view, [b for box in boxed if (b := _into(box, area)) is not None], clock
        )
        regions = (
            find_plates(
                view,
                max_side=self.config.finder_side,
                limit=self.config.max_candidates,
                gains=self._finder_gains,
            )
            if thorough or not reads
            else []
        )
        clock.lap("localise")
        for region in regions:
            if _read_surely(region.box, reads):
                continue  # a second cue on a plate already read (its band, a row of it)
            # a colour blob is the plate itself: read it straight away, and only run the
            # detector around it when that fails (frame, rivets, a double layer...)
            direct = warp_line(view, region.quad)
            clock.lap("rectify")
            if direct is not None:
                found = self._read_direct(view, PlateLines((direct,)), clock)
                reads += [self._whole(view, read, clock) for read in found]
        # a plate the finder cannot see (white, black) was probably read in the last frame
        # close to where it is now: the detector around that spot costs a fraction of the
        # whole-frame search it saves. A hint with a read nearby is that plate, moved.
        hints = _unmet([h for box in near if (h := _into(box, area)) is not None], reads)
        if hints:
            reads += self._read_regions(view, hints, clock, grow=_HINT_GROW)
        reads += self._companions(view, reads, clock)
        if (
            thorough
            or self.config.full_frame == "always"
            or (self.config.full_frame == "when_no_plate" and not reads)
        ):
            reads += self._full_frame(view, reads, clock)
        elif self.config.full_frame == "when_no_plate" and self.config.sweep_tiles:
            # a plate was read, but a white or black one may stand beside it: search one
            # tile of the frame per read, in turn
            tile = _tile(view.shape, next(self._sweep), self.config.sweep_tiles)
            reads += self._full_frame(view, reads, clock, tile)
        logger.debug("%d finder regions, %d reads", len(regions), len(reads))
        return [_shift(r, area, image.shape) for r in _distinct(reads)], clock.times()

    def read_text_lines(
        self, image: np.ndarray, scene: Scene | None = None, *, sweep: bool = False
    ) -> list[PlateRead]:
        """Whole-frame text detection and reading, whatever `full_frame` says.

        For a caller that already knows something plate-like is in view (a detector box)
        but could not read it any cheaper way. `sweep` (a lane, which has more frames to
        come): search one of `sweep_tiles` tiles of the frame per call, in turn.
        """
        frame, _ = check_image(image, None)
        image = brighten(frame, _EXPOSURE_STEP, _DARK_FRAME)
        self._begin(frame, image, scene)
        whole = Box(0, 0, image.shape[1], image.shape[0])
        tiles = self.config.sweep_tiles if sweep else 0
        tile = _tile(image.shape, next(self._sweep), tiles) if tiles else None
        return [
            _shift(r, whole, image.shape)
            for r in _distinct(self._full_frame(image, [], _Clock(), tile))
        ]

    def _full_frame(
        self, view: np.ndarray, reads: list[PlateRead], clock: _Clock, tile: Box | None = None
    ) -> list[PlateRead]:
        found = self._detect_frame(view, tile)
        found = [p for p in found if not _read_surely(p.box, reads)]
        clock.lap("localise")
        # coarse lines are too loose to read well: detect again around each
        return self._read_regions(view, [p.box for p in found], clock, coarse=found)

    def _read_boxed(
        self, image: np.ndarray, boxes: Sequence[Box], clock: _Clock
    ) -> list[PlateRead]:
        """Each detector box read as it is when it is one row; a squat box (two rows) or a
        failed direct read is refined with the text detector around the box first.

        When no box read at all, the boxes are searched again in a colour blob's wider
        crop: a box that is off the plate by more than `_BOXED_PAD` (the SSD's box on a
        tilted yellow 琼A6716学 lies right of its province) keeps its characters there.
        That crop costs twice the tight one, so only frames with nothing read pay it.
        """
        reads: list[PlateRead] = []
        failed: list[Box] = []
        for box in boxes:
            if box.width < 8 or box.height < 4:
                continue
            if any(r.box.holds_centre_of(box) for r in reads):
                continue  # two boxes on one plate
            quad = np.array(
                [[box.x1, box.y1], [box.x2, box.y1], [box.x2, box.y2], [box.x1, box.y2]],
                dtype=np.float32,
            )
            one_row = box.width / box.height > _MAX_DOUBLE_ASPECT
            direct = warp_line(image, quad) if one_row else None
            found = self._read_direct(image, PlateLines((direct,)), clock) if direct else []
            found = found or self._read_regions(image, [box], clock, boxed=True)
            if not found:
                failed.append(box)
            reads += found
        if not reads and failed:
            reads = self._read_regions(image, failed, clock)
        return reads

    def _companions(
        self, image: np.ndarray, reads: list[PlateRead], clock: _Clock
    ) -> list[PlateRead]:
        """The Hong Kong or Macau plate of each cross-border vehicle read, where no read
        stands above its mainland plate yet.

        A vehicle licensed on both sides of the border carries both plates, the other one
        right above its mainland 粤Z...港/澳 plate. The colour finder does not see that plate
        (black, or white and two-row) and a plate detector boxes one plate per vehicle, so
        it was left to whole-frame text detection. Searching the band above a read plate
        costs one crop detection, on those vehicles only.
        """
        found: list[PlateRead] = []
        for read in reads:
            if read.text[-1:] not in _CROSS_BORDER:
                continue
            box = read.box
            above = Box(box.x1, box.y1 - round(box.height * _COMPANION_REACH), box.x2, box.y1)
            if any(above.holds_centre_of(r.box) for r in reads + found if r is not read):
                continue
            area = _into(above, Box(0, 0, image.shape[1], image.shape[0]))
            if area is None:
                continue
            near = self._read_regions(image, [area], clock, guessed=True)
            found += [r for r in near if r.text != read.text and not box.holds_centre_of(r.box)]
        return found

    def _read_direct(self, image: np.ndarray, plate: PlateLines, clock: _Clock) -> list[PlateRead]:
        """Read a proposed plate as it is; run the detector around it only if that fails
        and the read looked like part of a plate."""
        reads = self._read_plate(image, plate) if _plate_shaped(plate) else []
        clock.lap("recognise")
        if not reads and sum(len(self._decode(row)) for row in plate.rows) >= _MIN_PARTIAL:
            reads = self._read_regions(image, [plate.box], clock)
        return reads

    def _whole(self, image: np.ndarray, read: PlateRead, clock: _Clock) -> PlateRead:
        """The whole plate behind a direct read of a finder blob that is not its paint.

        The finder proposes blobs of a plate colour; when the plate read there turns out
        white or black, the blob was a tinted part of it (a colour cast, JPEG's chroma
        smear), so the blob does not mark the plate's ends and characters beyond them are
        lost: a Hong Kong UW6532 read as UW65, a GA13189 as GA1318, each a valid plate on
        its own. The detector searches around the read, reaching half its width further
        each way; a longer read holding this one's text is the plate.
        """
        if read.color not in _ACHROMATIC:
            return read
        around = self._read_regions(image, [read.box], clock, grow=_WHOLE_GROW)
        longer = [r for r in around if read.text in r.text and len(r.text) > len(read.text)]
        return max(longer, key=lambda r: r.confidence, default=read)

    def _read_regions(
        self,
        image: np.ndarray,
        regions: list[Box],
        clock: _Clock,
        grow: tuple[float, float] = (0.0, 0.0),
        coarse: Sequence[PlateLines] = (),
        *,
        boxed: bool = False,
        guessed: bool = False,
    ) -> list[PlateRead]:
        """Refine each region to exact plate lines with the detector, then read them
        (`grow`: how far the plate may have moved, `boxed`: the regions are a plate
        detector's boxes, `guessed`: where a plate would be, all as in `_refine`).

        `coarse`: the whole-frame detector's lines behind `regions`, one per region. Where
        the crop detector finds no line at all around one, that line is read as it is: a
        plate tilted 15 degrees or more makes a tall upright box, the crop scaled for it
        shows the characters too small to detect, and the coarse line is then all there is.
        """
        plates: list[PlateLines] = []
        pieces: list[Line] = []  # every line found, plate-shaped or not
        for index, region in enumerate(regions):
            if self._was_refined(region):
                continue
            refined = self._refine(image, region, grow, boxed=boxed, guessed=guessed)
            if not refined and index < len(coarse):
                refined = [coarse[index]]
            for plate in self._split_mismatched(image, refined):
                pieces += plate.rows
                if _plate_shaped(plate) and all(
                    plate.box.iou(p.box) < _SAME_LINES_IOU for p in plates
                ):
                    plates.append(plate)
        clock.lap("rectify")
        reads: list[PlateRead] = []
        failed: list[Line] = []  # rows that made no plate, alone or as grouped
        for plate in plates:
            found = self._read_plate(image, plate)
            if not found and (joined := _joined(image, plate, pieces)) is not None:
                found = self._read_plate(image, joined)
            if not found:
                found = self._read_stretched(image, plate)
            if not found:
                failed += plate.rows
            reads += found
        reads += self._read_regrouped(image, failed, reads)
        clock.lap("recognise")
        return reads

    def _read_regrouped(
        self, image: np.ndarray, rows: list[Line], reads: list[PlateRead]
    ) -> list[PlateRead]:
        """Rows that made no plate, read again as the two rows of one plate.

        `group_rows` pairs greedily, each widest line with the short line right above it,
        so where two plates are stacked (a Hong Kong two-row plate over a mainland one on
        a cross-border car) the middle row goes to the wrong plate, and nothing retries
        the pair it belonged to. The detector's boxes also vary with the crop's scale: the
        two rows of a Hong Kong plate can come out as wide as each other and overlapping,
        which the pairing refuses. Their texts are already recognised (memoised), so each
        retried pair costs only the grammar, which must accept the pair as one plate. Every
        pair the grammar accepts is returned: where two pairs hold one plate (a row
        detected twice, once with a neighbour's edge), `_distinct` keeps the surer read.
        """
        found: list[PlateRead] = []
        for top, bottom in itertools.permutations(rows, 2):
            plate = PlateLines((top, bottom))
            if not _stacked_loosely(top.box, bottom.box) or any(
                r.box.holds_centre_of(plate.box) for r in reads
            ):
                continue
            for colour in _colours(image, plate, self._gains):
                read = self._recognise(image, plate, colour)
                if read is not None:
                    found.append(read)
                    break
        return found

    def _detect_frame(self, image: np.ndarray, tile: Box | None = None) -> list[PlateLines]:
        """Plate-coloured text lines (or row pairs) of the whole image (or of one `tile`
        of it), widest first, detected at the scale that brings the whole image down to
        `det_pixels`."""
        if self.config.det_pixels == 0:
            return []
        h, w = image.shape[:2]
        scale = min(1.0, (self.config.det_pixels / (h * w)) ** 0.5)
        whole = 1.0 / math.ceil(1.0 / scale - 1e-6)
        if whole >= _SNAP_SCALE * scale:  # a whole-number factor: exact and fast averaging
            scale = whole
        tile = tile or Box(0, 0, w, h)
        small = shrink(image[tile.y1 : tile.y2, tile.x1 : tile.x2], scale)
        offset = np.array([tile.x1, tile.y1], np.float32)
        lines = [line for q in self._det(small) if (line := warp_line(image, q / scale + offset))]
        found = [p for p in group_rows(image, lines) if _plate_coloured(image, p.box, self._gains)]
        return sorted(found, key=lambda p: -p.box.width)[: self.config.max_plates]

    def _refine(
        self,
        image: np.ndarray,
        box: Box,
        grow: tuple[float, float] = (0.0, 0.0),
        *,
        boxed: bool = False,
        guessed: bool = False,
    ) -> list[PlateLines]:
        """Detect again at full resolution around a coarse region: exact rows, the top row
        of a double-layer plate, characters the coarse box cut off.

        `grow` (shares of the box's width and height) widens the search for a plate seen
        there in an earlier frame, which has moved since; the crop is still sized by the
        plate's own box, so its text is detected at the same scale.

        `boxed`: `box` is a plate detector's box, the whole plate give or take its frame
        (HyperLPR's SSD boxes loosely, a tilted plate's box is squat): a crop a little
        larger holds it, and its text fills that crop's height, so a smaller scale shows
        it as large as a colour blob's crop does. Dev photos behind the SSD, 18 takings:
        395 -> 397 of 522 read, 14 -> 13 false, p50 37 -> 30 ms.

        `guessed`: `box` is where a plate would be, not where anything was seen (the band
        above a cross-border plate, sized by that plate), so a plate there may reach out of
        it, and its search stands for no later one.
        """
        h, w = image.shape[:2]
        reach = _grow(box, grow)
        if boxed:
            pad_x, pad_y = round(box.width * _BOXED_PAD[0]) + 2, round(box.height * _BOXED_PAD[1])
            top, bottom, height = pad_y + 2, pad_y + 2, _BOXED_DET_HEIGHT
        else:
            # a colour blob may be part of a plate: widen it to a whole plate for its height
            pad_x = round(max(box.width * _PAD_X, (_PLATE_ASPECT * box.height - box.width) / 2))
            pad_x += 4
            top, bottom = round(box.height * _PAD_TOP) + 4, round(box.height * _PAD_Y) + 4
            height = self.config.det_height
        x1, x2 = max(0, reach.x1 - pad_x), min(w, reach.x2 + pad_x)
        y1, y2 = max(0, reach.y1 - top), min(h, reach.y2 + bottom)
        crop = image[y1:y2, x1:x2]
        if grow == (0.0, 0.0) and not boxed and not guessed:
            # what later searches need not repeat; not a widened search (a coarser scale)
            # nor a detector box's tight crop or a guess (a plate reaching out of either
            # was not seen whole)
            self._refined.append((box, Box(x1, y1, x2, y2)))
        scale = min(height / crop.shape[0], _MAX_DET_WIDTH / crop.shape[1])
        scaled = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
        quads = [q / scale + (x1, y1) for q in self._det(scaled)]
        lines = [line for q in quads if (line := warp_line(image, q))]
        return [p for p in group_rows(image, lines) if reach.holds_centre_of(p.box, margin=0.5)]

    def _was_refined(self, region: Box) -> bool:
        """Whether refining `region` would repeat an earlier refine of this read.

        A whole-frame line often is a finder region that failed to read: the detector
        already searched a crop holding it at full resolution, and kept the lines centred
        where this one is, so running it again finds and misreads the same lines.
        """
        return any(
            region.share_inside(crop) >= _SEEN
            and old.holds_centre_of(region)
            and region.height >= _SEEN_SCALE * old.height
            for old, crop in self._refined
        )

    @staticmethod
    def _split_mismatched(image: np.ndarray, plates: list[PlateLines]) -> list[PlateLines]:
        """Two rows of one plate share its colour; a badge above a plate does not."""
        out: list[PlateLines] = []
        for plate in plates:
            colours = {_colour(image, row.box) for row in plate.rows}
            if len(plate.rows) == 2 and (len(colours) > 1 or "unknown" in colours):
                out += [PlateLines((row,)) for row in plate.rows]
            else:
                out.append(plate)
        return out

    def _read_plate(self, image: np.ndarray, plate: PlateLines) -> list[PlateRead]:
        """Read a plate; when that fails, try what else its lines could be.

        A pair of rows that does not read as one plate may be a badge over a plate, or two
        stacked plates (Hong Kong). A single squat line of a two-row colour is nearly always
        both rows of a double-layer plate merged by the detector, so it is cut into rows
        before it is read whole (one recognition saved on every lorry plate).
        """
        line = plate.rows[0]
        squat = len(plate.rows) == 1 and line.aspect < _MAX_DOUBLE_ASPECT
        rows: PlateLines | None = None  # cut once: a fresh warp would be recognised again
        for colour in _colours(image, plate, self._gains):
            if squat and colour in _TWO_ROW_COLOURS:
                rows = rows or split_rows(image, line)
                read = self._recognise(image, rows, colour) if rows is not None else None
                if read is not None:
                    return [read]
            read = self._recognise(image, plate, colour)
            if read is not None:
                return [read]
        if len(plate.rows) == 2:
            singles = [PlateLines((row,)) for row in plate.rows]
            return [r for p in singles if _plate_shaped(p) for r in self._read_plate(image, p)]
        return []

    def _read_stretched(self, image: np.ndarray, plate: PlateLines) -> list[PlateRead]:
        """A white or black one-row line that failed, read again one character wider at
        each end.

        These plates carry red characters at their ends (警 and 领 last, 使 and WJ first),
        and red is their faintest ink: on a small plate after JPEG, which keeps colour at
        half resolution, the red 警 fades to pink and the detector's line stops short of
        it. The line is only stretched when its read with one of those characters added
        would be a plate, and the stretched read must pass the grammar for the colour the
        line itself had.
        """
        if len(plate.rows) != 1 or len(chars := self._decode(plate.rows[0])) < _MIN_PARTIAL:
            return []
        colours = [c for c in _colours(image, plate, self._gains) if c in _ACHROMATIC]
        text = "".join(char.char for char in chars)
        if not any(accepts(f"{head}{text}{tail}", c) for head, tail in _RED_ENDS for c in colours):
            return []  # no red character lost at an end would make this a plate
        line = warp_line(image, widen(plate.rows[0].quad, _STRETCH))
        if line is None:
            return []
        for colour in colours:
            read = self._recognise(image, PlateLines((line,)), colour)
            if read is not None:
                return [read]
        return []

    def _decode(self, line: Line, *, top_row: bool = False) -> list[CharRead]:
        """Recognise a line once per read (fallbacks revisit the same lines); `top_row`:
        decode it as a double-layer plate's top row (`CTCDecoder.decode_top_row`)."""
        key = id(line.image)
        if key not in self._memo:
            probs = self._rec(line.image)
            self._memo[key] = (line.image, probs, self._decoder.decode(probs))
        _, probs, reads = self._memo[key]
        return self._decoder.decode_top_row(probs) if top_row else reads

    def _province(self, line: Line, reads: list[CharRead]) -> list[CharRead]:
        """`reads` with an unsure province first judged again on its glyph alone.

        The province is a plate's smallest, most complex glyph, and on its line the
        recogniser weighs it with its neighbours: a small 琼 beside the plate's frame read
        as 京 (0.37 against 0.33), while the same glyph cut out and read alone gave 琼 0.65
        against 京 0.07. The two reads are averaged (`CTCDecoder.province_alone`); one more
        recognition of a glyph-sized crop, only for a province read under `_SURE_PROVINCE`.
        """
        first = reads[0] if reads else None
        if first is None or first.char not in PROVINCES or first.confidence >= _SURE_PROVINCE:
            return reads
        if first.step < 0:  # not read at a known place on the line
            return reads
        key = (id(line.image), first.step)
        if key not in self._provinces:
            _, probs, _ = self._memo[key[0]]
            height, width = line.image.shape[:2]
            centre = (first.step + 0.5) * width / probs.shape[0]
            half = _GLYPH_HALF * height
            x1, x2 = max(0, int(centre - half)), min(width, int(centre + half) + 1)
            glyph = cv2.copyMakeBorder(
                line.image[:, x1:x2], 0, 0, height // 2, height // 2, cv2.BORDER_REPLICATE
            )
            self._provinces[key] = self._decoder.province_alone(first, probs, self._rec(glyph))
            logger.debug(
                "province %s (%.2f) read alone: %s (%.2f)",
                first.char,
                first.confidence,
                self._provinces[key].char,
                self._provinces[key].confidence,
            )
        return [self._provinces[key], *reads[1:]]

    def _recognise(self, image: np.ndarray, plate: PlateLines, colour: str) -> PlateRead | None:
        two = len(plate.rows) == 2
        rows = [self._decode(row, top_row=two and i == 0) for i, row in enumerate(plate.rows)]
        rows[0] = self._province(plate.rows[0], rows[0])
        if not all(rows):  # each row of a double-layer plate carries characters
            return None
        candidates = rank(repair_rows(rows, colour), colour, self.config.top_n)
        best = choose(candidates, self.config.min_confidence, self.config.min_generic_confidence)
        if best is None:
            return None
        if self._gains is not None:
            # under a colour cast the plate's colour in white light is the one to report
            # (yellow means a lorry to the restriction rules), where the text allows it
            balanced = _colour(image, plate.box, self._gains)
            if balanced != "unknown" and accepts(best.text, balanced):
                colour = balanced
        return PlateRead(
            text=best.text,
            confidence=best.confidence,
            box=plate.box,
            color=plate_color(best.text, "unknown" if self._mono else colour),
            layers=len(plate.rows),
            char_confidences=best.char_confidences,
            candidates=tuple((c.text, c.confidence) for c in candidates if c.valid),
        )


class _Clock:
    """Milliseconds per stage, accumulated over the passes of one read."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self._ms = {"localise": 0.0, "rectify": 0.0, "recognise": 0.0}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self._ms[stage] += (now - self._last) * 1000
        self._last = now

    def times(self) -> StageTimes:
        return StageTimes(**self._ms)


def _unmet(hints: list[Box], reads: Sequence[PlateRead]) -> list[Box]:
    """The hints (plate boxes of the last frame) that no read of this frame stands for.

    A read within a plate's move of a hint is that plate, moved; it stands for the nearest
    such hint only. A cross-border car's two plates lie within one move of each other (the
    Hong Kong plate right above the mainland one), and when the plate detector boxed the
    mainland plate alone, its read also met the Hong Kong plate's hint, which was then
    never searched: a Hong Kong plate that only a thorough frame found got no second read.
    """
    met: set[int] = set()
    for read in reads:
        cx, cy = read.box.center
        near = [
            (abs(h.center[0] - cx) + abs(h.center[1] - cy), i)
            for i, h in enumerate(hints)
            if _grow(h, _HINT_GROW).holds_centre_of(read.box, margin=1.0)
        ]
        if near:
            met.add(min(near)[1])
    return [h for i, h in enumerate(hints) if i not in met]


def _read_surely(box: Box, reads: Sequence[PlateRead]) -> bool:
    """Whether a plate at `box` is read already, every character at least `_SURE_CHAR`
    sure: a later cue there (a colour blob, a whole-frame text line) is then the same
    plate and is not read again.

    A plate read less surely is: the later cue reads the plate another way (the blob's rotated
    rectangle, the text detector's quad around a tilted plate), and `_distinct` keeps the
    surer of the two. A plate detector's upright box around a tilted 琼A6716学 read
    京A6716学 with the province at 0.26, and the whole-frame line that would have read 琼 at
    0.96 was skipped as the same plate. 18 takings of the dev photos: plate-first photo
    mode 422 -> 424 exact, 7 -> 5 false reads; behind the plate SSD as photos 414 -> 420,
    12 -> 7; per-frame p50 unchanged (a lane searches so on its thorough frames only).
    """
    return any(
        r.box.holds_centre_of(box) and min(r.char_confidences, default=1.0) >= _SURE_CHAR
        for r in reads
    )


def _plate_shaped(plate: PlateLines) -> bool:
    """Single rows need a plate line's aspect ratio; a top row may be short."""
    bottom = plate.rows[-1]
    if not _LINE_ASPECT[0] <= bottom.aspect <= _LINE_ASPECT[1]:
        return False
    return len(plate.rows) == 1 or _TOP_ASPECT[0] <= plate.rows[0].aspect <= _TOP_ASPECT[1]


def _stacked_loosely(top: Box, bottom: Box) -> bool:
    """Whether two detected lines could be the top and bottom rows of one plate, allowing
    for loose detector boxes (`rectify.group_rows` pairs only the clear cases)."""
    above = top.center[1] < bottom.center[1] and top.iou(bottom) < _SAME_ROW_IOU
    return above and stacked(top, bottom, LOOSE_ROWS)


def _joined(image: np.ndarray, plate: PlateLines, pieces: list[Line]) -> PlateLines | None:
    """A one-row plate line that failed, joined with a short piece of text just beside it.

    The detector may cut a character of another colour off its line: the red 警 of a
    police plate, most of all when a warm light makes it redder still. The piece sits at
    the line's height, as tall as it, a gap of under a character away; the joined line is
    only read when the line alone did not make a plate, and must pass the grammar.
    """
    if len(plate.rows) != 1:
        return None
    line = plate.rows[0]
    box = line.box
    for piece in pieces:
        other = piece.box
        alike = (
            _JOIN_HEIGHT[0] * box.height <= other.height <= _JOIN_HEIGHT[1] * box.height
            and abs(other.center[1] - box.center[1]) <= _JOIN_SHIFT * box.height
            and other.width <= _JOIN_WIDTH * box.height
        )
        if piece is line or not alike:
            continue
        # beyond one end of the line (or overlapping it: the line may hold half of it)
        right = other.x2 > box.x2 and other.x1 > box.center[0]
        left = other.x1 < box.x1 and other.x2 < box.center[0]
        gap = other.x1 - box.x2 if right else box.x1 - other.x2
        if not (right or left) or gap > _JOIN_GAP * box.height:
            continue
        first, last = (line, piece) if right else (piece, line)
        quad = np.array([first.quad[0], last.quad[1], last.quad[2], first.quad[3]], np.float32)
        merged = warp_line(image, quad)
        if merged is not None:
            return PlateLines((merged,))
    return None


_GRIDS = {2: (2, 1), 4: (2, 2), 6: (3, 2), 9: (3, 3)}  # sweep tiles -> columns, rows
_TILE_OVERLAP = (1 / 6, 1 / 6)  # of the frame's width, height: a plate on a seam is whole


def _tile(shape: tuple[int, ...], index: int, tiles: int) -> Box:
    """Tile `index` (taken modulo `tiles`) of a grid over a frame, grown into its
    neighbours so that a plate lying across a seam is whole in one of them."""
    height, width = shape[:2]
    cols, rows = _GRIDS[tiles]
    col, row = index % tiles % cols, index % tiles // cols
    gx, gy = round(width * _TILE_OVERLAP[0] / 2), round(height * _TILE_OVERLAP[1] / 2)
    x1, x2 = col * width // cols - gx, (col + 1) * width // cols + gx
    y1, y2 = row * height // rows - gy, (row + 1) * height // rows + gy
    return Box(max(0, x1), max(0, y1), min(width, x2), min(height, y2))


def _into(box: Box, area: Box) -> Box | None:
    """`box` in `area` coordinates, clipped to it; None when too little of it is inside."""
    inside = box.intersection(area)
    if inside is None or inside.width < 8 or inside.height < 4:
        return None
    return inside.moved(-area.x1, -area.y1)


def _grow(box: Box, grow: tuple[float, float]) -> Box:
    """`box` grown on every side by the given shares of its width and height."""
    gx, gy = round(box.width * grow[0]), round(box.height * grow[1])
    return Box(box.x1 - gx, box.y1 - gy, box.x2 + gx, box.y2 + gy)


def _shift(read: PlateRead, area: Box, shape: tuple[int, ...]) -> PlateRead:
    """Move a read from roi to image coordinates, inside the image (a line warped with a
    margin may reach past the frame's edge; consumers draw and crop with these boxes)."""
    box = read.box.moved(area.x1, area.y1)
    inside = box.intersection(Box(0, 0, shape[1], shape[0]))
    return dataclasses.replace(read, box=inside or box)


def _colour(image: np.ndarray, box: Box, gains: np.ndarray | None = None) -> str:
    """Background colour of the part of `box` inside the image (a line's box may reach
    past the frame's edge, and a negative index would wrap to the far side)."""
    return classify(image[max(0, box.y1) : box.y2, max(0, box.x1) : box.x2], gains).name


def _plate_coloured(image: np.ndarray, box: Box, gains: np.ndarray | None) -> bool:
    """Whether `box` has a plate colour, as measured or (under a cast) in white light, or
    a white or black middle.

    The detector's box reaches past the text into whatever is around it. Around a small
    white or black plate that is the body, and JPEG stores colour at half resolution, so a
    red car's paint bleeds over the plate's edges too: the box came out no plate colour at
    all and the plate was never read. Its middle is the characters on the plate's own
    background. Chromatic plates need no such help (their colour outweighs the margins),
    and a white or black middle only admits the line to the readers, whose colour and
    grammar checks still apply.
    """
    if _colour(image, box) != "unknown" or (
        gains is not None and _colour(image, box, gains) != "unknown"
    ):
        return True
    # the middle of the line: characters on the plate's own background, no panel around it
    dx, dy = int(box.width * _MIDDLE[0]), int(box.height * _MIDDLE[1])
    middle = Box(box.x1 + dx, box.y1 + dy, box.x2 - dx, box.y2 - dy)
    return _colour(image, middle) in _ACHROMATIC


def _colours(image: np.ndarray, plate: PlateLines, gains: np.ndarray | None) -> list[str]:
    """The plate's colour judged on its box, then, for white and black, on its main row.

    The box of a small or tilted plate holds a good share of the panel around it, so a
    black Hong Kong plate on a blue car, or a white police plate on a green one, takes the
    panel's colour; its straightened row holds the plate's own background between and
    around the characters. A coloured plate outweighs its surroundings in its box, so only
    an achromatic row colour is a second opinion, and only for a box that has a plate
    colour at all (each extra colour is one more chance for the grammar to accept a
    misread). Recognition is memoised: the second colour costs only the grammar.

    Under a colour cast (`gains`, from `neutral_gains`), the colours the plate would have
    in white light come after the measured ones: a police plate under a sodium lamp
    measures yellow, and the grammar refuses a police plate that is yellow. They come
    after, not instead, because the cast is an estimate: a scene of bright paint can fake
    one, and a plate read as measured must stay read.
    """
    measured = [_colour(image, plate.box)]
    if gains is not None:  # under a colour cast: what the plate would look like in white light
        measured.append(_colour(image, plate.box, gains))
    if all(c == "unknown" for c in measured):  # no plate colour: drawn text, a sign
        return []
    row = max(plate.rows, key=lambda r: r.image.shape[0] * r.image.shape[1]).image
    h, w = row.shape[:2]
    inner = row[h // 8 : h - h // 8, w // 12 : w - w // 12]
    inners = [classify(inner).name] + ([classify(inner, gains).name] if gains is not None else [])
    out: list[str] = []
    for colour in [*measured, *(c for c in inners if c in _ACHROMATIC)]:
        if colour != "unknown" and colour not in out:
            out.append(colour)
    return out


def _distinct(reads: list[PlateRead]) -> list[PlateRead]:
    """One read per plate: the same plate is often proposed by several finder cues."""
    kept: list[PlateRead] = []
    for read in sorted(reads, key=lambda r: -r.confidence):
        if not any(_same_plate(read, k) for k in kept):
            kept.append(read)
    return [r for r in kept if not any(_badge_of(r, other) for other in kept)]


def _same_plate(read: PlateRead, other: PlateRead) -> bool:
    """Whether two reads of one frame are one plate.

    Besides reads that overlap or agree, a looser box around a plate (the plate with the
    grille above it, under a colour cast) reads its characters with some of them wrong or
    lost (皖A12345 for 冀A12345, RA1234 for 京A1234学). Plates never lie inside one
    another, so a read inside another's box is that place read twice, and so is a read
    one character off another whose box holds its centre. As a read of its own the looser
    box would stand for a second, larger plate, and the right read would then look like
    lettering beside it (`_badge_of`) and be dropped.
    """
    if read.text == other.text:
        return True
    overlap = read.box.iou(other.box)
    if overlap >= _SAME_PLATE_IOU and (overlap >= _TWO_PLATES_IOU or not _unlike(read, other)):
        return True
    small, large = sorted((read.box, other.box), key=lambda b: b.width * b.height)
    if small.share_inside(large) >= _INSIDE:
        return True
    nested = read.box.holds_centre_of(other.box) or other.box.holds_centre_of(read.box)
    longest = max(len(read.text), len(other.text))
    if not nested or longest == 0:
        return False
    # one character apart, counted as text_affinity counts it
    return text_affinity(read.text, other.text) >= (longest - 1) / longest


def _unlike(read: PlateRead, other: PlateRead) -> bool:
    """Whether two overlapping reads are two plates: clearly different texts, neither box
    lying mostly inside the other.

    A cross-border vehicle carries its Hong Kong plate right above its mainland one, and
    under a turned camera the two upright boxes of the tilted plates overlap (`SN6497`
    over `粤ZR066港`: IoU 0.31 to 0.41, each box 0.56 to 0.58 inside the other). A looser
    box around one plate (with the grille above it) holds that plate's box nearly whole
    and reads it partly wrong (`RA1234` for `京A1234学`)."""
    small, large = sorted((read.box, other.box), key=lambda b: b.width * b.height)
    return text_affinity(read.text, other.text) < 0.5 and small.share_inside(large) < _NESTED


def _badge_of(read: PlateRead, plate: PlateRead) -> bool:
    """Whether `read` is lettering on the body of the vehicle carrying `plate`.

    Plates have standard sizes (440x140 mm one-row, 440x220 two-row, Hong Kong 520x111 or
    340x220), so two plates on one vehicle cover about as much of the image as each other;
    text under 0.6 of a plate's scale on the panels beside or above it is a badge or model
    name (a Lexus' chrome "LX570" reads as a Hong Kong plate). A lorry's painted enlarged
    number is larger, not smaller, says the same as its plate, and stands above it.
    """
    area, plate_area = read.box.width * read.box.height, plate.box.width * plate.box.height
    if read.text == plate.text or area >= _BADGE_SCALE**2 * plate_area:
        return False
    # not below the plate: a lorry's real plate sits under its painted enlarged number
    return read.box.center[1] <= plate.box.y2 and plate.box.body_around().holds_centre_of(read.box)
