"""``self.notify`` (LEAN's ``NotificationManager``): email, SMS, web and Telegram messages.

LEAN sends them from live algorithms only: in a backtest each call sends nothing and returns
False (``NotificationManager``: ``if (!_liveMode) return false``), and so it does here. The
arguments are checked as LEAN's signatures type them.
"""

from __future__ import annotations

from typing import Any

from local_lean.lean_members import LeanMembers


def _check_text(**values: Any) -> None:
    for name, value in values.items():
        if not isinstance(value, str):
            raise TypeError(f"notify: {name} must be a string, got {value!r}")


class NotificationManager(
    LeanMembers,
    lean_class="QuantConnect.Notifications.NotificationManager",
    hint="a backtest sends no notifications (email, sms, web and telegram return False)",
):
    """The notifications of a backtest: none are sent; each call returns False."""

    def email(
        self, address: str, subject: str, message: str, data: str = "", headers: Any = None
    ) -> bool:
        _check_text(address=address, subject=subject, message=message, data=data)
        return False

    def sms(self, phone_number: str, message: str) -> bool:
        _check_text(phone_number=phone_number, message=message)
        return False

    def web(self, address: str, data: Any = None, headers: Any = None) -> bool:
        _check_text(address=address)
        return False

    def telegram(self, id: str, message: str, token: str | None = None) -> bool:
        _check_text(id=id, message=message)
        return False


__all__ = ["NotificationManager"]
