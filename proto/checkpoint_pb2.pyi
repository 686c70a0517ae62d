import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Verdict(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERDICT_UNSPECIFIED: _ClassVar[Verdict]
    PASS: _ClassVar[Verdict]
    STOP: _ClassVar[Verdict]
    CHECK: _ClassVar[Verdict]

class EntryKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENTRY_KIND_UNSPECIFIED: _ClassVar[EntryKind]
    PLATE: _ClassVar[EntryKind]
    PLATE_PATTERN: _ClassVar[EntryKind]
    VEHICLE: _ClassVar[EntryKind]
    PERSON: _ClassVar[EntryKind]

class Category(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CATEGORY_UNSPECIFIED: _ClassVar[Category]
    STOLEN: _ClassVar[Category]
    WANTED: _ClassVar[Category]
    ENFORCEMENT: _ClassVar[Category]
    RESTRICTED: _ClassVar[Category]
    OTHER: _ClassVar[Category]

class Severity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEVERITY_UNSPECIFIED: _ClassVar[Severity]
    LOW: _ClassVar[Severity]
    MEDIUM: _ClassVar[Severity]
    HIGH: _ClassVar[Severity]

class FaceBand(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FACE_BAND_UNSPECIFIED: _ClassVar[FaceBand]
    FACE_MATCH: _ClassVar[FaceBand]
    FACE_REVIEW: _ClassVar[FaceBand]
    FACE_NONE: _ClassVar[FaceBand]
VERDICT_UNSPECIFIED: Verdict
PASS: Verdict
STOP: Verdict
CHECK: Verdict
ENTRY_KIND_UNSPECIFIED: EntryKind
PLATE: EntryKind
PLATE_PATTERN: EntryKind
VEHICLE: EntryKind
PERSON: EntryKind
CATEGORY_UNSPECIFIED: Category
STOLEN: Category
WANTED: Category
ENFORCEMENT: Category
RESTRICTED: Category
OTHER: Category
SEVERITY_UNSPECIFIED: Severity
LOW: Severity
MEDIUM: Severity
HIGH: Severity
FACE_BAND_UNSPECIFIED: FaceBand
FACE_MATCH: FaceBand
FACE_REVIEW: FaceBand
FACE_NONE: FaceBand

class Box(_message.Message):
    __slots__ = ("x1", "y1", "x2", "y2")
    X1_FIELD_NUMBER: _ClassVar[int]
    Y1_FIELD_NUMBER: _ClassVar[int]
    X2_FIELD_NUMBER: _ClassVar[int]
    Y2_FIELD_NUMBER: _ClassVar[int]
    x1: float
    y1: float
    x2: float
    y2: float
    def __init__(self, x1: _Optional[float] = ..., y1: _Optional[float] = ..., x2: _Optional[float] = ..., y2: _Optional[float] = ...) -> None: ...

class WatchlistEntry(_message.Message):
    __slots__ = ("kind", "key", "reason", "category", "severity", "created_by", "valid_from", "valid_until", "version", "updated_at", "attributes")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    KIND_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    kind: EntryKind
    key: str
    reason: str
    category: Category
    severity: Severity
    created_by: str
    valid_from: _timestamp_pb2.Timestamp
    valid_until: _timestamp_pb2.Timestamp
    version: int
    updated_at: _timestamp_pb2.Timestamp
    attributes: _containers.ScalarMap[str, str]
    def __init__(self, kind: _Optional[_Union[EntryKind, str]] = ..., key: _Optional[str] = ..., reason: _Optional[str] = ..., category: _Optional[_Union[Category, str]] = ..., severity: _Optional[_Union[Severity, str]] = ..., created_by: _Optional[str] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attributes: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Match(_message.Message):
    __slots__ = ("key", "kind", "reason", "category", "severity", "score", "exact", "diff_positions", "matched_text")
    KEY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    EXACT_FIELD_NUMBER: _ClassVar[int]
    DIFF_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    MATCHED_TEXT_FIELD_NUMBER: _ClassVar[int]
    key: str
    kind: EntryKind
    reason: str
    category: Category
    severity: Severity
    score: float
    exact: bool
    diff_positions: _containers.RepeatedScalarFieldContainer[int]
    matched_text: str
    def __init__(self, key: _Optional[str] = ..., kind: _Optional[_Union[EntryKind, str]] = ..., reason: _Optional[str] = ..., category: _Optional[_Union[Category, str]] = ..., severity: _Optional[_Union[Severity, str]] = ..., score: _Optional[float] = ..., exact: _Optional[bool] = ..., diff_positions: _Optional[_Iterable[int]] = ..., matched_text: _Optional[str] = ...) -> None: ...

class UpsertRequest(_message.Message):
    __slots__ = ("entry",)
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: WatchlistEntry
    def __init__(self, entry: _Optional[_Union[WatchlistEntry, _Mapping]] = ...) -> None: ...

class UpsertResponse(_message.Message):
    __slots__ = ("entry",)
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: WatchlistEntry
    def __init__(self, entry: _Optional[_Union[WatchlistEntry, _Mapping]] = ...) -> None: ...

class RemoveRequest(_message.Message):
    __slots__ = ("kind", "key")
    KIND_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    kind: EntryKind
    key: str
    def __init__(self, kind: _Optional[_Union[EntryKind, str]] = ..., key: _Optional[str] = ...) -> None: ...

class RemoveResponse(_message.Message):
    __slots__ = ("removed", "version")
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    removed: bool
    version: int
    def __init__(self, removed: _Optional[bool] = ..., version: _Optional[int] = ...) -> None: ...

class GetRequest(_message.Message):
    __slots__ = ("kind", "key")
    KIND_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    kind: EntryKind
    key: str
    def __init__(self, kind: _Optional[_Union[EntryKind, str]] = ..., key: _Optional[str] = ...) -> None: ...

class ListRequest(_message.Message):
    __slots__ = ("kind",)
    KIND_FIELD_NUMBER: _ClassVar[int]
    kind: EntryKind
    def __init__(self, kind: _Optional[_Union[EntryKind, str]] = ...) -> None: ...

class ImportOptions(_message.Message):
    __slots__ = ("skip_invalid", "created_by")
    SKIP_INVALID_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    skip_invalid: bool
    created_by: str
    def __init__(self, skip_invalid: _Optional[bool] = ..., created_by: _Optional[str] = ...) -> None: ...

class ImportRow(_message.Message):
    __slots__ = ("line", "entry")
    LINE_FIELD_NUMBER: _ClassVar[int]
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    line: int
    entry: WatchlistEntry
    def __init__(self, line: _Optional[int] = ..., entry: _Optional[_Union[WatchlistEntry, _Mapping]] = ...) -> None: ...

class ImportRequest(_message.Message):
    __slots__ = ("options", "rows")
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    options: ImportOptions
    rows: _containers.RepeatedCompositeFieldContainer[ImportRow]
    def __init__(self, options: _Optional[_Union[ImportOptions, _Mapping]] = ..., rows: _Optional[_Iterable[_Union[ImportRow, _Mapping]]] = ...) -> None: ...

class RowError(_message.Message):
    __slots__ = ("line", "message")
    LINE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    line: int
    message: str
    def __init__(self, line: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class ImportResponse(_message.Message):
    __slots__ = ("applied", "rejected", "errors", "version")
    APPLIED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    applied: int
    rejected: int
    errors: _containers.RepeatedCompositeFieldContainer[RowError]
    version: int
    def __init__(self, applied: _Optional[int] = ..., rejected: _Optional[int] = ..., errors: _Optional[_Iterable[_Union[RowError, _Mapping]]] = ..., version: _Optional[int] = ...) -> None: ...

class VehicleRegistration(_message.Message):
    __slots__ = ("plate", "color", "vehicle_class", "make", "line")
    PLATE_FIELD_NUMBER: _ClassVar[int]
    COLOR_FIELD_NUMBER: _ClassVar[int]
    VEHICLE_CLASS_FIELD_NUMBER: _ClassVar[int]
    MAKE_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    plate: str
    color: str
    vehicle_class: str
    make: str
    line: int
    def __init__(self, plate: _Optional[str] = ..., color: _Optional[str] = ..., vehicle_class: _Optional[str] = ..., make: _Optional[str] = ..., line: _Optional[int] = ...) -> None: ...

class ImportVehiclesRequest(_message.Message):
    __slots__ = ("options", "rows")
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    options: ImportOptions
    rows: _containers.RepeatedCompositeFieldContainer[VehicleRegistration]
    def __init__(self, options: _Optional[_Union[ImportOptions, _Mapping]] = ..., rows: _Optional[_Iterable[_Union[VehicleRegistration, _Mapping]]] = ...) -> None: ...

class ExportRequest(_message.Message):
    __slots__ = ("kind",)
    KIND_FIELD_NUMBER: _ClassVar[int]
    kind: EntryKind
    def __init__(self, kind: _Optional[_Union[EntryKind, str]] = ...) -> None: ...

class CheckRequest(_message.Message):
    __slots__ = ("plate",)
    PLATE_FIELD_NUMBER: _ClassVar[int]
    plate: str
    def __init__(self, plate: _Optional[str] = ...) -> None: ...

class CheckResponse(_message.Message):
    __slots__ = ("plate", "matches", "version")
    PLATE_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    plate: str
    matches: _containers.RepeatedCompositeFieldContainer[Match]
    version: int
    def __init__(self, plate: _Optional[str] = ..., matches: _Optional[_Iterable[_Union[Match, _Mapping]]] = ..., version: _Optional[int] = ...) -> None: ...

class SubscribeRequest(_message.Message):
    __slots__ = ("since_version",)
    SINCE_VERSION_FIELD_NUMBER: _ClassVar[int]
    since_version: int
    def __init__(self, since_version: _Optional[int] = ...) -> None: ...

class WatchlistChange(_message.Message):
    __slots__ = ("op", "version", "kind", "key", "entry", "actor", "at")
    class Op(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OP_UNSPECIFIED: _ClassVar[WatchlistChange.Op]
        UPSERT: _ClassVar[WatchlistChange.Op]
        REMOVE: _ClassVar[WatchlistChange.Op]
        RESET: _ClassVar[WatchlistChange.Op]
    OP_UNSPECIFIED: WatchlistChange.Op
    UPSERT: WatchlistChange.Op
    REMOVE: WatchlistChange.Op
    RESET: WatchlistChange.Op
    OP_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    op: WatchlistChange.Op
    version: int
    kind: EntryKind
    key: str
    entry: WatchlistEntry
    actor: str
    at: _timestamp_pb2.Timestamp
    def __init__(self, op: _Optional[_Union[WatchlistChange.Op, str]] = ..., version: _Optional[int] = ..., kind: _Optional[_Union[EntryKind, str]] = ..., key: _Optional[str] = ..., entry: _Optional[_Union[WatchlistEntry, _Mapping]] = ..., actor: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AddPersonRequest(_message.Message):
    __slots__ = ("entry", "photos", "embeddings", "keep_photos")
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    PHOTOS_FIELD_NUMBER: _ClassVar[int]
    EMBEDDINGS_FIELD_NUMBER: _ClassVar[int]
    KEEP_PHOTOS_FIELD_NUMBER: _ClassVar[int]
    entry: WatchlistEntry
    photos: _containers.RepeatedScalarFieldContainer[bytes]
    embeddings: _containers.RepeatedScalarFieldContainer[bytes]
    keep_photos: bool
    def __init__(self, entry: _Optional[_Union[WatchlistEntry, _Mapping]] = ..., photos: _Optional[_Iterable[bytes]] = ..., embeddings: _Optional[_Iterable[bytes]] = ..., keep_photos: _Optional[bool] = ...) -> None: ...

class AddPersonResponse(_message.Message):
    __slots__ = ("entry", "faces", "photos_kept")
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    FACES_FIELD_NUMBER: _ClassVar[int]
    PHOTOS_KEPT_FIELD_NUMBER: _ClassVar[int]
    entry: WatchlistEntry
    faces: int
    photos_kept: int
    def __init__(self, entry: _Optional[_Union[WatchlistEntry, _Mapping]] = ..., faces: _Optional[int] = ..., photos_kept: _Optional[int] = ...) -> None: ...

class MatchFacesRequest(_message.Message):
    __slots__ = ("embeddings", "limit")
    EMBEDDINGS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    embeddings: _containers.RepeatedScalarFieldContainer[bytes]
    limit: int
    def __init__(self, embeddings: _Optional[_Iterable[bytes]] = ..., limit: _Optional[int] = ...) -> None: ...

class FaceMatch(_message.Message):
    __slots__ = ("key", "name", "distance", "band", "reason", "category", "severity")
    KEY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_FIELD_NUMBER: _ClassVar[int]
    BAND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    key: str
    name: str
    distance: float
    band: FaceBand
    reason: str
    category: Category
    severity: Severity
    def __init__(self, key: _Optional[str] = ..., name: _Optional[str] = ..., distance: _Optional[float] = ..., band: _Optional[_Union[FaceBand, str]] = ..., reason: _Optional[str] = ..., category: _Optional[_Union[Category, str]] = ..., severity: _Optional[_Union[Severity, str]] = ...) -> None: ...

class FaceMatches(_message.Message):
    __slots__ = ("matches",)
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    matches: _containers.RepeatedCompositeFieldContainer[FaceMatch]
    def __init__(self, matches: _Optional[_Iterable[_Union[FaceMatch, _Mapping]]] = ...) -> None: ...

class MatchFacesResponse(_message.Message):
    __slots__ = ("faces", "version")
    FACES_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    faces: _containers.RepeatedCompositeFieldContainer[FaceMatches]
    version: int
    def __init__(self, faces: _Optional[_Iterable[_Union[FaceMatches, _Mapping]]] = ..., version: _Optional[int] = ...) -> None: ...

class ForgetPhotosRequest(_message.Message):
    __slots__ = ("key",)
    KEY_FIELD_NUMBER: _ClassVar[int]
    key: str
    def __init__(self, key: _Optional[str] = ...) -> None: ...

class ForgetPhotosResponse(_message.Message):
    __slots__ = ("removed",)
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    removed: int
    def __init__(self, removed: _Optional[int] = ...) -> None: ...

class PlateCandidate(_message.Message):
    __slots__ = ("text", "confidence", "char_confidence")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    CHAR_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    text: str
    confidence: float
    char_confidence: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, text: _Optional[str] = ..., confidence: _Optional[float] = ..., char_confidence: _Optional[_Iterable[float]] = ...) -> None: ...

class PlateReading(_message.Message):
    __slots__ = ("text", "confidence", "candidates", "color", "layers", "box", "char_confidence")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    COLOR_FIELD_NUMBER: _ClassVar[int]
    LAYERS_FIELD_NUMBER: _ClassVar[int]
    BOX_FIELD_NUMBER: _ClassVar[int]
    CHAR_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    text: str
    confidence: float
    candidates: _containers.RepeatedCompositeFieldContainer[PlateCandidate]
    color: str
    layers: int
    box: Box
    char_confidence: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, text: _Optional[str] = ..., confidence: _Optional[float] = ..., candidates: _Optional[_Iterable[_Union[PlateCandidate, _Mapping]]] = ..., color: _Optional[str] = ..., layers: _Optional[int] = ..., box: _Optional[_Union[Box, _Mapping]] = ..., char_confidence: _Optional[_Iterable[float]] = ...) -> None: ...

class VehicleObservation(_message.Message):
    __slots__ = ("color", "vehicle_class", "color_confidence", "box", "signature", "color_agreement", "color_doubtful", "class_confidence", "class_agreement", "frames")
    COLOR_FIELD_NUMBER: _ClassVar[int]
    VEHICLE_CLASS_FIELD_NUMBER: _ClassVar[int]
    COLOR_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    BOX_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    COLOR_AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    COLOR_DOUBTFUL_FIELD_NUMBER: _ClassVar[int]
    CLASS_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    CLASS_AGREEMENT_FIELD_NUMBER: _ClassVar[int]
    FRAMES_FIELD_NUMBER: _ClassVar[int]
    color: str
    vehicle_class: str
    color_confidence: float
    box: Box
    signature: _containers.RepeatedScalarFieldContainer[float]
    color_agreement: float
    color_doubtful: bool
    class_confidence: float
    class_agreement: float
    frames: int
    def __init__(self, color: _Optional[str] = ..., vehicle_class: _Optional[str] = ..., color_confidence: _Optional[float] = ..., box: _Optional[_Union[Box, _Mapping]] = ..., signature: _Optional[_Iterable[float]] = ..., color_agreement: _Optional[float] = ..., color_doubtful: _Optional[bool] = ..., class_confidence: _Optional[float] = ..., class_agreement: _Optional[float] = ..., frames: _Optional[int] = ...) -> None: ...

class Passage(_message.Message):
    __slots__ = ("passage_id", "checkpoint_id", "lane_id", "seen_at", "plate", "vehicle", "frames", "evidence_jpeg", "thumbnail_jpeg", "face")
    PASSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    LANE_ID_FIELD_NUMBER: _ClassVar[int]
    SEEN_AT_FIELD_NUMBER: _ClassVar[int]
    PLATE_FIELD_NUMBER: _ClassVar[int]
    VEHICLE_FIELD_NUMBER: _ClassVar[int]
    FRAMES_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_JPEG_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_JPEG_FIELD_NUMBER: _ClassVar[int]
    FACE_FIELD_NUMBER: _ClassVar[int]
    passage_id: str
    checkpoint_id: str
    lane_id: str
    seen_at: _timestamp_pb2.Timestamp
    plate: PlateReading
    vehicle: VehicleObservation
    frames: int
    evidence_jpeg: bytes
    thumbnail_jpeg: bytes
    face: FaceObservation
    def __init__(self, passage_id: _Optional[str] = ..., checkpoint_id: _Optional[str] = ..., lane_id: _Optional[str] = ..., seen_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., plate: _Optional[_Union[PlateReading, _Mapping]] = ..., vehicle: _Optional[_Union[VehicleObservation, _Mapping]] = ..., frames: _Optional[int] = ..., evidence_jpeg: _Optional[bytes] = ..., thumbnail_jpeg: _Optional[bytes] = ..., face: _Optional[_Union[FaceObservation, _Mapping]] = ...) -> None: ...

class FaceObservation(_message.Message):
    __slots__ = ("embedding", "box", "quality")
    EMBEDDING_FIELD_NUMBER: _ClassVar[int]
    BOX_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    embedding: bytes
    box: Box
    quality: float
    def __init__(self, embedding: _Optional[bytes] = ..., box: _Optional[_Union[Box, _Mapping]] = ..., quality: _Optional[float] = ...) -> None: ...

class ScreenRequest(_message.Message):
    __slots__ = ("passage",)
    PASSAGE_FIELD_NUMBER: _ClassVar[int]
    passage: Passage
    def __init__(self, passage: _Optional[_Union[Passage, _Mapping]] = ...) -> None: ...

class ScreenResponse(_message.Message):
    __slots__ = ("passage_id", "verdict", "reason", "matches", "watchlist_version", "alert_id", "face_matches")
    PASSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    WATCHLIST_VERSION_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    FACE_MATCHES_FIELD_NUMBER: _ClassVar[int]
    passage_id: str
    verdict: Verdict
    reason: str
    matches: _containers.RepeatedCompositeFieldContainer[Match]
    watchlist_version: int
    alert_id: str
    face_matches: _containers.RepeatedCompositeFieldContainer[FaceMatch]
    def __init__(self, passage_id: _Optional[str] = ..., verdict: _Optional[_Union[Verdict, str]] = ..., reason: _Optional[str] = ..., matches: _Optional[_Iterable[_Union[Match, _Mapping]]] = ..., watchlist_version: _Optional[int] = ..., alert_id: _Optional[str] = ..., face_matches: _Optional[_Iterable[_Union[FaceMatch, _Mapping]]] = ...) -> None: ...

class RestrictionsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RestrictionsResponse(_message.Message):
    __slots__ = ("config_json",)
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    config_json: str
    def __init__(self, config_json: _Optional[str] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ("id", "checkpoint_id", "lane_id", "time", "verdict", "reason", "matches", "plate", "evidence_jpeg", "thumbnail_jpeg", "subject", "sightings", "escalated", "acknowledged_by", "acknowledged_at", "event_id", "event", "severity", "last_seen")
    class Event(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        EVENT_UNSPECIFIED: _ClassVar[Alert.Event]
        RAISED: _ClassVar[Alert.Event]
        SIGHTED: _ClassVar[Alert.Event]
        ACKNOWLEDGED: _ClassVar[Alert.Event]
        ESCALATED: _ClassVar[Alert.Event]
    EVENT_UNSPECIFIED: Alert.Event
    RAISED: Alert.Event
    SIGHTED: Alert.Event
    ACKNOWLEDGED: Alert.Event
    ESCALATED: Alert.Event
    ID_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    LANE_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    PLATE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_JPEG_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_JPEG_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    SIGHTINGS_FIELD_NUMBER: _ClassVar[int]
    ESCALATED_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_BY_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_AT_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_FIELD_NUMBER: _ClassVar[int]
    id: str
    checkpoint_id: str
    lane_id: str
    time: _timestamp_pb2.Timestamp
    verdict: Verdict
    reason: str
    matches: _containers.RepeatedCompositeFieldContainer[Match]
    plate: PlateReading
    evidence_jpeg: bytes
    thumbnail_jpeg: bytes
    subject: str
    sightings: int
    escalated: bool
    acknowledged_by: str
    acknowledged_at: _timestamp_pb2.Timestamp
    event_id: str
    event: Alert.Event
    severity: Severity
    last_seen: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., checkpoint_id: _Optional[str] = ..., lane_id: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., verdict: _Optional[_Union[Verdict, str]] = ..., reason: _Optional[str] = ..., matches: _Optional[_Iterable[_Union[Match, _Mapping]]] = ..., plate: _Optional[_Union[PlateReading, _Mapping]] = ..., evidence_jpeg: _Optional[bytes] = ..., thumbnail_jpeg: _Optional[bytes] = ..., subject: _Optional[str] = ..., sightings: _Optional[int] = ..., escalated: _Optional[bool] = ..., acknowledged_by: _Optional[str] = ..., acknowledged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., event_id: _Optional[str] = ..., event: _Optional[_Union[Alert.Event, str]] = ..., severity: _Optional[_Union[Severity, str]] = ..., last_seen: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AlertSubscribeRequest(_message.Message):
    __slots__ = ("after_id", "checkpoint_id")
    AFTER_ID_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_ID_FIELD_NUMBER: _ClassVar[int]
    after_id: str
    checkpoint_id: str
    def __init__(self, after_id: _Optional[str] = ..., checkpoint_id: _Optional[str] = ...) -> None: ...

class AcknowledgeRequest(_message.Message):
    __slots__ = ("alert_id", "officer")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    OFFICER_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    officer: str
    def __init__(self, alert_id: _Optional[str] = ..., officer: _Optional[str] = ...) -> None: ...

class AcknowledgeResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: Alert
    def __init__(self, alert: _Optional[_Union[Alert, _Mapping]] = ...) -> None: ...
