"""Project dates: duration in months, the bounds of a project's end, the submission day."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import Application, FundingRound
from core.formatting import de_date

from .base import now_or


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def duration_months(start: dt.date, end: dt.date) -> int:
    """Months from ``start`` to ``end`` inclusive, a started month counting as a whole one:
    01.01.2020–31.12.2020 is 12, 01.01.2020–01.01.2021 is 13."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    while months > 0 and _add_months(start, months) > after:
        months -= 1
    if _add_months(start, months) < after:
        months += 1
    return months


def project_end_bounds(start: dt.date, round_: FundingRound) -> tuple[dt.date, dt.date]:
    """The earliest and the latest planned end of a project starting on ``start``.

    A project of *n* months runs from its first day up to the day before the same calendar day
    *n* months later: 01.01.2030–31.01.2030 is one month, 01.01.2030–30.06.2031 is 18 months,
    15.01.–14.02. is one month (a shorter month is clamped: 31.01. + 1 month is 28./29.02.).
    The minimum and the maximum of the round are measured the same way, so a project lasts at
    least ``duration_min_months`` (end >= start + min months − 1 day) and at most
    ``duration_max_months`` (end <= start + max months − 1 day). One day or two weeks are not
    a month; 18 months and a day are more than 18."""
    one_day = dt.timedelta(days=1)
    earliest = _add_months(start, round_.duration_min_months) - one_day
    latest = _add_months(start, round_.duration_max_months) - one_day
    return earliest, latest


def _months_text(n: int) -> str:
    return ngettext("%(count)s Monat", "%(count)s Monaten", n) % {"count": n}


def project_date_errors(application: Application, round_=None) -> dict[str, list[str]]:
    start, end = application.start_date, application.end_date
    r = round_ or application.round
    if not (start and end):
        return {}
    if end < start:
        return {"end_date": [_("Das geplante Ende muss nach dem geplanten Beginn liegen.")]}
    earliest, latest = project_end_bounds(start, r)
    period = {"start": de_date(start), "end": de_date(end)}
    if end < earliest:
        return {
            "end_date": [
                _(
                    "Die geplante Laufzeit (%(start)s bis %(end)s) ist kürzer als die "
                    "Mindestlaufzeit von %(months)s in dieser Förderrunde. Das Vorhaben "
                    "muss frühestens am %(date)s enden."
                )
                % {
                    **period,
                    "months": _months_text(r.duration_min_months),
                    "date": de_date(earliest),
                }
            ]
        }
    if end > latest:
        return {
            "end_date": [
                _(
                    "Die geplante Laufzeit (%(start)s bis %(end)s) ist länger als die "
                    "Höchstlaufzeit von %(months)s in dieser Förderrunde. Das Vorhaben "
                    "muss spätestens am %(date)s enden."
                )
                % {
                    **period,
                    "months": _months_text(r.duration_max_months),
                    "date": de_date(latest),
                }
            ]
        }
    return {}


def submission_day(application: Application, now: dt.datetime | None = None) -> dt.date:
    """The day (Europe/Berlin) an application counts as submitted: its ``submitted_at`` once
    it was submitted (an answer to a Nachforderung keeps that day), else the day of ``now``."""
    moment = application.submitted_at or now_or(now)
    return timezone.localdate(moment)


def start_date_errors(application: Application, day: dt.date) -> dict[str, list[str]]:
    """The project must not have begun when the application is submitted (the declaration
    "Mit dem Vorhaben wurde noch nicht begonnen."): a planned start before the submission day
    contradicts it. Starting on the submission day itself is allowed."""
    start = application.start_date
    if start is None or start >= day:
        return {}
    return {
        "start_date": [
            _(
                "Der geplante Beginn (%(start)s) liegt vor dem Tag der Einreichung "
                "(%(day)s). Ein Vorhaben, mit dem noch nicht begonnen wurde, kann frühestens "
                "am Tag der Einreichung beginnen. Bitte geben Sie einen Beginn ab dem "
                "%(day)s an."
            )
            % {"start": de_date(start), "day": de_date(day)}
        ]
    }
