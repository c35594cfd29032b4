"""Declaring routes: each route states its inputs (pydantic models), roles and response, and the
machinery authenticates, validates, calls the chaincode and records the route for OpenAPI."""
from .route import Routes, RouteSpec

__all__ = ["RouteSpec", "Routes"]
