"""Adapter to clevercsv: which delimiter, quote character and encoding a file uses."""

from __future__ import annotations

from pathlib import Path

__all__ = ["detect_dialect", "detect_encoding"]

# The delimiters exports use in practice; restricting the search keeps detection on
# short or very regular files from settling on a letter or a digit.
_DELIMITERS = [",", ";", "\t", "|"]


def detect_dialect(sample: str) -> tuple[str | None, str | None]:
    r"""The delimiter and quote character of a text sample (``None`` when unknown).

    Examples
    --------
    >>> detect_dialect('a;b;c\n1;"x;y";3\n4;5;6\n')
    (';', '"')
    """
    from clevercsv import Detector

    dialect = Detector().detect(sample, delimiters=_DELIMITERS)
    if dialect is None:
        return None, None
    return (dialect.delimiter or None), (dialect.quotechar or None)


def detect_encoding(path: Path) -> str | None:
    r"""The text encoding of a file, as detected from its bytes (``None`` when unknown).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder) / "x.csv"
    ...     _ = file.write_bytes("name\nJosé Müller\n".encode("cp1252") * 20)
    ...     file.read_bytes().decode(detect_encoding(file)).splitlines()[1]
    'José Müller'

    """
    from clevercsv.encoding import get_encoding

    found = get_encoding(path, try_cchardet=False)
    return None if found is None or found.lower() == "ascii" else found
