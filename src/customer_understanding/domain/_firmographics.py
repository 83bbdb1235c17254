"""One vocabulary for account fields that every system spells its own way.

Salesforce writes ``Technology``, HubSpot ``COMPUTER_SOFTWARE``; one export says
``Germany``, another ``DE`` or ``Deutschland``. :class:`AccountVocabulary` folds every
spelling it knows to one term (industries as broad sectors, countries by their English
short name) and puts head counts into the usual employee bands. Users extend it with
their own spellings (:meth:`AccountVocabulary.extended`); a spelling it does not know is
kept as written, tidied of stray spaces, so nothing is lost.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from customer_understanding._core import frozen_mapping, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain._normalize import normalize_name, normalize_names

__all__ = ["ACCOUNT_VOCABULARY", "EMPLOYEE_BANDS", "AccountVocabulary", "fold_spelling",
           "fold_spellings"]  # fmt: skip


def fold_spelling(value: str) -> str:
    """The key two spellings of one term share: no accents, case, punctuation or spaces.

    It is :func:`normalize_name` without the spaces.

    Examples
    --------
    >>> fold_spelling("COMPUTER_SOFTWARE") == fold_spelling("Computer Software")
    True
    >>> fold_spelling(" Österreich ")
    'osterreich'
    """
    return normalize_name(value).replace(" ", "")


def fold_spellings(values: Iterable[str]) -> list[str]:
    """:func:`fold_spelling` of each value, at once (see :func:`normalize_names`).

    Raises
    ------
    InvalidValueError
        If ``values`` is not a list of texts, naming the first value that is not.

    Examples
    --------
    >>> fold_spellings(["COMPUTER_SOFTWARE", " Österreich "])
    ['computersoftware', 'osterreich']
    """
    return [name.replace(" ", "") for name in normalize_names(values)]


# Broad sectors (Salesforce's standard picklist, coarsened), each with the spellings
# other systems use: HubSpot's industry codes and common labels. A narrower industry
# (machinery, banking) belongs to its sector, so two systems' codes agree on one term.
_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "Agriculture": ("FARMING", "RANCHING", "DAIRY", "FISHERY"),
    "Apparel": ("APPAREL_FASHION", "TEXTILES", "Fashion"),
    "Biotechnology": ("BIOTECHNOLOGY", "PHARMACEUTICALS", "Biotech", "Life Sciences", "Pharma"),
    "Chemicals": ("CHEMICALS", "PLASTICS"),
    "Construction": ("CONSTRUCTION", "BUILDING_MATERIALS", "CIVIL_ENGINEERING"),
    "Consulting": ("MANAGEMENT_CONSULTING", "PROFESSIONAL_TRAINING_COACHING", "Professional Services", "OUTSOURCING_OFFSHORING", "Business Services"),  # noqa: E501
    "Education": ("E_LEARNING", "EDUCATION_MANAGEMENT", "HIGHER_EDUCATION", "PRIMARY_SECONDARY_EDUCATION", "Higher Education", "EdTech"),  # noqa: E501
    "Electronics": ("CONSUMER_ELECTRONICS", "SEMICONDUCTORS", "ELECTRICAL_ELECTRONIC_MANUFACTURING"),  # noqa: E501
    "Energy": ("OIL_ENERGY", "RENEWABLES_ENVIRONMENT", "Oil & Gas", "Oil and Energy", "Renewables"),
    "Entertainment": ("ENTERTAINMENT", "COMPUTER_GAMES", "MUSIC", "MOTION_PICTURES_AND_FILM", "Gaming"),  # noqa: E501
    "Environmental": ("ENVIRONMENTAL_SERVICES",),
    "Financial Services": ("FINANCIAL_SERVICES", "BANKING", "CAPITAL_MARKETS", "INVESTMENT_BANKING", "INVESTMENT_MANAGEMENT", "VENTURE_CAPITAL_PRIVATE_EQUITY", "ACCOUNTING", "Finance", "Banking", "Fintech"),  # noqa: E501
    "Food & Beverage": ("FOOD_BEVERAGES", "FOOD_PRODUCTION", "WINE_AND_SPIRITS", "RESTAURANTS", "Food and Beverage", "Food"),  # noqa: E501
    "Government": ("GOVERNMENT_ADMINISTRATION", "PUBLIC_POLICY", "MILITARY", "Public Sector"),
    "Healthcare": ("HOSPITAL_HEALTH_CARE", "MEDICAL_DEVICES", "MEDICAL_PRACTICE", "HEALTH_WELLNESS_AND_FITNESS", "MENTAL_HEALTH_CARE", "Health Care", "Medical", "Health"),  # noqa: E501
    "Hospitality": ("HOSPITALITY", "LEISURE_TRAVEL_TOURISM", "Travel", "Hotels"),
    "Insurance": ("INSURANCE",),
    "Legal": ("LAW_PRACTICE", "LEGAL_SERVICES"),
    "Manufacturing": ("MACHINERY", "INDUSTRIAL_AUTOMATION", "MECHANICAL_OR_INDUSTRIAL_ENGINEERING", "AUTOMOTIVE", "AVIATION_AEROSPACE", "DEFENSE_SPACE", "Machinery", "Industrial", "Aerospace", "Automotive", "Engineering"),  # noqa: E501
    "Media": ("ONLINE_MEDIA", "BROADCAST_MEDIA", "PUBLISHING", "NEWSPAPERS", "MARKETING_AND_ADVERTISING", "Advertising", "Publishing"),  # noqa: E501
    "Not For Profit": ("NON_PROFIT_ORGANIZATION_MANAGEMENT", "PHILANTHROPY", "Non-Profit", "Nonprofit", "NGO"),  # noqa: E501
    "Real Estate": ("REAL_ESTATE", "COMMERCIAL_REAL_ESTATE", "Property"),
    "Retail": ("RETAIL", "CONSUMER_GOODS", "SUPERMARKETS", "WHOLESALE", "E-commerce", "Ecommerce", "Consumer Goods"),  # noqa: E501
    "Technology": ("COMPUTER_SOFTWARE", "INFORMATION_TECHNOLOGY_AND_SERVICES", "INTERNET", "COMPUTER_HARDWARE", "COMPUTER_NETWORK_SECURITY", "Software", "IT", "Information Technology", "SaaS", "High Tech", "Computer Software", "Internet"),  # noqa: E501
    "Telecommunications": ("TELECOMMUNICATIONS", "WIRELESS", "Telecom", "Communications"),
    "Transportation": ("LOGISTICS_AND_SUPPLY_CHAIN", "TRANSPORTATION_TRUCKING_RAILROAD", "AIRLINES_AVIATION", "MARITIME", "Logistics", "Shipping"),  # noqa: E501
    "Utilities": ("UTILITIES",),
}  # fmt: skip

# Countries by their English short name, with ISO 3166 codes (alpha-2, alpha-3) and
# names in other common spellings and languages.
_COUNTRIES: dict[str, tuple[str, ...]] = {
    "Argentina": ("AR", "ARG"),
    "Australia": ("AU", "AUS"),
    "Austria": ("AT", "AUT", "Österreich", "Autriche"),
    "Belgium": ("BE", "BEL", "België", "Belgique", "Belgien"),
    "Brazil": ("BR", "BRA", "Brasil"),
    "Canada": ("CA", "CAN"),
    "Chile": ("CL", "CHL"),
    "China": ("CN", "CHN", "People's Republic of China", "PRC"),
    "Colombia": ("CO", "COL"),
    "Czechia": ("CZ", "CZE", "Czech Republic", "Česko"),
    "Denmark": ("DK", "DNK", "Danmark", "Dänemark"),
    "Finland": ("FI", "FIN", "Suomi"),
    "France": ("FR", "FRA", "Frankreich", "République française"),
    "Germany": ("DE", "DEU", "Deutschland", "Allemagne", "Alemania", "Federal Republic of Germany"),
    "Greece": ("GR", "GRC", "Hellas"),
    "Hong Kong": ("HK", "HKG"),
    "Hungary": ("HU", "HUN", "Magyarország"),
    "India": ("IN", "IND", "Bharat"),
    "Indonesia": ("ID", "IDN"),
    "Ireland": ("IE", "IRL", "Éire", "Republic of Ireland"),
    "Israel": ("IL", "ISR"),
    "Italy": ("IT", "ITA", "Italia", "Italien"),
    "Japan": ("JP", "JPN", "Nippon"),
    "Luxembourg": ("LU", "LUX"),
    "Mexico": ("MX", "MEX", "México"),
    "Netherlands": ("NL", "NLD", "Nederland", "Holland", "The Netherlands", "Niederlande", "Pays-Bas"),  # noqa: E501
    "New Zealand": ("NZ", "NZL"),
    "Norway": ("NO", "NOR", "Norge", "Norwegen"),
    "Poland": ("PL", "POL", "Polska", "Polen"),
    "Portugal": ("PT", "PRT"),
    "Romania": ("RO", "ROU", "România"),
    "Singapore": ("SG", "SGP"),
    "South Africa": ("ZA", "ZAF"),
    "South Korea": ("KR", "KOR", "Korea", "Republic of Korea"),
    "Spain": ("ES", "ESP", "España", "Espagne", "Spanien"),
    "Sweden": ("SE", "SWE", "Sverige", "Schweden", "Suède"),
    "Switzerland": ("CH", "CHE", "Schweiz", "Suisse", "Svizzera"),
    "Turkey": ("TR", "TUR", "Türkiye"),
    "United Arab Emirates": ("AE", "ARE", "UAE"),
    "United Kingdom": ("GB", "GBR", "UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland", "Vereinigtes Königreich", "Royaume-Uni"),  # noqa: E501
    "United States": ("US", "USA", "U.S.", "U.S.A.", "United States of America", "America", "Vereinigte Staaten", "États-Unis", "Estados Unidos"),  # noqa: E501
}  # fmt: skip

#: Employee bands as ``(smallest head count, band)``, the bands business directories use.
EMPLOYEE_BANDS: tuple[tuple[int, str], ...] = (
    (1, "1-10"),
    (11, "11-50"),
    (51, "51-200"),
    (201, "201-500"),
    (501, "501-1000"),
    (1001, "1001-5000"),
    (5001, "5001-10000"),
    (10001, "10001+"),
)


def _aliases(terms: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    folded: dict[str, str] = {}
    for term, spellings in terms.items():
        for spelling in (term, *spellings):
            folded[fold_spelling(spelling)] = term
    return folded


def _spellings(value: object) -> Mapping[str, str]:
    """A user's ``{spelling: term}``, folded, every key and term text."""
    if not isinstance(value, Mapping):
        msg = f"spellings={value!r} must be a mapping of spelling to term"
        raise InvalidValueError(msg)
    folded: dict[str, str] = {}
    for spelling, term in value.items():
        if not isinstance(spelling, str) or not isinstance(term, str) or not term.strip():
            msg = f"spelling {spelling!r}: {term!r} must map text to a non-empty term"
            raise InvalidValueError(msg)
        if not fold_spelling(spelling):
            msg = f"spelling {spelling!r} has no letter or digit to match on"
            raise InvalidValueError(msg)
        folded[fold_spelling(spelling)] = term.strip()
    return frozen_mapping(folded)


def _terms(value: Mapping[str, str]) -> Mapping[str, str]:
    return frozen_mapping(value)


def _lookup(table: Mapping[str, str], value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    return table.get(fold_spelling(text), text)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class AccountVocabulary:
    """The terms account fields are written in, and the spellings that mean each term.

    The customer base writes golden accounts in these terms (see
    :class:`~customer_understanding.identity.Survivorship`), so records from different
    systems vote together and every account reads alike. A spelling the vocabulary does
    not know stays as written.

    Parameters
    ----------
    industries, countries
        Folded spelling (:func:`fold_spelling`) → term. The built-in
        :data:`ACCOUNT_VOCABULARY` knows broad industry sectors with HubSpot's codes and
        common labels, and countries by English short name, ISO codes and local names.
        Extend it with :meth:`extended` rather than building one by hand.

    Examples
    --------
    >>> ACCOUNT_VOCABULARY.industry("COMPUTER_SOFTWARE"), ACCOUNT_VOCABULARY.country("DE")
    ('Technology', 'Germany')
    >>> ACCOUNT_VOCABULARY.employee_band(180)
    '51-200'
    """

    industries: Mapping[str, str] = attrs.field(converter=_terms)
    countries: Mapping[str, str] = attrs.field(converter=_terms)

    def __repr__(self) -> str:
        return (
            f"AccountVocabulary({len(self.industry_terms)} industries, "
            f"{len(self.country_terms)} countries)"
        )

    @property
    def industry_terms(self) -> frozenset[str]:
        """Every industry term the vocabulary writes."""
        return frozenset(self.industries.values())

    @property
    def country_terms(self) -> frozenset[str]:
        """Every country term the vocabulary writes."""
        return frozenset(self.countries.values())

    def industry(self, value: object) -> str | None:
        """The industry term for a spelling (``None`` for a blank, as written when unknown).

        Examples
        --------
        >>> ACCOUNT_VOCABULARY.industry("hospital_health_care")
        'Healthcare'
        >>> ACCOUNT_VOCABULARY.industry("  Space  Mining ")
        'Space Mining'
        """
        return _lookup(self.industries, value)

    def country(self, value: object) -> str | None:
        """The country term for a spelling (``None`` for a blank, as written when unknown).

        Examples
        --------
        >>> ACCOUNT_VOCABULARY.country("U.S.A."), ACCOUNT_VOCABULARY.country("Sverige")
        ('United States', 'Sweden')
        """
        return _lookup(self.countries, value)

    @staticmethod
    def employee_band(value: Any) -> str | None:
        """The employee band of a head count (``None`` when missing or not positive).

        Examples
        --------
        >>> AccountVocabulary.employee_band(10), AccountVocabulary.employee_band(10_500)
        ('1-10', '10001+')
        """
        try:
            count = float(value)
        except (TypeError, ValueError):
            return None
        if not count >= 1:  # also NaN
            return None
        label = EMPLOYEE_BANDS[0][1]
        for low, band in EMPLOYEE_BANDS:
            if count >= low:
                label = band
        return label

    def extended(
        self,
        *,
        industries: Mapping[str, str] | None = None,
        countries: Mapping[str, str] | None = None,
    ) -> AccountVocabulary:
        """A vocabulary that also knows these spellings (``{spelling: term}``).

        A term not yet in the vocabulary becomes one; a spelling already known is
        given the new term.

        Raises
        ------
        InvalidValueError
            When a spelling or term is not text, or a spelling has no letter or digit.

        Examples
        --------
        >>> ours = ACCOUNT_VOCABULARY.extended(industries={"Fintech Lending": "Lending"})
        >>> ours.industry("FINTECH-LENDING"), ours.industry("Lending")
        ('Lending', 'Lending')
        """
        added_industries = _spellings(industries or {})
        added_countries = _spellings(countries or {})
        return AccountVocabulary(
            industries={**self.industries, **_self_spelled(added_industries), **added_industries},
            countries={**self.countries, **_self_spelled(added_countries), **added_countries},
        )


def _self_spelled(added: Mapping[str, str]) -> dict[str, str]:
    """Each new term also spells itself."""
    return {fold_spelling(term): term for term in added.values()}


#: The built-in vocabulary the customer base writes golden accounts in.
ACCOUNT_VOCABULARY = AccountVocabulary(
    industries=MappingProxyType(_aliases(_INDUSTRIES)),
    countries=MappingProxyType(_aliases(_COUNTRIES)),
)
