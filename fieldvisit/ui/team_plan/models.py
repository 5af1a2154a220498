"""The team plan's route tables: the Plan screen's route model, with stops dragged between crews."""

from __future__ import annotations

from fieldvisit.ui.plan.models import RouteModel

STOP_MIME = "application/x-fieldvisit-team-stop"


class CrewRouteModel(RouteModel):
    """One crew's route; a drag carries the case id, so a drop may come from another crew's list.

    ``move_requested`` then gives the case id and the row it lands before; the screen decides.
    """

    MIME = STOP_MIME

    def __init__(self, crew_id: int, lang: str, parent: object = None) -> None:
        super().__init__(lang, parent)
        self.crew_id = crew_id

    def drag_key(self, row: int) -> int:
        return self.rows[row].stop.case_id
