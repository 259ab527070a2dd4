"""Pure arithmetic of goals: periods, progress, the trend projection, status and downsampling.

How status is computed (the same words are shown in the UI, see STATUS_EXPLAINED):
- progress = how far the latest value has come from the baseline towards the target, 0-100 %
  (for a range: 100 % inside it, else how much of the baseline's distance to the range is gone);
- the trend is a least-squares line through the measurements of the last TREND_DAYS days (at least
  the last 3 points), projected to the goal's end date;
- on track: the target is reached, or the projection reaches it by the end date;
  at risk: the projection gets at least AT_RISK_SHARE of the way;
  off track: less than that (or the period is over and the target was missed by more);
  no data: nothing measured yet.
A goal's progress is the mean of its key results'; its status is the worst of theirs.
"""

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

TREND_DAYS = 42
AT_RISK_SHARE = 0.8
SERIES_POINTS = 60  # the stored, downsampled series of a key result (scoreboard sparklines)

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on_track", "at_risk", "off_track", "no_data"
STATUS_LABELS = {
    ON_TRACK: "On track",
    AT_RISK: "At risk",
    OFF_TRACK: "Off track",
    NO_DATA: "No data",
}
STATUS_ORDER = {OFF_TRACK: 0, AT_RISK: 1, ON_TRACK: 2, NO_DATA: 3}
STATUS_EXPLAINED = (
    f"Progress is how far the latest value has come from the baseline to the target. Status "
    f"projects the trend of the last {TREND_DAYS // 7} weeks of measurements (a least-squares line) "
    f"to the goal's end date: on track when it reaches the target, at risk when it gets at least "
    f"{round(AT_RISK_SHARE * 100)} % of the way, off track below that. A goal is as good as its "
    f"weakest key result."
)


# ---------------------------------------------------------------- periods


def period_dates(kind: str, period: str) -> tuple[date, date] | None:
    """"2026-Q3" (quarter), "2026-H2" (half), "2026" (year) -> (first day, last day); None if malformed."""
    period = (period or "").strip().upper()
    m = re.fullmatch(r"(\d{4})(?:-(Q[1-4]|H[12]))?", period)
    if not m:
        return None
    year, part = int(m.group(1)), m.group(2)
    if year < 1900 or year > 2999:
        return None
    if kind == "year" and part is None:
        return date(year, 1, 1), date(year, 12, 31)
    if kind == "quarter" and part and part.startswith("Q"):
        q = int(part[1])
        start = date(year, 3 * q - 2, 1)
    elif kind == "half" and part and part.startswith("H"):
        start = date(year, 1 if part == "H1" else 7, 1)
    else:
        return None
    months = 3 if kind == "quarter" else 6
    end_month = start.month + months
    end = date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def period_label(kind: str, start: date, end: date) -> str:
    if kind == "year":
        return str(start.year)
    if kind == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if kind == "half":
        return f"{start.year} H{1 if start.month <= 6 else 2}"
    return f"{start:%d %b %Y} to {end:%d %b %Y}"


# ---------------------------------------------------------------- progress, trend and status


@dataclass(frozen=True)
class Target:
    direction: str  # increase, decrease, range
    baseline: float
    target: float  # a range's upper bound
    target_min: float | None = None  # a range's lower bound


def progress(t: Target, value: float | None) -> float | None:
    """0.0-1.0 of the way from baseline to target (None without a value)."""
    if value is None:
        return None
    if t.direction == "range":
        lo, hi = t.target_min if t.target_min is not None else t.target, t.target
        if lo <= value <= hi:
            return 1.0
        start = max(lo - t.baseline, t.baseline - hi, 0.0)
        now = max(lo - value, value - hi, 0.0)
        return 0.0 if start <= 0 else max(0.0, min(1.0, 1 - now / start))
    span = t.target - t.baseline
    if span == 0:
        return None
    return max(0.0, min(1.0, (value - t.baseline) / span))


def trend(points: list[tuple[date, float]], today: date) -> tuple[float, float] | None:
    """(slope per day, value at `today`) of the least-squares line through the recent points."""
    recent = [p for p in points if p[0] >= today - timedelta(days=TREND_DAYS)]
    if len(recent) < 3:
        recent = points[-3:]
    if len(recent) < 2:
        return None
    xs = [(d - today).days for d, _ in recent]
    ys = [v for _, v in recent]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    if var == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var
    return slope, my - slope * mx


@dataclass(frozen=True)
class Line:
    """The trend line through the recent points: `at_last` on the date of the last point, then
    `slope` per day. Stored in a key result's summary, so status costs nothing to read."""

    last: date
    at_last: float
    slope: float

    def at(self, day: date) -> float:
        return self.at_last + self.slope * (day - self.last).days


def fit(points: list[tuple[date, float]]) -> Line | None:
    """The trend line of the points, seen from the last one (None with fewer than 2 dates)."""
    if not points:
        return None
    line = trend(points, points[-1][0])
    return None if line is None else Line(points[-1][0], line[1], line[0])


def project(line: Line | None, end: date) -> tuple[date, float] | None:
    """Where the trend line arrives at the end date (None when the period is over or no trend)."""
    if line is None or end <= line.last:
        return None
    return end, line.at(end)


def projection(
    points: list[tuple[date, float]], end: date, today: date
) -> tuple[date, float] | None:
    return project(fit(points), end)


def judge(t: Target, latest: float | None, projected: tuple[date, float] | None) -> str:
    """The status from the latest value and the projection (see the module's docstring)."""
    if latest is None:
        return NO_DATA
    now = progress(t, latest)
    if now is not None and now >= 1.0:
        return ON_TRACK
    if projected is None:  # the period is over (or a single point): judge the latest value
        share = now or 0.0
    else:
        share = progress(t, projected[1]) or 0.0
    if share >= 1.0:
        return ON_TRACK
    return AT_RISK if share >= AT_RISK_SHARE else OFF_TRACK


def status(t: Target, points: list[tuple[date, float]], end: date, today: date) -> str:
    return judge(t, points[-1][1] if points else None, projection(points, end, today))


def worst(statuses: list[str]) -> str:
    measured = [s for s in statuses if s != NO_DATA]
    if not measured:
        return NO_DATA
    return min(measured, key=lambda s: STATUS_ORDER[s])


# ---------------------------------------------------------------- downsampling


def downsample(points: list[tuple[date, float]], limit: int) -> list[tuple[date, float]]:
    """At most `limit` points: the mean of equal buckets, keeping the first and the last point exact.

    Charts show the shape of years of daily numbers without shipping every point; the latest
    value (what progress is computed from) is always among them.
    """
    if len(points) <= limit:
        return list(points)
    inner, buckets = points[1:-1], limit - 2
    size = len(inner) / buckets
    out = [points[0]]
    for b in range(buckets):
        chunk = inner[int(b * size) : max(int((b + 1) * size), int(b * size) + 1)]
        if not chunk:
            continue
        mid = chunk[len(chunk) // 2][0]
        out.append((mid, sum(v for _, v in chunk) / len(chunk)))
    out.append(points[-1])
    return out


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
