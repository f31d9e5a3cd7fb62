"""Numbers are never guessed: decimal commas, YAML 1.1 octal and base-60, 'per GPU' where it does
not belong, huge literals and broken tagged scalars are refused with a position, never a traceback."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner
from planner import PlanError, units
from planner.plan import Plan
from planner.schema import parse_single, spec_of
from planner.yamlio import MAX_STRING, read_text


def problem(text, file="plan.yaml"):
    with pytest.raises(PlanError) as info:
        planner.loads(text, file)
    (p,) = info.value.problems
    return p


# -- commas --------------------------------------------------------------------------------
@pytest.mark.parametrize("text,dim,point", [("2,5 TB/s", "bandwidth", "2.5"), ("1,5 kW", "power", "1.5"),
                                            ("0,07 USD/kWh", "usd_per_energy", "0.07")])
def test_decimal_comma_is_refused_with_the_point_to_write(text, dim, point):
    with pytest.raises(units.UnitError) as info:
        units.parse(text, dim)
    assert f"a decimal point, not a comma: write {point}" in str(info.value)
    assert "1,000" in str(info.value)


@pytest.mark.parametrize("text,value", [("1,000 W", 1000.0), ("12,500,000 W", 12.5e6), ("-1,234.5 W", -1234.5),
                                        ("1,000e3 W", 1e6)])
def test_thousands_separators_still_read(text, value):
    assert units.parse(text, "power") == (value, "power")


@given(st.integers(0, 10**15))
def test_any_thousands_grouping_reads_back(n):
    assert units.parse(f"{n:,} W", "power")[0] == float(n)


@given(st.integers(0, 999), st.text("0123456789", min_size=1, max_size=6).filter(lambda d: len(d) != 3))
def test_any_comma_not_grouping_three_digits_is_refused(whole, tail):
    with pytest.raises(units.UnitError, match="decimal point, not a comma"):
        units.parse(f"{whole},{tail} kW", "power")


def test_decimal_comma_in_a_plan_names_line_and_key(minimal_text):
    p = problem(minimal_text.replace("read_bandwidth: 100 GB/s", "read_bandwidth: '2,5 TB/s'"))
    assert (p.line, p.path) == (9, "phases[0].storage[0].read_bandwidth")
    assert "write 2.5" in p.expected and p.found == "'2,5 TB/s'"


# -- YAML 1.1 octal and base-60 --------------------------------------------------------------
@pytest.mark.parametrize("value,fragment", [
    ("010", "10 (a leading zero reads as octal in YAML 1.1: 010 would be 8)"),
    ("-0017", "-17 (a leading zero reads as octal in YAML 1.1: -0017 would be -15)"),
    ("1:30", "1:30 would read as the base-60 number 90 (YAML 1.1)"),
    ("1:30.5", "1:30.5 would read as the base-60 number 90.5 (YAML 1.1)"),
    ("!!int 09", "9 (a leading zero reads as octal in YAML 1.1)"),
])
def test_yaml11_octal_and_sexagesimal_are_refused(minimal_text, value, fragment):
    p = problem(minimal_text.replace("count: 4", f"count: {value}"))
    assert (p.line, p.path) == (7, "phases[0].nodes[0].count")
    assert fragment in p.expected and "quote it" in p.expected


def test_quoted_forms_read_as_written(minimal_text):
    assert planner.loads(minimal_text.replace("count: 4", "count: '010'")).phases[0].nodes[0].count == 10
    assert planner.loads(minimal_text.replace("name: Small", "name: '1:30'")).name == "1:30"


@given(st.integers(1, 10**6), st.integers(1, 3))
def test_any_leading_zero_integer_is_refused(n, zeros):
    octal = f"{n:o}"  # YAML 1.1 reads 0 + octal digits as octal; 0148 is text and reads as 148
    with pytest.raises(PlanError, match=f"expected {int(octal)} .a leading zero reads as octal"):
        read_text(f"a: {'0' * zeros}{octal}")


@given(st.integers(1, 999), st.integers(0, 59), st.booleans())
def test_any_base60_number_is_refused(h, m, fraction):
    with pytest.raises(PlanError, match="base-60"):
        read_text(f"a: {h}:{m:02d}{'.5' if fraction else ''}")


# -- 'per GPU' ---------------------------------------------------------------------------------
def test_per_gpu_refused_where_the_figure_is_not_per_gpu(minimal_text):
    p = problem(minimal_text.replace("power: 5 kW", "power: 30 MW per GPU"))
    assert (p.line, p.path) == (9, "phases[0].storage[0].power")
    assert p.expected == "power, e.g. 6.5 kW, without 'per GPU': power is not a per-GPU figure"
    assert p.found == "'30 MW per GPU'"


def test_per_gpu_kept_where_it_belongs(minimal_text):
    text = minimal_text.replace("mfu: 0.4}", "achieved_flops: 140 TFLOP/s per GPU}")
    assert planner.loads(text).workloads[0].achieved_flops_per_gpu == 140e12


# -- values no constructor may crash on ---------------------------------------------------------
@pytest.mark.parametrize("value,expected", [
    ("!!timestamp ''", "a date like 2022-01-24"), ("!!int ''", "a whole number"), ("!!float ''", "a number"),
    ("!!bool maybe", "true or false"), ("!!timestamp x", "a date"), ("2022-13-45", "a date"),
    ("2022-02-30", "a date"), ("!!null x", "nothing (null"), ("!!int 0b2", "a whole number"),
    ("1" + "0" * 400, "a number below 1.8e308 (at most 308 digits)"),
    ("1" + "0" * 320, "a number below 1.8e308"), ("1" + "0" * 400 + ".0", "a number below 1.8e308"),
    ("9" * 5000, "a number below 1.8e308"), ("!!float 1.0e999", "a number below 1.8e308"),
])
def test_broken_scalars_are_plan_errors_with_position(minimal_text, value, expected):
    p = problem(minimal_text.replace("count: 4", f"count: {value}"))
    assert (p.line, p.column, p.path) == (7, 35, "phases[0].nodes[0].count")
    assert expected in p.expected and len(p.found) <= 60


TAGS = ["", "!!int ", "!!float ", "!!bool ", "!!timestamp ", "!!null ", "!!str "]


@settings(max_examples=1500)
@given(st.sampled_from(TAGS), st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_any_tagged_scalar_reads_or_is_a_plan_error(tag, body):
    text = f"a: {tag}{body}"
    try:
        read_text(text)
    except PlanError:
        pass


@settings(max_examples=500)
@given(st.sampled_from(TAGS[:3]), st.from_regex(r"[-+]?[0-9_:.eE+-]{0,12}", fullmatch=True))
def test_any_number_like_scalar_reads_or_is_a_plan_error(tag, body):
    try:
        read_text(f"a: {tag}{body}")
    except PlanError:
        pass


def test_format_with_thousands_of_digits(minimal_text):
    p = problem(minimal_text.replace("cluster-planner/1", "cluster-planner/" + "9" * 5000))
    assert (p.line, p.path) == (1, "format") and p.expected == "cluster-planner/1"
    p = problem(minimal_text.replace("cluster-planner/1", "cluster-planner/²"))
    assert p.expected == "cluster-planner/1"


# -- the editor's limits are the loader's -------------------------------------------------------
def test_editor_refuses_text_the_loader_would_refuse(minimal_text):
    spec = spec_of(Plan, "description")
    value, error = parse_single(spec, "x" * (MAX_STRING + 1))
    assert value is None
    assert error == "expected text of at most 100,000 characters, found 100,001 characters"
    loader = problem(minimal_text.replace("name: Small", "name: Small\ndescription: " + "x" * (MAX_STRING + 1)))
    assert f"expected {loader.expected}, found {loader.found}" == error
    assert parse_single(spec, "x" * MAX_STRING) == ("x" * MAX_STRING, None)
    assert parse_single(spec, "a\ud800b")[1] == "expected text a plan file can hold, found the character U+D800"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["name", "description"]), st.text(max_size=200))
def test_any_text_the_editor_accepts_saves_and_loads_back(minimal_text, key, text):
    from planner import edit

    value, error = parse_single(spec_of(Plan, key), text)
    if error:
        return
    plan = edit.replace_at(planner.loads(minimal_text), (key,), value)
    assert planner.loads(planner.dumps(plan)) == plan


TIMESTAMP = (r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
             r"([Tt ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]{0,12})?( ?(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?")


@settings(max_examples=800)
@given(st.sampled_from(["", "!!timestamp "]), st.from_regex(TIMESTAMP, fullmatch=True))
def test_any_timestamp_like_scalar_reads_or_is_a_plan_error(tag, body):
    try:
        read_text(f"a: {tag}{body}")
    except PlanError as exc:
        assert exc.problems[0].expected.startswith("a date like 2022-01-24")
