"""The Splink configuration both identity benchmarks compare with (Febrl's columns)."""

from __future__ import annotations

from collections.abc import Sequence


def splink_settings(
    link_type: str, blocking: Sequence[Sequence[str]], *, date_format: str = "%Y%m%d"
) -> object:
    """Splink settings for the Febrl person columns, blocking on the given column groups.

    ``date_format`` is in the backend's dialect (DuckDB's ``%Y%m%d``, Spark's ``yyyyMMdd``).
    """
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format=date_format),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[block_on(*group) for group in blocking],
        retain_intermediate_calculation_columns=False,
    )  # fmt: skip
