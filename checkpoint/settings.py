"""The base of every configuration section (central, edge, reader, faces, alerts, auth,
restrictions, the model registry).

A key the model does not know is an error, not ignored: an operator's typo
(`escalate_afer_s = 5`) must stop the service at start-up, not leave the default running
unnoticed at a checkpoint. Sections are frozen: configuration is read once, and a running
lane never sees it change under it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
