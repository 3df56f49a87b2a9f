"""HTTP <-> pledges services and selectors."""

from ninja import Router

router = Router(tags=["pledges"])
