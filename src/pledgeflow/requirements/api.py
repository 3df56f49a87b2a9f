"""HTTP <-> requirements services and selectors."""

from ninja import Router

router = Router(tags=["requirements"])
