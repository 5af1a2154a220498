"""The route map: stops drawn where the shared projection puts them; tiles fetched and cached."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtGui import QColor, QImage, QPainter
from pytestqt.qtbot import QtBot

from fieldvisit.domain.map_projection import APPROVAL_COLOUR, ROUTE_COLOUR, MapStop, fit
from fieldvisit.ui.maps.route_map import MARGIN, PlanMap
from fieldvisit.ui.maps.route_tiles import TileLayer, tile_rect, tiles_covering, zoom_for

STOPS = [
    MapStop(31.20, 121.50, "A"),
    MapStop(31.25, 121.56, "B", needs_approval=True),
    MapStop(31.23, 121.60, "C"),
]


def _close(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 40


def test_each_stop_is_drawn_where_the_projection_puts_it(qtbot: QtBot) -> None:
    view = PlanMap()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.set_route(STOPS, (31.22, 121.54))
    image = view.grab().toImage()
    points = [(s.lat, s.lon) for s in STOPS] + [(31.22, 121.54)]
    projection = fit(points, 398, 298, MARGIN)
    for stop, colour in zip(STOPS, (ROUTE_COLOUR, APPROVAL_COLOUR, ROUTE_COLOUR), strict=True):
        x, y = projection.project(stop.lat, stop.lon)
        # Just off the centre, beside the white stop number.
        assert _close(image.pixelColor(round(x) + 1, round(y) + 7), QColor(colour))
    assert view.stops() == STOPS


def test_the_tile_under_the_centre_covers_it() -> None:
    projection = fit([(31.2, 121.5), (31.3, 121.6)], 400, 300, 20)
    z = zoom_for(projection)
    n = 2**z
    lat = math.radians(projection.lat0)
    x = int((projection.lon0 + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)
    rect = tile_rect(projection, z, x, y)
    assert rect.contains(projection.centre_x, projection.centre_y)
    assert 256 / 1.5 < rect.width() < 256 * 1.5  # tiles drawn near their own scale
    assert (z, x, y) in tiles_covering(projection, 400, 300)


def test_tiles_are_fetched_once_then_read_from_the_cache(qtbot: QtBot, tmp_path: Path) -> None:
    projection = fit([(31.2, 121.5), (31.3, 121.6)], 400, 300, 20)
    keys = tiles_covering(projection, 400, 300)
    server = tmp_path / "server"
    tile = QImage(256, 256, QImage.Format.Format_RGB32)
    tile.fill(QColor("#c8e6c9"))
    for z, x, y in keys[1:]:  # the first tile is missing on the server
        (server / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
        tile.save(str(server / str(z) / str(x) / f"{y}.png"))
    layer = TileLayer(server.as_uri() + "/{z}/{x}/{y}.png", tmp_path / "cache")
    canvas = QImage(400, 300, QImage.Format.Format_RGB32)
    painter = QPainter(canvas)
    layer.draw(painter, projection, 400, 300)
    qtbot.waitUntil(lambda: all(layer.path(k).is_file() for k in keys[1:]), timeout=5000)
    qtbot.waitUntil(lambda: not layer._pending, timeout=5000)
    assert not layer.path(keys[0]).exists()  # offline or refused: nothing cached, no error
    layer.draw(painter, projection, 400, 300)  # now from the disk cache
    painter.end()
    z, x, y = keys[-1]
    centre = tile_rect(projection, z, x, y).center()
    if 0 <= centre.x() < 400 and 0 <= centre.y() < 300:
        assert _close(canvas.pixelColor(int(centre.x()), int(centre.y())), QColor("#c8e6c9"))


def test_the_summary_says_when_a_round_is_proven_optimal() -> None:
    import dataclasses
    from datetime import UTC, date, datetime

    from fieldvisit.services.planning.model import RoundPlan
    from fieldvisit.ui.plan.models import round_summary

    at = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    plan = RoundPlan(1, date(2026, 12, 2), at, at, None, None, (), (), 600, 5000, ())
    assert "optimal" not in round_summary(plan, "en")
    assert round_summary(dataclasses.replace(plan, optimal=True), "en").endswith("proven optimal")
    assert round_summary(dataclasses.replace(plan, optimal=True), "zh").endswith("已证明最优")
