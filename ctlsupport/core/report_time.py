"""Time for the service-level report: the period asked for, the reader's time zone, and
working time (Monday-Friday 9:00-17:00 Pacific) between two moments. Pure functions;
`now` is always passed in.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ctlsupport.core.escalation import PACIFIC, TASK_WORK_END, TASK_WORK_START
from ctlsupport.errors import UsageError

_SINCE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
DEFAULT_SINCE = "30d"


@dataclass(frozen=True)
class Period:
    """Tickets created at or after `start` and before `end` (both aware, UTC)."""

    start: datetime
    end: datetime
    zone: str  # the IANA name days and weeks are counted in
    label: str  # what the user asked for: "last 30d" or "2026-03-01 to 2026-03-31"

    @property
    def tz(self) -> tzinfo:
        return zone(self.zone)


def zone(name: str) -> tzinfo:
    """A time zone by IANA name ("UTC", "Europe/Berlin"); a clear error when unknown."""
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"--tz: unknown time zone {name!r}",
            hint="Use an IANA name such as Europe/Berlin, America/New_York or UTC.",
        ) from None


def local_zone_name() -> str:
    """This machine's time zone by IANA name (TZ, then /etc/localtime), else UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name and _known(name):
        return name
    try:
        target = Path("/etc/localtime").resolve()
    except OSError:
        return "UTC"
    parts = target.parts
    if "zoneinfo" in parts:
        candidate = "/".join(parts[parts.index("zoneinfo") + 1 :])
        if candidate and _known(candidate):
            return candidate
    return "UTC"


def _known(name: str) -> bool:
    try:
        zone(name)
    except UsageError:
        return False
    return True


def parse_day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{flag} must be a date as YYYY-MM-DD, not {text!r}") from None


def period(
    *,
    now: datetime,
    zone_name: str,
    since: str | None = None,
    first_day: str | None = None,
    last_day: str | None = None,
) -> Period:
    """The period from `--since 30d` (up to now) or `--from/--to` (whole days, both
    included, midnight to midnight in the reader's time zone)."""
    tz = zone(zone_name)
    if since is not None and (first_day or last_day):
        raise UsageError("give either --since or --from/--to, not both")
    if first_day or last_day:
        start_day = parse_day(first_day, "--from") if first_day else None
        end_day = parse_day(last_day, "--to") if last_day else now.astimezone(tz).date()
        if start_day is None:
            start_day = end_day - timedelta(days=29)
        if end_day < start_day:
            raise UsageError("--to is before --from")
        start = _midnight(start_day, tz)
        end = _midnight(end_day + timedelta(days=1), tz)
        return Period(start, end, zone_name, f"{start_day} to {end_day}")
    text = since or DEFAULT_SINCE
    found = _SINCE.match(text)
    if not found or int(found[1]) == 0:
        raise UsageError(
            f"--since must be a number and a unit (h, d or w), such as 30d, not {text!r}"
        )
    length = int(found[1]) * _UNIT[found[2].lower()]
    now = now.astimezone(UTC)
    return Period(now - length, now, zone_name, f"last {found[1]}{found[2].lower()}")


def _midnight(day: date, tz: tzinfo) -> datetime:
    """The first moment of a day in `tz`, in UTC (zoneinfo resolves DST)."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def week_start(moment: datetime, tz: tzinfo) -> date:
    """The Monday of the week `moment` falls in, in `tz`."""
    day = moment.astimezone(tz).date()
    return day - timedelta(days=day.weekday())


def business_seconds(start: datetime, end: datetime) -> int:
    """Working seconds between two moments: Monday-Friday 9:00-17:00 Pacific."""
    if end <= start:
        return 0
    # Pacific wall-clock times: daylight saving changes at 2:00, never inside 9:00-17:00,
    # so a stretch of working hours is as long on the wall clock as it really is.
    low = start.astimezone(PACIFIC).replace(tzinfo=None)
    high = end.astimezone(PACIFIC).replace(tzinfo=None)
    total = 0.0
    day = low.date()
    while day <= high.date():
        if day.weekday() < 5:
            opens = datetime.combine(day, TASK_WORK_START)
            closes = datetime.combine(day, TASK_WORK_END)
            begin, finish = max(low, opens), min(high, closes)
            if finish > begin:
                total += (finish - begin).total_seconds()
        day += timedelta(days=1)
    return int(total)


BUSINESS_DAY_SECONDS = 8 * 3600
