"""Progress, trend, status and downsampling: the arithmetic the UI explains."""

from datetime import date, timedelta

from accord.goals import progress as calc

END = date(2030, 12, 31)
TODAY = date(2030, 7, 1)


def line(start_value: float, per_day: float, days: int = 60) -> list[tuple[date, float]]:
    return [(TODAY - timedelta(days=days - i), start_value + per_day * i) for i in range(days + 1)]


def test_progress_from_baseline_to_target_both_ways():
    up = calc.Target("increase", 100, 500)
    assert calc.progress(up, 300) == 0.5
    assert calc.progress(up, 50) == 0.0 and calc.progress(up, 900) == 1.0
    down = calc.Target("decrease", 10, 2)  # churn from 10 % to 2 %
    assert calc.progress(down, 6) == 0.5
    assert calc.progress(up, None) is None


def test_progress_of_a_range():
    band = calc.Target("range", 80, 40, target_min=20)  # from 80 into 20..40
    assert calc.progress(band, 30) == 1.0
    assert calc.progress(band, 60) == 0.5
    assert calc.progress(band, 90) == 0.0


def test_status_projects_the_recent_trend_to_the_end_date():
    t = calc.Target("increase", 0, 100)
    on = line(10, 0.5)  # +0.5 a day: 40 today, ~130 by the end -> on track
    assert calc.status(t, on, END, TODAY) == calc.ON_TRACK
    slow = line(10, 0.25)  # 25 today, ~71 by the end: 71 % of the way -> off track
    assert calc.status(t, slow, END, TODAY) == calc.OFF_TRACK
    risky = line(10, 0.32)  # ~29 today, ~88 by the end -> at risk
    assert calc.status(t, risky, END, TODAY) == calc.AT_RISK
    assert calc.status(t, [], END, TODAY) == calc.NO_DATA
    done = line(0, 2)  # already at 120
    assert calc.status(t, done, END, TODAY) == calc.ON_TRACK


def test_a_goal_is_as_good_as_its_weakest_key_result():
    assert calc.worst([calc.ON_TRACK, calc.AT_RISK, calc.NO_DATA]) == calc.AT_RISK
    assert calc.worst([calc.NO_DATA]) == calc.NO_DATA


def test_downsampling_keeps_the_ends_and_the_shape():
    points = line(0, 1, days=729)
    small = calc.downsample(points, 60)
    assert len(small) <= 60
    assert small[0] == points[0] and small[-1] == points[-1]
    values = [v for _, v in small]
    assert values == sorted(values)  # a rising line stays rising


def test_periods():
    assert calc.period_dates("quarter", "2026-q3") == (date(2026, 7, 1), date(2026, 9, 30))
    assert calc.period_dates("half", "2026-H2") == (date(2026, 7, 1), date(2026, 12, 31))
    assert calc.period_dates("year", "2026") == (date(2026, 1, 1), date(2026, 12, 31))
    assert calc.period_dates("quarter", "2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert calc.period_dates("quarter", "2026") is None
    assert calc.period_label("quarter", date(2026, 7, 1), date(2026, 9, 30)) == "2026 Q3"
