"""Job titles as people write them: in their company's language, or abbreviated.

A person's job (and so their true seniority and department) stays the same; only the
title they go by changes. People at German, French, Spanish and Dutch companies often
use a local title; anyone may use a common abbreviation. The draws come from a
generator of their own, so adding this changes nothing else in the world.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from customer_understanding.datasets._text import Ints, Strs, objects

__all__ = ["ABBREVIATED", "LOCAL_TITLES", "vary_titles"]

#: Local titles by country code, for the jobs that have a usual local name.
LOCAL_TITLES: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType({
    "DE": MappingProxyType({
        "Chief Executive Officer": ("Geschäftsführer", "Geschäftsführerin"),
        "Chief Financial Officer": ("Finanzvorstand",),
        "Managing Director": ("Geschäftsführer",),
        "VP Sales": ("Vice President Vertrieb",), "VP Marketing": ("Vizepräsident Marketing",),
        "Director of Marketing Operations": ("Leiterin Marketing Operations",),
        "Director of Customer Success": ("Leiter Kundenservice", "Leiterin Kundenservice"),
        "Marketing Manager": ("Marketing Managerin",), "Head of IT": ("Leiter IT", "Leitung IT"),
        "IT Manager": ("IT-Teamleiter",),
        "Senior Software Engineer": ("Senior Software-Entwickler",),
        "Procurement Manager": ("Manager Einkauf",), "Head of Procurement": ("Leiter Einkauf",),
        "Purchasing Specialist": ("Sachbearbeiterin Einkauf", "Sachbearbeiter Einkauf"),
        "Director of Sales": ("Vertriebsleiter", "Vertriebsleiterin"),
        "Finance Manager": ("Manager Finanzen",), "Accountant": ("Buchhalter", "Buchhalterin"),
        "Recruiter": ("Recruiterin",),
    }),
    "FR": MappingProxyType({
        "Chief Executive Officer": ("Président-Directeur Général", "PDG"),
        "Chief Financial Officer": ("DAF",), "Managing Director": ("Directeur Général",),
        "VP Sales": ("Vice-Président Commercial",),
        "Director of Marketing Operations": ("Directrice Marketing",),
        "Director of Sales": ("Directeur Commercial", "Directrice Commerciale"),
        "Director of Customer Success": ("Directrice Service Client",),
        "Head of IT": ("Directeur Informatique",), "Marketing Manager": ("Responsable Marketing",),
        "Product Manager": ("Chef de Produit", "Cheffe de Produit"),
        "Data Engineer": ("Ingénieur Data",),
        "Senior Software Engineer": ("Ingénieur Logiciel Senior",),
        "Procurement Manager": ("Responsable Achats",), "Purchasing Specialist": ("Acheteur",),
        "Accountant": ("Comptable",), "Marketing Analyst": ("Chargée d'études Marketing",),
        "Business Analyst": ("Analyste Métier",), "Support Specialist": ("Technicien Support",),
        "Recruiter": ("Chargé de Recrutement",), "Finance Manager": ("Responsable Financier",),
        "Head of Legal": ("Directrice Juridique",),
    }),
    "ES": MappingProxyType({
        "Chief Executive Officer": ("Director General", "Directora General"),
        "Managing Director": ("Consejero Delegado",), "VP Sales": ("Vicepresidente de Ventas",),
        "Director of Sales": ("Director Comercial",),
        "Director of Marketing Operations": ("Directora de Marketing",),
        "Director of Customer Success": ("Directora de Atención al Cliente",),
        "Marketing Manager": ("Gerente de Marketing",),
        "Sales Operations Manager": ("Jefe de Operaciones de Ventas",),
        "IT Manager": ("Jefe de Sistemas",), "Head of IT": ("Director de Informática",),
        "Data Engineer": ("Ingeniero de Datos",),
        "Senior Software Engineer": ("Ingeniera de Software Sénior",),
        "Procurement Manager": ("Jefa de Compras",),
        "Head of Procurement": ("Directora de Compras",),
        "Accountant": ("Contable",), "Business Analyst": ("Analista de Negocio",),
        "Data Analyst": ("Analista de Datos",), "Account Executive": ("Ejecutiva de Cuentas",),
        "Support Specialist": ("Especialista de Soporte",),
        "Product Manager": ("Gerente de Producto",), "Finance Manager": ("Gerente de Finanzas",),
    }),
    "NL": MappingProxyType({
        "Chief Executive Officer": ("Algemeen Directeur",), "Head of IT": ("Hoofd IT",),
        "Director of Sales": ("Directeur Verkoop",), "Procurement Manager": ("Manager Inkoop",),
        "Support Specialist": ("Medewerker Klantenservice",), "Accountant": ("Boekhouder",),
    }),
})  # fmt: skip

#: Common abbreviations and spellings of English titles.
ABBREVIATED: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "Chief Financial Officer": ("CFO",), "Chief Executive Officer": ("CEO", "CEO & Founder"),
    "Chief Operating Officer": ("COO",), "Chief Revenue Officer": ("CRO",),
    "Chief Marketing Officer": ("CMO",), "Chief Technology Officer": ("CTO",),
    "Chief Information Security Officer": ("CISO",),
    "VP Finance": ("V.P. Finance", "VP, Finance"),
    "VP Sales": ("SVP, Sales", "Vice President of Sales"),
    "VP Operations": ("Vice President, Operations",),
    "VP Marketing": ("Vice President of Marketing", "EVP Marketing"),
    "VP Customer Success": ("VP, Customer Success",),
    "Director of Marketing Operations": ("Dir. Marketing Ops",),
    "Director of Customer Success": ("Sr. Director, Customer Success",),
    "Director of Analytics": ("Analytics Director",), "Head of IT": ("IT Head",),
    "Sales Operations Manager": ("Sales Ops Mgr", "Sr. Manager, Sales Operations"),
    "Marketing Manager": ("Mktg Manager",), "Engineering Manager": ("Eng. Manager",),
    "IT Manager": ("IT Mgr",), "Senior Software Engineer": ("Sr. Software Engineer", "Sr SWE"),
    "Sales Development Representative": ("SDR",),
    "Inside Sales Representative": ("Inside Sales Rep",),
    "Customer Success Manager": ("CSM",), "Systems Administrator": ("SysAdmin",),
    "General Manager": ("GM",),
})  # fmt: skip

_LOCAL_SHARE = 0.6
_ABBREVIATED_SHARE = 0.3


def _variant(choices: tuple[str, ...] | None, draw: float) -> str | None:
    return None if not choices else choices[int(draw * len(choices)) % len(choices)]


def vary_titles(titles: Strs, rng: np.random.Generator, *, country_code: Strs, firm: Ints) -> Strs:
    """Each person's title as they write it (``country_code`` per firm, ``firm`` per person)."""
    local = rng.random(len(titles)) < _LOCAL_SHARE
    short = rng.random(len(titles)) < _ABBREVIATED_SHARE
    pick = rng.random(len(titles))
    out = []
    for k, title in enumerate(titles):
        by_country = LOCAL_TITLES.get(str(country_code[firm[k]]), {})
        written = _variant(by_country.get(title), pick[k]) if local[k] else None
        if written is None and short[k]:
            written = _variant(ABBREVIATED.get(title), pick[k])
        out.append(written or title)
    return objects(out)
