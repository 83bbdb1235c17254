import subprocess
import sys

import pytest

from customer_understanding.__main__ import main


def test_demo_prints_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--accounts", "25", "--interactions", "3000", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    for heading in ("Rows per source", "The customer base", "One account across all four",
                    "Committees and signals across all accounts", "The waterfall",
                    "Won revenue attributed to channels", "Most engaged accounts",
                    "Segment sizes", "Merged without a shared e-mail address",
                    "One new lead, matched online against the stored graph"):  # fmt: skip
        assert heading in out
    assert "balanced" in out
    assert "UNBALANCED" not in out
    for section in (
        "buying committee:",
        "gaps:",
        "live signals",
        "latest of",
        "belongs to con_",
        "the event log's last action: 'add'",
    ):
        assert section in out


def test_demo_rejects_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["demo", "--accounts", "0"])
    assert caught.value.code == 2
    assert "--accounts: must be >= 1, got 0" in capsys.readouterr().err


def test_unknown_command_is_rejected() -> None:
    result = subprocess.run([sys.executable, "-m", "customer_understanding", "dance"],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 2
    assert "invalid choice: 'dance'" in result.stderr
