"""A small reliability run: parallel submissions against a desk with 30 % faults, late
commits and uploads slower than the outbox lease among them."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


def test_no_ticket_lost_or_duplicated_under_faults(tmp_path):
    import reliability

    report = reliability.run(tickets=24, processes=4, faults=0.3, seed=7, work=tmp_path / "run")
    assert report["requests_at_desk"] == 24
    assert report["duplicates"] == 0
    assert report["lost"] == 0
    assert report["incomplete"] == 0
    assert report["without_attachment"] == 0
    assert sum(report["faults_injected"].values()) > 0
