"""The date filters of every template (a builtin, see settings.TEMPLATES): |day, |month_day, |moment
and |day_range, all from accord.core.dates. Templates use these, never |date:"...".
"""

from django import template

from accord.core import dates

register = template.Library()
register.filter("day", dates.day)
register.filter("month_day", dates.month_day)
register.filter("moment", dates.moment)
register.filter("day_range", dates.day_range)
