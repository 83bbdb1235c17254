"""The columns a record is compared on, as the customer base's resolver reads them.

Most come as the records hold them; some are derived: the country on one scale (names and
ISO codes agree), the employer as one word (the company typed, else the work e-mail's
domain), the work e-mail (none on a free-mail domain), and names typed whole into the
family-name column split (``"Wood, Catherine"``). Few records (one matched online) are
read in plain Python: pandas costs more than the work there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.domain import FREE_MAIL_DOMAINS
from customer_understanding.identity._fields import Field, normalise
from customer_understanding.tables import AccountRecords, ContactRecords

__all__: list[str] = []  # read by the resolver, lead-to-account and prepared accounts


_COUNTRY_CODES = {
    "united states": "us", "usa": "us", "united states of america": "us", "america": "us",
    "united kingdom": "gb", "uk": "gb", "great britain": "gb", "england": "gb",
    "germany": "de", "deutschland": "de", "france": "fr", "spain": "es", "espana": "es",
    "italy": "it", "netherlands": "nl", "the netherlands": "nl", "holland": "nl",
    "belgium": "be", "switzerland": "ch", "austria": "at", "ireland": "ie", "sweden": "se",
    "norway": "no", "denmark": "dk", "finland": "fi", "poland": "pl", "portugal": "pt",
    "canada": "ca", "australia": "au", "new zealand": "nz", "japan": "jp", "china": "cn",
    "india": "in", "brazil": "br", "mexico": "mx", "singapore": "sg",
}  # fmt: skip


def _country(labels: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Country names and ISO codes on one scale (``"United Kingdom"`` and ``"GB"`` agree)."""
    text = pd.Series(labels, dtype="string").str.strip().str.lower()
    coded = text.map(lambda value: _COUNTRY_CODES.get(value, value), na_action="ignore")
    result: npt.NDArray[np.object_] = coded.to_numpy(dtype=object)
    result[coded.isna().to_numpy()] = None
    return result


_FEW = 8
_DOMAIN = re.compile(r"@(.*)$")
_NOT_WORD = re.compile(r"[^a-z0-9]")


def _text_or_none(value: object) -> str | None:
    """A cell as pandas' ``string`` dtype reads it: missing stays ``None``, others are text."""
    if pd.api.types.is_scalar(value) and pd.isna(cast("Any", value)):
        return None
    return str(value)


def _work_domain(email: str | None) -> tuple[str | None, bool]:
    """An address's domain (``None`` without one) and whether it is a free-mail one."""
    found = None if email is None else _DOMAIN.search(email.lower())
    domain = None if found is None else found.group(1)
    return domain, domain in FREE_MAIL_DOMAINS


def _employer_few(company: npt.NDArray[np.object_],
                  emails: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:  # fmt: skip
    """:func:`_employer` of a few records, in plain Python."""
    found = np.full(len(emails), None, dtype=object)
    for row, (name, email) in enumerate(zip(company.tolist(), emails.tolist(), strict=True)):
        word = _text_or_none(name)
        if word is None:
            domain, free = _work_domain(_text_or_none(email))
            word = None if domain is None or free else domain.split(".")[0]
        found[row] = None if word is None else _NOT_WORD.sub("", word)
    return found


def _employer(records: ContactRecords, *,
              known: npt.NDArray[np.object_] | None = None) -> npt.NDArray[np.object_]:  # fmt: skip
    """The employer as one word: the company typed on the record, else the e-mail domain.

    ``known`` may give each record's employer as a linker cleaned it before (``None``:
    not known): an employer is letters and digits only, which cleaning keeps as they
    are, so a known one is the record's employer and only the others are worked out.
    """
    if known is not None:
        found = np.asarray(known, dtype=object).copy()
        todo = np.flatnonzero(pd.isna(found))
        if len(todo) < len(found):
            if len(todo):
                found[todo] = _employer(records.take(todo))
            return found
    company = normalise(
        pd.Series(records.column("company")), Field(column="company", kind="organisation")
    )
    if len(records) <= _FEW:
        return _employer_few(company, records.column("email"))
    # str.partition gives no third column when every address is missing; extract always has one
    email = pd.Series(records.column("email"), dtype="string", copy=True).str.lower()
    domain = email.str.extract(r"@(.*)$", expand=False)
    work = domain.where(~domain.isin(FREE_MAIL_DOMAINS)).str.split(".").str[0]
    employer = (
        pd.Series(company, dtype="string").fillna(work).str.replace(r"[^a-z0-9]", "", regex=True)
    )
    cleaned: npt.NDArray[np.object_] = employer.to_numpy(dtype=object)
    cleaned[employer.isna().to_numpy()] = None
    return cleaned


def _work_emails(emails: npt.NDArray[np.object_]) -> pd.Series[Any]:
    """Each address lower-cased, missing on a free-mail domain (no employer's address)."""
    if len(emails) <= _FEW:
        texts = [_text_or_none(email) for email in emails.tolist()]
        return pd.Series(
            [None if text is None or _work_domain(text)[1] else text.lower() for text in texts],
            dtype="string",
        )
    # a copy: pandas writes its NA into a read-only column holding pd.NA (rows added online)
    email = pd.Series(emails, dtype="string", copy=True).str.lower()
    return email.where(~email.str.extract(r"@(.*)$", expand=False).isin(FREE_MAIL_DOMAINS))


def _split_names(frame: pd.DataFrame) -> None:
    """Names typed whole into the family-name column: ``"Wood, Catherine"``, ``"ann.lee"``."""
    if len(frame) <= _FEW and not any(  # the usual case, told without pandas
        _text_or_none(first) is None and any(mark in (_text_or_none(last) or "") for mark in ",.")
        for first, last in zip(frame["first_name"].tolist(), frame["last_name"].tolist(),
                               strict=True)
    ):  # fmt: skip
        return
    family = pd.Series(frame["last_name"], dtype="string", copy=True)
    given = pd.Series(frame["first_name"], dtype="string", copy=True)
    whole = given.isna() & family.str.contains(r"[,.]", regex=True).fillna(False)
    if not whole.any():
        return
    comma = whole & family.str.contains(",", regex=False).fillna(False)
    parts = family.str.split(r"\s*[,.]\s*", n=1, regex=True)
    first = parts.str[0].astype("string").str.strip()
    second = parts.str[1].astype("string").str.strip()
    frame.loc[comma.to_numpy(), "first_name"] = second[comma].to_numpy()
    frame.loc[comma.to_numpy(), "last_name"] = first[comma].to_numpy()
    dotted = (whole & ~comma).to_numpy()
    frame.loc[dotted, "first_name"] = first[whole & ~comma].to_numpy()
    frame.loc[dotted, "last_name"] = second[whole & ~comma].to_numpy()


def _frame(records: AccountRecords | ContactRecords, columns: tuple[Field, ...], *,
           known: Mapping[str, npt.NDArray[np.object_]] | None = None) -> pd.DataFrame:  # fmt: skip
    """The compared columns (``known``: cleaned values given before, see :func:`_employer`)."""
    frame: dict[str, object] = {}
    for field in columns:
        if field.column == "employer" and isinstance(records, ContactRecords):
            # cleaning as text keeps letters and digits as they are (see _employer)
            given = (known or {}).get("employer") if field.kind == "text" else None
            frame["employer"] = _employer(records, known=given)
            continue
        if field.column == "country":
            frame["country"] = _country(records.labels("country"))
        elif field.column == "phone":  # the number as the domain normalised it, not as typed
            frame["phone"] = records.column("phone_normalized")
        elif records.SCHEMA[field.column].kind == "category":
            frame[field.column] = records.labels(field.column)
        else:
            frame[field.column] = records.column(field.column)
    frame["system"] = records.labels("system")
    if isinstance(records, ContactRecords):
        frame["work_email"] = _work_emails(records.column("email"))
    table = pd.DataFrame(frame)
    if isinstance(records, ContactRecords):
        _split_names(table)
    return table
