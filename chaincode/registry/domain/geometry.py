"""A parcel's outline as a GeoJSON Polygon or MultiPolygon (RFC 7946); checked for shape only."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import AfterValidator


def _check_ring(ring: Any) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValueError("a linear ring is a list of at least 4 positions")
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) not in (2, 3)
            or not all(
                isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c) for c in position
            )
        ):
            raise ValueError("a position is [x, y] or [x, y, z] of finite numbers")
    if ring[0] != ring[-1]:
        raise ValueError("a linear ring must end where it starts")


def _check_polygon(rings: Any) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValueError("a polygon is a non-empty list of linear rings")
    for ring in rings:
        _check_ring(ring)


def check_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        _check_polygon(coordinates)
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise ValueError("a MultiPolygon is a non-empty list of polygons")
        for polygon in coordinates:
            _check_polygon(polygon)
    else:
        raise ValueError("geometry must be a GeoJSON Polygon or MultiPolygon")
    return geometry


Geometry = Annotated[dict[str, Any], AfterValidator(check_geometry)]
