"""Scale bars for maps drawn on screen and in PDFs: round lengths and their labels."""

from __future__ import annotations

import math

NICE_STEPS = (1.0, 2.0, 5.0)


def nice_distance(limit_m: float) -> float:
    """The largest 1-2-5 × 10ⁿ metres not above ``limit_m`` (the scale bar's length)."""
    if limit_m <= 0:
        return 0.0
    power = 10.0 ** math.floor(math.log10(limit_m))
    return max(step * power for step in NICE_STEPS if step * power <= limit_m)


def scale_label(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
