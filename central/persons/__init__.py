"""Wanted persons at central: their face embeddings in Redis and the 1:N matcher.

`PersonStore` writes a person entry together with its embeddings (and, only when asked,
the enrolment photos); `FaceIndex` keeps every active person's embeddings in one numpy
matrix, refreshed from the watchlist change stream, and answers nearest-person queries
with a band: MATCH (STOP and alert), REVIEW (CHECK) or NONE.
"""

from central.persons.matcher import Band, FaceBands, FaceIndex, FaceMatch, FaceMatrix, Person
from central.persons.store import PersonStore

__all__ = [
    "Band",
    "FaceBands",
    "FaceIndex",
    "FaceMatch",
    "FaceMatrix",
    "Person",
    "PersonStore",
]
