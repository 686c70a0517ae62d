"""Every configuration section refuses unknown keys and cannot change once read."""

from __future__ import annotations

import pydantic
import pytest

from central.alerts.config import AlertsConfig
from central.auth import AuthConfig
from central.config import CentralConfig, PersonsConfig, ScreeningConfig
from checkpoint.restrictions import Restrictions
from checkpoint.settings import Settings
from edge.config import EdgeConfig
from edge.faces.analyze import FaceConfig
from edge.faces.quality import QualityGate
from edge.read.config import PPOCRConfig

SECTIONS: list[type[Settings]] = [
    AlertsConfig,
    AuthConfig,
    CentralConfig,
    PersonsConfig,
    ScreeningConfig,
    Restrictions,
    EdgeConfig,
    FaceConfig,
    QualityGate,
    PPOCRConfig,
]


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.__name__)
def test_a_typo_is_an_error_and_a_read_section_is_frozen(section: type[Settings]) -> None:
    with pytest.raises(pydantic.ValidationError, match="Extra inputs are not permitted"):
        section.model_validate({"no_such_key_typo": 1})
    config = section()
    field = next(iter(section.model_fields))
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        setattr(config, field, getattr(config, field))
