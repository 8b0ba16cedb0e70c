"""The history's filters and typed reference, without a screen (allo_tui.domain.history_filters)."""

from datetime import date

from allo_tui.domain import periods
from allo_tui.domain.history_filters import HistoryFilters, reference_in
from allo_tui.domain.records import CategoryRecord, HistoryFilter, ServiceRecord, Status

LAMP = CategoryRecord(1, "ECL", "Éclairage public", 7, "Voirie", 3)
ROAD = ServiceRecord(7, "VOI", "Voirie")
NOVEMBER = periods.days_period("novembre", date(2026, 11, 1), date(2026, 11, 30))


def every_filter() -> HistoryFilters:
    return HistoryFilters(
        text="  lampe ",
        statuses=frozenset({Status.NEW}),
        status_label="Nouvelle",
        urgency=2,
        category=LAMP,
        service=ROAD,
        street="Rue du Temple",
        period=NOVEMBER,
        late_only=True,
    )


def test_to_store_gives_the_store_ids_dates_and_the_trimmed_text():
    assert every_filter().to_store() == HistoryFilter(
        text="lampe",
        statuses=frozenset({Status.NEW}),
        urgency=2,
        category_id=1,
        service_id=7,
        street="Rue du Temple",
        created_from=NOVEMBER.start,
        created_to=NOVEMBER.end,
        late_only=True,
    )
    assert HistoryFilters().to_store() == HistoryFilter()


def test_active_lists_each_set_filter_in_chip_order_with_late_last():
    names = [name for name, _value in every_filter().active()]
    assert names == ["status", "urgency", "category", "service", "street", "period", "late"]
    values = dict(every_filter().active())
    assert values["urgency"].startswith("2 ")
    assert values["category"] == "Éclairage public"
    assert values["period"] == "novembre"
    assert values["late"] == ""
    assert HistoryFilters(text="lampe").active() == [], "the text box has no chip"


def test_without_clears_one_filter_and_any_says_whether_one_is_left():
    filters = every_filter()
    for name in ("status", "urgency", "category", "service", "street", "period", "late"):
        filters = filters.without(name)
        assert name not in dict(filters.active())
        assert filters.any, "the text is still set"
    assert filters.statuses == frozenset() and filters.status_label == ""
    assert not filters.without("text").any
    assert filters.without("unknown") is filters


def test_reference_in_accepts_a_reference_alone_only():
    assert reference_in("2026-00042") == "2026-00042"
    assert reference_in(" 2026 / 42 ") == "2026 / 42"
    assert reference_in("00042") == "00042"
    assert reference_in("42") is None
    assert reference_in("2026-00042 rue") is None
    assert reference_in("2026-11-01") is None, "a date is not a reference"
