"""How long records are kept: the retention period and its legal minimum per jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fieldvisit.domain.errors import ValidationError

DEFAULT_YEARS = 3
# China: collection records kept at least two years (2011 credit-card measures, Art. 68).
MINIMUM_YEARS = {"CN": 2}
ANONYMISED_NAME = "（已匿名）"


@dataclass(frozen=True)
class RetentionPolicy:
    years: int = DEFAULT_YEARS
    jurisdiction: str = "CN"

    def __post_init__(self) -> None:
        minimum = MINIMUM_YEARS.get(self.jurisdiction, 1)
        if self.years < minimum:
            raise ValidationError(
                "error.retention.too_short",
                years=self.years,
                minimum=minimum,
                jurisdiction=self.jurisdiction,
            )

    def cutoff(self, now: datetime) -> datetime:
        """Records older than this are past retention; 29 February falls back to the 28th."""
        try:
            return now.replace(year=now.year - self.years)
        except ValueError:
            return now.replace(year=now.year - self.years, day=28)
