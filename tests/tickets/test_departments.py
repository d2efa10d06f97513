"""Departments own work (issue 17, item 4): the departments file, its checks, and the `Departments`
contract other areas ask (routing transfers calls to a department's phone)."""
from __future__ import annotations

import dataclasses

import pytest

from hotline.contracts import Department, Departments, need
from hotline.data_files import DataError
from tickets.departments import DEPARTMENTS, load_departments


def test_the_shipped_file_has_the_manuals_departments_with_24_and_48_hour_clocks():
    departments = {d.key: d for d in load_departments()}
    assert {"technical", "billing", "logistics", "after-sales", "product", "operations"} <= set(departments)
    technical = departments["technical"]
    assert (technical.name("zh-CN"), technical.name("en-US")) == ("技术部", "Technical")
    assert technical.phone.startswith("+86") and technical.sms.startswith("+86")
    assert all(d.handoff_hours == 24 and d.reply_hours == 48 for d in departments.values())


def test_the_contract_answers_from_the_app_and_its_values_are_frozen(app):
    with app.app_context():
        book = need(Departments)
        assert [d.key for d in book.all()][:2] == ["technical", "billing"]
        billing = book.get("billing")
        assert isinstance(billing, Department) and billing.name("zh-CN") == "财务部"
        assert book.get("nobody") is None and book.get(None) is None
        with pytest.raises(dataclasses.FrozenInstanceError):
            billing.phone = "+8613800138000"  # type: ignore[misc]


def test_an_operators_file_sets_its_own_clocks_and_an_edit_is_seen_without_a_restart(app, settings, tmp_path):
    path = tmp_path / "departments.yaml"
    path.write_text("departments:\n  - key: legal\n    name: {zh-CN: 法务部, en-US: Legal}\n"
                    "    phone: '021 6000 0199'\n    sms: '13900000199'\n    reply_hours: 72\n", encoding="utf-8")
    legal = load_departments(path)[0]
    assert (legal.phone, legal.sms, legal.email) == ("+862160000199", "+8613900000199", None)
    assert (legal.handoff_hours, legal.reply_hours) == (24, 72)
    assert DEPARTMENTS.path(dataclasses.replace(settings, departments_path=path)) == path


def test_every_problem_in_the_file_is_listed_with_its_line(tmp_path):
    path = tmp_path / "departments.yaml"
    path.write_text(
        "departments:\n"
        "  - key: Tech Team\n"                                   # 2: not a key
        "    name: {zh-CN: 技术部}\n"                            # 3: no English name
        "    phone: call me\n"                                   # 4: not a number
        "    sms: '+8613900000101'\n"
        "    handoff_hours: 0\n"                                 # 6: out of range
        "  - key: billing\n"
        "    name: {zh-CN: 财务部, en-US: Billing}\n"
        "    phone: '+862160000102'\n"
        "    sms: '+8613900000102'\n"
        "    email: billing\n"                                   # 11: not an address
        "  - key: billing2\n"
        "    name: {zh-CN: 财务二部, en-US: Billing 2}\n"
        "    phone: '+862160000103'\n"
        "    sms: '+8613900000102'\n"                            # 12: same SMS number as billing
        "    fax: '+862160000104'\n", encoding="utf-8")          # 16: unknown field
    with pytest.raises(DataError) as error:
        load_departments(path)
    problems = "\n".join(error.value.problems)
    for expected in ("departments.yaml:2: departments[0].key", "departments[0].name.en-US: missing translation",
                     ":4: departments[0].phone: not a valid phone number", ":6: departments[0].handoff_hours",
                     ":11: departments[1].email: not an e-mail address", ":16: departments[2].fax: unknown field"):
        assert expected in problems, problems
    assert "the same SMS number as 'billing'" in problems


def test_hotline_check_checks_the_departments_file(runner):
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "departments.yaml: ok (departments)" in result.output
