"""The bounded-memory sort behind `greyrock parse`: the same order as sorted(), stable."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from greyrock._order import in_order

keys = st.sampled_from([float("-inf"), 0.0, 1.5, 2.0, 1e9, -3.0])


@settings(max_examples=200, deadline=None)
@given(st.lists(keys, max_size=400), st.integers(1, 50))
def test_in_order_is_a_stable_sort_whatever_the_run_size(picked: list[float], run: int) -> None:
    records = [(key, b"record %d" % i) for i, key in enumerate(picked)]
    assert list(in_order(records, run=run)) == [data for _, data in sorted(records, key=lambda r: r[0])]


def test_many_runs_of_real_sized_records() -> None:
    # 12,000 records of 300 bytes in runs of 1,000: twelve compressed runs, two blocks each
    records = [(float((i * 7919) % 5000), b"%06d" % i + b"x" * 294) for i in range(12_000)]
    out = list(in_order(records, run=1_000))
    assert len(out) == 12_000 and len(set(out)) == 12_000
    keys = [float(int(line[:6]) * 7919 % 5000) for line in out]
    assert keys == sorted(keys)
    # equal keys keep their input order
    ties = [int(line[:6]) for line in out if int(line[:6]) * 7919 % 5000 == 0]
    assert ties == sorted(ties) and ties[:3] == [0, 5000, 10000]
