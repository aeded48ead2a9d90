"""Rows as the API's JSON: the response models of server.api.schemas read the rows' attributes, so each shape
is declared once (there); this module only supplies what a row does not hold (a clip's outcome and links)."""

from __future__ import annotations

from typing import Any

from paperdrop.server.api.schemas import ClipAccepted, ClipOut, ClipRejected, PaperDetail, PaperSummary
from paperdrop.server.services.outcome import Links, Outcome, clip_outcome
from paperdrop.server.services.save import SavedClip
from paperdrop.server.store.models import Clip, ClipState, Delivery, Paper


class _ClipView:
    """A clip's attributes plus its outcome, deliveries and review link, for `ClipOut`."""

    def __init__(self, clip: Clip, delivery: Delivery | None, links: Links):
        self._clip = clip
        self.deliveries = [delivery] if delivery is not None else []
        self.outcome = clip_outcome(clip, delivery, links=links)
        self.review_url = links.review(clip.id) if clip.status == ClipState.NEEDS_REVIEW else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._clip, name)


def clip_json(clip: Clip, delivery: Delivery | None, links: Links) -> dict[str, Any]:
    return ClipOut.model_validate(_ClipView(clip, delivery, links)).model_dump(mode="json")


def answer_json(answer: SavedClip | Outcome) -> dict[str, Any]:
    """One entry of the POST /clips answer."""
    if isinstance(answer, Outcome):
        return ClipRejected.model_validate({"outcome": answer}).model_dump(mode="json")
    return ClipAccepted.model_validate(answer).model_dump(mode="json")


def paper_summary_json(paper: Paper) -> dict[str, Any]:
    return PaperSummary.model_validate(paper).model_dump(mode="json")


def paper_detail_json(paper: Paper) -> dict[str, Any]:
    return PaperDetail.model_validate(paper).model_dump(mode="json")
