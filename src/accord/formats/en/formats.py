"""Accord's date formats in English (FORMAT_MODULE_PATH); other languages keep Django's own.

Every date on a page, in an e-mail or an export goes through accord.core.dates, which reads these by
name: "Jan 5, 2027", "Jan 5", "Jan 5, 2027, 14:30".
"""

DATE_FORMAT = "M j, Y"
MONTH_DAY_FORMAT = "M j"
DATETIME_FORMAT = "M j, Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y, H:i"
