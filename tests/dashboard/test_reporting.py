"""The reporting matrix and history, computed from frames shaped like ``metrics.data``'s."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import no_update

from dashboard.views.reporting import (
    ALL,
    BLOCK_SIZE,
    block_response,
    history_rows,
    matrix_rows,
    plan_years,
    province_options,
    province_search,
    year_summary,
)

AGENCIES = pd.DataFrame(
    {
        "agency_code": ["QM-GOV", "QM-QOM-KAH-BKH", "AR-GOV"],
        "name_fa": ["استانداری قم", "بخشداری کهک", "استانداری اردبیل"],
        "name_en": ["Qom Governorate", "Kahak District Office", "Ardabil Governorate"],
        "province_code": ["QM", "QM", "AR"],
        "province_fa": ["قم", "قم", "اردبیل"],
        "province_en": ["Qom", "Qom", "Ardabil"],
        "county_fa": [None, "قم", None],
        "county_en": [None, "Qom", None],
    }
).set_index("agency_code")
PERIODS = pd.DataFrame(
    {
        "period_code": ["1392", "1393", "1393-H1"],
        "year": [1392, 1393, 1393],
        "kind": ["year", "year", "half"],
        "part": [0, 0, 1],
        "deadline": [None, dt.date(2015, 4, 30), None],
    }
)
SUBMISSIONS = pd.DataFrame(
    {
        "submission_id": [1, 2, 3],
        "agency_code": ["QM-GOV", "QM-GOV", "QM-QOM-KAH-BKH"],
        "period_code": ["1392", "1393", "1393"],
        "year": [1392, 1393, 1393],
        "period_kind": ["year", "year", "year"],
        "status": ["submitted", "submitted", "submitted"],
        "review_status": ["approved", "approved", "approved"],
        "file_name": ["a.xlsx", "b.xlsx", "c.xlsx"],
        "submitted_by": ["x", "x", "y"],
        "submitted_at": [
            dt.datetime(2014, 5, 1, tzinfo=dt.UTC),
            dt.datetime(2015, 4, 20, tzinfo=dt.UTC),
            dt.datetime(2015, 6, 1, tzinfo=dt.UTC),
        ],
        "supersedes_id": [None, None, None],
        "report_date": [None, None, None],
    }
)


def test_plan_years_are_the_yearly_periods() -> None:
    assert plan_years(PERIODS) == [1392, 1393]


def test_matrix_says_reported_late_and_missing_in_words() -> None:
    rows = {r["agency_code"]: r for r in matrix_rows(AGENCIES, SUBMISSIONS, PERIODS, lang="en", province=None)}
    assert (rows["QM-GOV"]["s1392"], rows["QM-GOV"]["s1393"]) == ("reported", "reported")
    assert rows["QM-QOM-KAH-BKH"]["s1393"] == "late" and rows["QM-QOM-KAH-BKH"]["y1393"] == "◷ late"
    assert rows["AR-GOV"]["y1392"] == "✗ missing"
    assert rows["QM-QOM-KAH-BKH"]["county"] == "Qom"
    persian = matrix_rows(AGENCIES, SUBMISSIONS, PERIODS, lang="fa", province=None)
    assert persian[0]["agency"] == "استانداری قم" and persian[0]["y1392"] == "✓ گزارش شده"


def test_province_filter_and_summary() -> None:
    rows = matrix_rows(AGENCIES, SUBMISSIONS, PERIODS, lang="en", province="QM")
    assert {r["agency_code"] for r in rows} == {"QM-GOV", "QM-QOM-KAH-BKH"}
    assert year_summary(rows, [1392, 1393]) == [
        {"year": 1392, "reported": 1, "total": 2},
        {"year": 1393, "reported": 2, "total": 2},
    ]
    assert len(matrix_rows(AGENCIES, SUBMISSIONS, PERIODS, lang="en", province=ALL)) == 3


def test_matrix_marks_submissions_waiting_for_review_and_returned_ones() -> None:
    waiting = SUBMISSIONS.assign(review_status=["approved", "pending", "returned"])
    rows = {r["agency_code"]: r for r in matrix_rows(AGENCIES, waiting, PERIODS, lang="en", province="QM")}
    assert (rows["QM-GOV"]["s1392"], rows["QM-GOV"]["s1393"]) == ("reported", "pending")
    assert rows["QM-QOM-KAH-BKH"]["s1393"] == "returned" and rows["QM-QOM-KAH-BKH"]["y1393"] == "↩ returned"
    assert matrix_rows(AGENCIES, waiting, PERIODS, lang="fa", province="QM")[0]["y1393"] == "◔ در انتظار بررسی"


def test_matrix_with_no_submissions_is_all_missing() -> None:
    empty = SUBMISSIONS.iloc[0:0]
    rows = matrix_rows(AGENCIES, empty, PERIODS, lang="en", province=None)
    assert {r[f"s{y}"] for r in rows for y in (1392, 1393)} == {"missing"}
    assert history_rows(empty, AGENCIES, lang="en", province=None) == []


def test_history_is_newest_first_with_jalali_times() -> None:
    rows = history_rows(SUBMISSIONS, AGENCIES, lang="fa", province="QM")
    assert [r["submission_id"] for r in rows] == [3, 2, 1]
    assert rows[0]["submitted_at"].startswith("۱۳۹۴/۰۳/۱۱")
    assert rows[0]["status"] == "معتبر" and rows[0]["period"] == "۱۳۹۳"


def test_province_options_start_with_all() -> None:
    options = province_options(AGENCIES, "en")
    assert options[0]["value"] == ALL and [o["label"] for o in options[1:]] == ["Ardabil", "Qom"]


def test_choosing_a_province_writes_the_url_once() -> None:
    assert province_search("QM", "?lang=en") == "?lang=en&province=QM"
    assert province_search(ALL, "?lang=en&province=QM") == "?lang=en"
    assert province_search("QM", "?lang=en&province=QM") is no_update


def _many_rows(count: int) -> list[dict[str, object]]:
    return [
        {"agency_code": f"X-{i:05d}", "agency": f"Agency {i}", "s1393": "missing", "y1393": "✗ missing"}
        for i in range(count)
    ]


def test_a_block_request_answers_at_most_one_block_with_the_full_count() -> None:
    rows = _many_rows(BLOCK_SIZE * 3 + 7)
    answer = block_response(rows, {"startRow": 0, "endRow": BLOCK_SIZE})
    assert len(answer["rowData"]) == BLOCK_SIZE and answer["rowCount"] == len(rows)
    assert answer["rowData"][0]["agency_code"] == "X-00000"
    last = block_response(rows, {"startRow": BLOCK_SIZE * 3, "endRow": BLOCK_SIZE * 4})
    assert len(last["rowData"]) == 7 and last["rowCount"] == len(rows)
    greedy = block_response(rows, {"startRow": 0, "endRow": len(rows)})
    assert len(greedy["rowData"]) == BLOCK_SIZE, "never more than one block, whatever the grid asks"


def test_a_block_is_sorted_and_filtered_on_the_server() -> None:
    rows = matrix_rows(AGENCIES, SUBMISSIONS, PERIODS, lang="fa", province=None)
    ordered = block_response(
        rows, {"startRow": 0, "endRow": 10, "sortModel": [{"colId": "agency_code", "sort": "desc"}]}
    )
    assert [r["agency_code"] for r in ordered["rowData"]] == ["QM-QOM-KAH-BKH", "QM-GOV", "AR-GOV"]
    typed_arabic = "\u0643\u0647\u0643"  # کهک typed with Arabic kaf
    found = block_response(
        rows,
        {
            "startRow": 0,
            "endRow": 10,
            "filterModel": {"agency": {"filterType": "text", "type": "contains", "filter": typed_arabic}},
        },
    )
    assert found["rowCount"] == 1 and found["rowData"][0]["agency_code"] == "QM-QOM-KAH-BKH"
    history = history_rows(SUBMISSIONS, AGENCIES, lang="en", province=None)
    later = block_response(
        history,
        {
            "startRow": 0,
            "endRow": 10,
            "filterModel": {"submission_id": {"filterType": "number", "type": "greaterThanOrEqual", "filter": 2}},
        },
    )
    assert [r["submission_id"] for r in later["rowData"]] == [3, 2] and later["rowCount"] == 2
