"""Fair shares of a burden-sharing baseline: plain arithmetic over decimals, no database.

Washington Summit, July 2024: a baseline of security assistance shared in proportion to each ally's share of
Allied GDP. Fair share of ally *i* = baseline x GDP_i / sum of GDP over the participating allies.

Shares are given in euro cents and always add up to the baseline exactly: each share is first rounded down to
the cent, and the cents left over go one each to the allies whose exact shares lost most in the rounding
(the largest-remainder method; ties go to the larger economy, then to the code in alphabetical order, so the
result never depends on the order of the input).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal, localcontext

__all__ = ["CENT", "fair_shares"]

#: The smallest amount a fair share is given in.
CENT = Decimal("0.01")


def fair_shares(baseline_eur: Decimal, gdp_by_code: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Each participant's fair share of ``baseline_eur`` (in cents), in proportion to its GDP.

    ``gdp_by_code`` maps the participating allies' codes to their GDP (any currency: only the proportions
    matter). Participants with zero GDP get a zero share. The shares add up to ``baseline_eur`` rounded to
    the cent. An empty mapping, or one whose GDP adds up to zero, answers an empty dict: nobody shares.
    """
    if baseline_eur < 0:
        raise ValueError(f"The baseline must be zero or more; got {baseline_eur}.")
    total_gdp = sum(gdp_by_code.values(), Decimal(0))
    if not gdp_by_code or total_gdp <= 0:
        return {}
    target = baseline_eur.quantize(CENT)
    with localcontext() as ctx:
        # Enough digits that no exact share is rounded before we round it to the cent ourselves.
        ctx.prec = 50
        exact = {code: target * gdp / total_gdp for code, gdp in gdp_by_code.items()}
        floors = {code: value.quantize(CENT, rounding=ROUND_FLOOR) for code, value in exact.items()}
        left_over = int((target - sum(floors.values(), Decimal(0))) / CENT)
        order = sorted(exact, key=lambda code: (-(exact[code] - floors[code]), -gdp_by_code[code], code))
    for code in order[:left_over]:
        floors[code] += CENT
    return floors
