"""The plan of a build: everything computed in Python, small and picklable."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime

from allo_tui.data.errors import DatabaseFileError
from allo_tui.demo.constants import _DAY, _WORK, REQUESTS_PER_YEAR
from allo_tui.demo.hashes import _anonymous_per_mille, _patterns, _RequestCalls
from allo_tui.demo.lifecycles import _templates
from allo_tui.demo.lookups import (
    _allocate,
    _buckets,
    _description_pool,
    _format_ts,
    _neighbourhood,
    _valid_prefixes,
    _week,
    _working_days,
)
from allo_tui.demo.operators import _Operator, _slug
from allo_tui.demo.sample_text import (
    _ADDRESS_EXTRAS,
    _ANSWERS,
    _CALLER_NOTES,
    _CATEGORY_WEIGHTS,
    _DESCRIPTION_TAILS,
    _DESCRIPTIONS,
    _EMAIL_DOMAINS,
    _EXTRA_GIVEN,
    _EXTRA_SURNAMES,
    _GENERIC_ANSWERS,
    _GENERIC_DESCRIPTIONS,
    _LANDMARKS,
    _SHOWCASE,
    _SHOWCASE_CALLERS,
    _SINCE,
)
from allo_tui.demo.schema import _Schema
from allo_tui.demo.target import _State


@dataclass
class _Plan:
    seed: int
    now: int
    n_callers: int
    n_requests: int
    n_calls: int
    n_before: int  # callers registered before the history, with no call in it
    schema: _Schema
    tables: dict[str, list[tuple]]  # rows of the lookup tables
    counts: dict[str, int]  # sizes of the lookup tables the SQL picks from
    counters: dict[int, int]  # reference counter per year
    history_start: int

    def progress_total(self) -> int:
        """Units of work of the whole build (see `_WORK`), for the progress bar."""
        R, C, T = self.n_requests, self.n_callers, self.n_calls
        rows = {
            "lookups": 2,
            "stage": R,
            "text": R,
            "requests": R,
            "events": R,
            "callers": C,
            "phones": C,
            "calls": T,
            "caller_search": C,
            "phone_search": C,
            "request_search": R,
            "index": R * len(self.schema.indexes),
            "copy": T + C,
        }
        return sum(round(_WORK[kind] * count) for kind, count in rows.items())


def _make_plan(
    state: _State,
    schema: _Schema,
    operators: list[_Operator],
    n_callers: int,
    n_requests: int,
    seed: int,
    now_utc: datetime,
) -> _Plan:
    from faker.providers.person.fr_FR import Provider

    from allo_tui.domain.calendar import SiteCalendar
    from allo_tui.domain.streets import shipped_streets

    try:
        calendar = SiteCalendar.from_dict(state.calendar)
    except (ValueError, TypeError, KeyError):
        calendar = SiteCalendar()
    now = int(now_utc.timestamp())
    n_other = n_requests // 3 if n_requests else n_callers
    n_calls = n_requests + n_other
    tables: dict[str, list[tuple]] = {}
    counts: dict[str, int] = {}

    # -- days, and the references they give ---------------------------------------------
    span_days = 365 * max(1, math.ceil(n_requests / REQUESTS_PER_YEAR))
    days = _working_days(calendar, now, span_days)
    per_day = _allocate(n_calls, [day[-1] for day in days])
    rows, first_k, counters, year_first = [], 0, {}, {}

    requests_before = _RequestCalls(n_requests, n_calls, seed).before

    for index, ((day, midnight, periods, capacity, _w), count) in enumerate(
        zip(days, per_day, strict=True)
    ):
        first_rid = requests_before(first_k) + 1
        last_rid = requests_before(first_k + count)
        if last_rid >= first_rid:
            year_first.setdefault(day.year, first_rid)
            counters[day.year] = last_rid - year_first[day.year] + 1
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=calendar.zone)
        ack_due = _format_ts(int(calendar.ack_due(noon).timestamp()))
        (p1, l1), (p2, l2), (p3, _l3) = [(s, e - s) for s, e in periods + [(0, 0), (0, 0)]][:3]
        offset = int(noon.utcoffset().total_seconds())
        rows.append(
            (
                index,
                midnight,
                offset,
                first_k,
                count,
                p1,
                l1,
                p2,
                l2,
                p3,
                capacity,
                day.year,
                ack_due,
            )
        )
        first_k += count
    tables["demo_week"], tables["demo_workhour"] = _week(calendar)
    counts["week"] = 3600 * len(tables["demo_workhour"])
    before_hour = {hour: before for hour, _open, before in tables["demo_week"]}
    open_hours = {hour for hour, is_open, _before in tables["demo_week"] if is_open}
    days_rows = []
    for row, (day, *_rest) in zip(rows, days, strict=True):
        local_day = (row[1] + row[2]) // _DAY
        weekday = day.weekday()
        first_open = min((h for h in range(24) if weekday * 24 + h in open_hours), default=0)
        # the working clock at the start of the day (see lookups._week)
        clock = (local_day + 3) // 7 * counts["week"] + before_hour[weekday * 24]
        days_rows.append((*row, year_first.get(day.year, 1), clock, first_open))
    tables["demo_days"] = days_rows
    counts["anonymous"] = _anonymous_per_mille(
        n_requests, n_calls, n_callers - max(0, n_callers - n_calls), seed
    )
    patterns = _patterns(seed)
    tables["demo_rank"] = [
        (m, v, slot, rank) for (m, v), slots in patterns.items() for rank, slot in enumerate(slots)
    ]
    history_start = days[0][1]

    # -- catalogue ------------------------------------------------------------------------
    services = {sid: (code, name, mobile) for sid, code, name, mobile in state.services}
    tables["demo_services"] = [
        (sid, name, int(mobile)) for sid, (_c, name, mobile) in services.items()
    ]
    mobile_team = next((sid for sid, (_c, _n, mobile) in services.items() if mobile), None)
    categories = state.categories or []
    if not categories:
        raise DatabaseFileError("aucune catégorie active : démonstration impossible")
    weights = [_CATEGORY_WEIGHTS.get(code, 2) for _id, code, _s, _u in categories]
    tables["demo_cat_bucket"] = [
        (bucket, categories[index][0]) for bucket, index in enumerate(_buckets(weights, 1000))
    ]
    tables["demo_cats"], tables["demo_descs"], tables["demo_answers"] = [], [], []
    rng = random.Random(seed + 11)
    for cid, code, service_id, urgency in categories:
        descriptions = _DESCRIPTIONS.get(code, _GENERIC_DESCRIPTIONS)
        answers = _ANSWERS.get(code, _GENERIC_ANSWERS)
        tables["demo_cats"].append(
            (cid, code, service_id, urgency, len(descriptions), len(answers), int(code == "AUTRE"))
        )
        tables["demo_descs"] += [
            (cid, i, text) for i, text in enumerate(_description_pool(descriptions, rng))
        ]
        tables["demo_answers"] += [(cid, i, text) for i, text in enumerate(answers)]
    counts["emi"] = mobile_team if mobile_team is not None else -1
    by_code = {code: cid for cid, code, _s, _u in categories}
    tables["demo_showcase"] = [
        (n_requests - 6 * k, by_code[code], urgency)
        for k, (code, urgency) in enumerate(_SHOWCASE)
        if n_requests - 6 * k >= 1 and code in by_code
    ]
    tables["demo_targets"] = [
        (u, None if calendar.target_for(u) is None else int(calendar.target_for(u).total_seconds()))
        for u in (1, 2, 3, 4)
    ]

    # -- places and words -----------------------------------------------------------------
    streets = shipped_streets()
    voies = [s.name for s in streets if s.kind == "voie"]
    lieux = [s.name for s in streets if s.kind != "voie"]
    tables["demo_streets"] = [
        (i, name, _neighbourhood(name)) for i, name in enumerate(voies + lieux)
    ]
    counts["voies"], counts["lieux"] = len(voies), len(lieux)
    words = {
        "lm": _LANDMARKS,
        "since": _SINCE,
        "tail": _DESCRIPTION_TAILS,
        "extra": _ADDRESS_EXTRAS,
        "cnote": _CALLER_NOTES,
        "dom": _EMAIL_DOMAINS,
    }
    tables["demo_words"] = [
        (kind, i, text) for kind, texts in words.items() for i, text in enumerate(texts)
    ]
    counts.update({kind: len(texts) for kind, texts in words.items()})

    # -- names (Faker's French lists; the frequent surnames more often) -------------------
    surnames = list(Provider.last_names) + _EXTRA_SURNAMES
    female = list(Provider.first_names_female) + _EXTRA_GIVEN[1::2]
    male = list(Provider.first_names_male) + _EXTRA_GIVEN[0::2]
    tables["demo_names"] = (
        [("s", i, name, _slug(name)) for i, name in enumerate(surnames)]
        + [("f", i, name, _slug(name)) for i, name in enumerate(female)]
        + [("m", i, name, _slug(name)) for i, name in enumerate(male)]
    )
    counts["female"], counts["male"] = len(female), len(male)
    tables["demo_surname_bucket"] = list(
        enumerate(_buckets([1 / (rank + 8) for rank in range(len(surnames))], 10_000))
    )
    n_before = max(0, n_callers - n_calls)
    tables["demo_showcase_callers"] = [
        (n_before + i + 1, surname, given, _slug(surname), _slug(given))
        for i, (surname, given) in enumerate(_SHOWCASE_CALLERS[:n_callers])
    ]

    # -- operators --------------------------------------------------------------------------
    hostesses = [op for op in operators if op.team == "accueil"] or operators[:1]
    supervisors = [op for op in operators if op.role == "supervisor"] or operators[:1]
    tables["demo_hostesses"] = [(i, op.id, op.console) for i, op in enumerate(hostesses)]
    tables["demo_supervisors"] = [(i, op.id) for i, op in enumerate(supervisors)]
    counts["hostesses"], counts["supervisors"] = len(hostesses), len(supervisors)
    leads: dict[int, list[int]] = {}
    code_to_service = {code: sid for sid, (code, _n, _m) in services.items()}
    for op in operators:
        if op.team in code_to_service:
            leads.setdefault(code_to_service[op.team], []).append(op.id)
    tables["demo_leads"] = [(sid, i, op) for sid, ops in leads.items() for i, op in enumerate(ops)]
    tables["demo_lead_counts"] = [(sid, len(ops)) for sid, ops in leads.items()]

    # -- phone numbers: prefixes that phonenumbers accepts, the rest formatted by SQL -------
    landline, mobile = _valid_prefixes()
    tables["demo_prefixes"] = [("l", i, p) for i, p in enumerate(landline)] + [
        ("m", i, p) for i, p in enumerate(mobile)
    ]
    counts["landline"], counts["mobile"] = len(landline), len(mobile)

    # -- life cycles --------------------------------------------------------------------------
    steps, prefixes, info = _templates(random.Random(seed + 7), counts["week"])
    tables["demo_steps"], tables["demo_prefix"], tables["demo_tpl"] = steps, prefixes, info

    plan = _Plan(
        seed=seed,
        now=now,
        n_callers=n_callers,
        n_requests=n_requests,
        n_calls=n_calls,
        n_before=n_before,
        schema=schema,
        tables=tables,
        counts=counts,
        counters=counters,
        history_start=history_start,
    )
    return plan
