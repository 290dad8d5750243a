"""The range of .NET's decimal, the type LEAN keeps money in."""

#: ``decimal.MaxValue``: 2**96 - 1. LEAN cannot hold cash beyond it (the cast overflows).
DECIMAL_MAX_VALUE = 79228162514264337593543950335


def money_limit_problem(amount: float) -> str | None:
    """Why ``amount`` cannot be cash in LEAN, or None when it can."""
    if amount > DECIMAL_MAX_VALUE:
        return (
            f"{amount:g} is beyond the largest amount LEAN's decimal holds "
            f"({DECIMAL_MAX_VALUE:.3g}): give a smaller amount"
        )
    return None
