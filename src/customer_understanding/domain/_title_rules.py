"""The default title rules: buying roles, seniority and department, in a few languages.

Patterns are written against folded titles (see
:func:`~customer_understanding.domain.fold_title`): lower case, no accents, words
separated by single spaces. Within each fact the first matching rule wins, so specific
rules come before general ones. Seniority and department words are given in English,
German, French, Spanish and Dutch, with the usual abbreviations (CEO, VP, SVP, Dir.,
Mgr, Sr., SDR …).
"""

from __future__ import annotations

from customer_understanding.domain._titles import TitleRule

__all__ = ["DEFAULT_TITLE_RULES"]


def _role(pattern: str, role: str, confidence: float) -> TitleRule:
    return TitleRule(pattern=pattern, role=role, confidence=confidence)


def _level(pattern: str, seniority: str, confidence: float) -> TitleRule:
    return TitleRule(pattern=pattern, seniority=seniority, confidence=confidence)


def _unit(pattern: str, department: str, confidence: float) -> TitleRule:
    return TitleRule(pattern=pattern, department=department, confidence=confidence)


# Security and legal can block, money signs, technology evaluates.
_ROLE_RULES = (
    _role(r"\b(security|ciso|legal|counsel|compliance|juriste|abogad[oa])\b", "blocker", 0.4),
    _role(r"\b(procurement|purchasing|sourcing|vendor|einkauf\w*|inkoop|achats?|acheteur\w*"
          r"|compras)\b", "procurement", 0.9),
    _role(r"\b(cfo|chief financial|vp,? finance|vice president,? finance|daf|finanzvorstand"
          r"|directeur financier|director financiero|directora financiera)\b", "economic_buyer",
          0.85),
    _role(r"\b(ceo|chief executive|coo|chief operating|general manager|gm|managing director"
          r"|(?<!vice )president|owner|founder|vp,? operations|geschaftsfuhrer\w*|vorstand\w*"
          r"|pdg|directeur general|directrice generale|director general|directora general"
          r"|consejero delegado|consejera delegada|gerente general|algemeen directeur)\b",
          "economic_buyer", 0.7),
    _role(r"\b(chief|cto|cmo|cro|cio|vp|vice president|svp|evp|vicepresidente"
          r"|vizeprasident\w*)\b", "decision_maker", 0.6),
    _role(r"\b(architect|engineer|eng|swe|developer|devops|it\b|systems|sysadmin|admin|data"
          r"|technical|infrastructure|ingenieur|ingenier[oa]|entwickler|developpeur"
          r"|desarrollador|informatique|informatica)", "technical_evaluator", 0.75),
    _role(r"\b(controller|finance|product)\b", "influencer", 0.5),
    _role(r"\b(head of|director|dir|operations|ops|leitung|directeur|directrice|directora"
          r"|hoofd)\b|leiter(in)?\b", "champion", 0.45),
    _role(r"\b(manager\w*|mgr|lead|gerente|jefe|jefa|responsable|chef|cheffe)\b", "influencer",
          0.4),
    _role(r"\b(analyst|specialist|representative|rep|associate|coordinator|executive|agent"
          r"|assistant|consultant|sdr|bdr|csm|analyste|analista|technicien|especialista"
          r"|sachbearbeiter\w*|medewerker)\b", "user", 0.6),
)  # fmt: skip

# Individual roles whose names carry a senior-sounding word come first; "vice
# president" before "president"; a general manager runs a unit (VP level).
_SENIORITY_RULES = (
    _level(r"\b(key )?account manager\b|\b(customer|client) success manager\b|\bcsm\b"
           r"|\baccount executive\b|\bexecutive assistant\b", "individual", 0.6),
    _level(r"\b(vp|svp|evp|avp|vice president|vicepresident|vicepresidente|vice presidente"
           r"|vizeprasident\w*)\b", "vp", 0.9),
    _level(r"\bchief\b", "c_level", 0.95),
    _level(r"\b(ceo|cfo|coo|cto|cmo|cro|cio|ciso|cdo|chro|cpo|cso|cco|cxo)\b", "c_level", 0.9),
    _level(r"\b(president|presidente|founder|co founder|cofounder|owner|managing director"
           r"|managing partner|\w*geschaftsfuhrer\w*|\w*vorstand\w*|pdg|directeur general"
           r"|directrice generale|director general|directora general|director ejecutivo"
           r"|directora ejecutiva|consejero delegado|consejera delegada|gerente general"
           r"|algemeen directeur|daf)\b", "c_level", 0.85),
    _level(r"\b(general manager|gm)\b", "vp", 0.7),
    _level(r"\b(team|gruppen|projekt|schicht)leiter(in)?\b", "manager", 0.7),
    _level(r"\b(head|heads|hd|hoofd)\b|leiter(in)?\b|\bleitung\b", "director", 0.85),
    _level(r"\b(director|directora|directeur|directrice|direktor\w*|dir)\b", "director", 0.85),
    _level(r"\b(manager\w*|mgr|mngr|gerente|jefe|jefa|responsable|chef|supervisor\w*|cheffe"
           r"|teamlead)\b", "manager", 0.75),
    _level(r"\b(lead|leader|controller)\b", "manager", 0.55),
    _level(r"\b(engineer|ingenieur\w*|ingenier[oa]|developer|entwickler\w*|developpeur\w*"
           r"|desarrollador\w*|programmer|analyst|analyste|analista|specialist|spezialist\w*"
           r"|especialista|representative|rep|representante|associate|coordinator"
           r"|coordinat\w*|coordinador\w*|assistant\w*|asistente|consultant\w*|consultor\w*"
           r"|berater\w*|adviseur|advisor|accountant|comptable|contador\w*|buchhalter\w*"
           r"|recruiter|counsel|lawyer|attorney|juriste|abogad[oa]|architect|architekt\w*"
           r"|arquitect[oa]|administrator|admin|designer|scientist|technician|agent|officer"
           r"|clerk|sachbearbeiter\w*|referent\w*|mitarbeiter\w*|medewerker|chargee?|sdr|bdr"
           r"|intern|trainee|swe|praktikant\w*|stagiaire|becari[oa]|vendedor\w*)\b",
           "individual", 0.75),
    _level(r"\b(executive|ejecutiv[oa]|commercial|comercial)\b", "individual", 0.6),
    # Most titles no rule knows are individual contributors' (a weak prior).
    _level(r"\w", "individual", 0.3),
)  # fmt: skip

# Function words before the general ones: security is IT, "revenue operations" is
# operations, a marketing or sales operations role belongs to marketing or sales.
_DEPARTMENT_RULES = (
    _unit(r"\b(security|ciso|cybersecurity|infosec)\b", "IT", 0.8),
    _unit(r"\b(legal|counsel|lawyer|attorney|juriste|juridique|juridico|abogad[oa]|recht\w*"
          r"|compliance)\b", "Legal", 0.85),
    _unit(r"\b(hr|human resources|people|talent|recruit\w*|recrut\w*|reclut\w*|personal\w*"
          r"|personnel|rh|ressources humaines|recursos humanos|chro)\b", "Human Resources", 0.85),
    _unit(r"\b(procurement|purchasing|sourcing|vendor|buyer|einkauf\w*|achats?|acheteur\w*"
          r"|compras|aprovisionamiento|inkoop)\b", "Procurement", 0.85),
    _unit(r"\b(revenue operations|revops|rev ops)\b", "Operations", 0.7),
    _unit(r"\b(marketing|mktg|cmo|growth|brand|content|demand gen\w*|communications?"
          r"|kommunikation|mercadotecnia|mercadeo)\b", "Marketing", 0.85),
    _unit(r"\b(customer success|client success|csm|support|klantenservice|customer service"
          r"|customer experience|kundenservice|kundenbetreuung|service client"
          r"|atencion al cliente|soporte|onboarding)\b", "Customer Success", 0.8),
    _unit(r"\b(sales|cro|chief revenue|revenue|account executive|account manager|sdr|bdr"
          r"|business development|ejecutiv[oa] de cuentas|vertrieb\w*|verkauf\w*|commercial\w*"
          r"|ventas|comercial\w*|verkoop)\b", "Sales", 0.85),
    _unit(r"\b(product|produkt\w*|produit|producto)\b", "Product", 0.8),
    _unit(r"\b(cfo|finance|financ\w*|finanz\w*|controller|controlling|accountant|accounting"
          r"|treasur\w*|comptab\w*|contab\w*|buchhalt\w*|boekhoud\w*|daf|tax)\b", "Finance", 0.85),
    _unit(r"\b(it|cio|systems?|sistemas|sysadmin|infrastructure|network|helpdesk|architect"
          r"|informatique|informatica|edv|dsi|ict)\b", "IT", 0.75),
    _unit(r"\b(analyst|analytics|analyste|analista|business intelligence|bi)\b", "Operations",
          0.6),
    _unit(r"\b(engineer\w*|eng|swe|developer|software|cto|chief technology|technology|data|devops"
          r"|entwickl\w*|ingenieur\w*|ingenier\w*|developpe\w*|desarroll\w*|technik)\b",
          "Engineering", 0.75),
    _unit(r"\b(executive assistant|ceo|chief executive|(?<!vice )president|presidente"
          r"|founder|co founder|owner|managing director|general manager|gm"
          r"|geschaftsfuhrer\w*|vorstand\w*|pdg|directeur general|directrice generale"
          r"|director general|directora general|gerente general|consejero delegado"
          r"|algemeen directeur)\b", "Executive", 0.8),
    _unit(r"\b(operations|ops|coo|chief operating|operational|betrieb\w*|operaciones"
          r"|operationnel\w*|office|logistics|logistik|supply chain)\b", "Operations", 0.75),
)  # fmt: skip

#: Ordered rules for role, seniority and department; each fact from the first that gives it.
DEFAULT_TITLE_RULES: tuple[TitleRule, ...] = (
    *_ROLE_RULES,
    *_SENIORITY_RULES,
    *_DEPARTMENT_RULES,
)
