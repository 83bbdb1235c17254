"""Ready-made mappings for common exports, looked up by ``"system.object"`` names.

The column names follow each system's own export or API field names; the value maps
translate their labels into the library's vocabularies.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from customer_understanding._errors import UnknownNameError
from customer_understanding.ingest._mapping import SourceMapping

__all__ = ["PRESETS", "get_preset", "preset_names"]

_OPTED_OUT = {"true": "denied", "false": "granted"}
_SF_LEAD_STATUS = {
    "open - not contacted": "known",
    "working - contacted": "engaged",
    "marketing qualified": "mql",
    "sales accepted": "sal",
    "sales qualified": "sql",
    "closed - converted": "opportunity",
    "closed - not converted": "recycled",
}
_HS_LEAD_STATUS = {
    "new": "known",
    "open": "known",
    "attempted_to_contact": "engaged",
    "connected": "engaged",
    "in_progress": "sal",
    "open_deal": "opportunity",
    "unqualified": "recycled",
    "bad_timing": "recycled",
}
_SF_CLOSED = {"closed won": "won", "closed lost": "lost"}
_HS_LIFECYCLE = {
    "subscriber": "known",
    "lead": "known",
    "marketingqualifiedlead": "mql",
    "salesqualifiedlead": "sql",
    "opportunity": "opportunity",
    "customer": "won",
    "evangelist": "advocate",
    "other": "known",
}
_HS_STAGE_DATES = {
    "hs_lifecyclestage_lead_date": "known",
    "hs_lifecyclestage_marketingqualifiedlead_date": "mql",
    "hs_lifecyclestage_salesqualifiedlead_date": "sql",
    "hs_lifecyclestage_opportunity_date": "opportunity",
    "hs_lifecyclestage_customer_date": "won",
    "hs_lifecyclestage_evangelist_date": "advocate",
}
_SF = "salesforce"
_HS = "hubspot"
_ZD = "zendesk"

_SALESFORCE = {
    "Account": SourceMapping(
        system=_SF,
        target="account",
        fields={
            "source_id": "Id",
            "name": "Name",
            "domain": "Website",
            "industry": "Industry",
            "employees": "NumberOfEmployees",
            "annual_revenue": "AnnualRevenue",
            "country": "BillingCountry",
            "city": "BillingCity",
            "parent_ref": "ParentId",
            "owner": "OwnerId",
            "created_at": "CreatedDate",
        },
    ),
    "Contact": SourceMapping(
        system=_SF,
        target="contact",
        fields={
            "source_id": "Id",
            "account_ref": "AccountId",
            "first_name": "FirstName",
            "last_name": "LastName",
            "email": "Email",
            "phone": "Phone",
            "title": "Title",
            "department": "Department",
            "marketing_consent": "HasOptedOutOfEmail",
            "created_at": "CreatedDate",
        },
        constants={"record_type": "contact"},
        value_maps={"marketing_consent": _OPTED_OUT},
    ),
    "Lead": SourceMapping(
        system=_SF,
        target="contact",
        fields={
            "source_id": "Id",
            "first_name": "FirstName",
            "last_name": "LastName",
            "email": "Email",
            "phone": "Phone",
            "company": "Company",
            "title": "Title",
            "lifecycle_stage": "Status",
            "marketing_consent": "HasOptedOutOfEmail",
            "created_at": "CreatedDate",
        },
        constants={"record_type": "lead"},
        value_maps={"lifecycle_stage": _SF_LEAD_STATUS, "marketing_consent": _OPTED_OUT},
    ),
    "Opportunity": SourceMapping(
        system=_SF,
        target="opportunity",
        fields={
            "source_id": "Id",
            "account_ref": "AccountId",
            "name": "Name",
            "amount": "Amount",
            "currency": "CurrencyIsoCode",
            "sales_stage": "StageName",
            "outcome": "StageName",
            "kind": "Type",
            "created_at": "CreatedDate",
            "closed_at": "CloseDate",
            "owner": "OwnerId",
        },
        value_maps={"outcome": _SF_CLOSED},
        defaults={"outcome": "open"},
    ),
    "OpportunityContactRole": SourceMapping(
        system=_SF,
        target="contact_role",
        fields={
            "source_id": "Id",
            "opportunity_ref": "OpportunityId",
            "contact_ref": "ContactId",
            "role": "Role",
            "is_primary": "IsPrimary",
        },
        value_maps={"role": {"other": ""}},  # "Other" names no buying role
    ),
    "OpportunityHistory": SourceMapping(
        system=_SF,
        target="stage_change",
        fields={
            "source_id": "Id",
            "subject_ref": "OpportunityId",
            "stage": "StageName",
            "detail": "StageName",
            "at": "CreatedDate",
        },
        constants={"subject_kind": "opportunity"},
        value_maps={"stage": _SF_CLOSED},
        defaults={"stage": "opportunity"},
    ),
    # Field history of leads: the rows of the Status field are read, the others skipped.
    "LeadHistory": SourceMapping(
        system=_SF,
        target="stage_change",
        fields={
            "source_id": "Id",
            "subject_ref": "LeadId",
            "stage": "NewValue",
            "detail": "NewValue",
            "at": "CreatedDate",
        },
        constants={"subject_kind": "contact"},
        value_maps={"stage": _SF_LEAD_STATUS},
        rows_where={"Field": "Status"},
    ),
    "Task": SourceMapping(
        system=_SF,
        target="interaction",
        fields={
            "source_id": "Id",
            "contact_ref": "WhoId",
            "opportunity_ref": "WhatId",
            "account_ref": "AccountId",
            "subject": "Subject",
            "type": "TaskSubtype",
            "status": "Status",
            "occurred_at": "CreatedDate",
        },
        constants={"discipline": "sales"},
        value_maps={"type": {"email": "sales_email", "call": "call", "task": "task"}},
    ),
    "Event": SourceMapping(
        system=_SF,
        target="interaction",
        fields={
            "source_id": "Id",
            "contact_ref": "WhoId",
            "opportunity_ref": "WhatId",
            "account_ref": "AccountId",
            "subject": "Subject",
            "type": "Type",
            "occurred_at": "StartDateTime",
            "quantity": "DurationInMinutes",
        },
        constants={"discipline": "sales"},
        value_maps={"type": {"meeting": "meeting", "demo": "demo"}},
        defaults={"type": "meeting"},
    ),
}

_HUBSPOT = {
    "companies": SourceMapping(
        system=_HS,
        target="account",
        fields={
            "source_id": "hs_object_id",
            "name": "name",
            "domain": "domain",
            "industry": "industry",
            "employees": "numberofemployees",
            "country": "country",
            "city": "city",
            "created_at": "createdate",
        },
    ),
    "contacts": SourceMapping(
        system=_HS,
        target="contact",
        fields={
            "source_id": "hs_object_id",
            "email": "email",
            "first_name": "firstname",
            "last_name": "lastname",
            "phone": "phone",
            "title": "jobtitle",
            "company": "company",
            "account_ref": "associatedcompanyid",
            "lifecycle_stage": "lifecyclestage",
            "marketing_consent": "hs_email_optout",
            "created_at": "createdate",
        },
        constants={"record_type": "contact"},
        value_maps={"lifecycle_stage": _HS_LIFECYCLE, "marketing_consent": _OPTED_OUT},
        stage_dates=_HS_STAGE_DATES,
    ),
    "deals": SourceMapping(
        system=_HS,
        target="opportunity",
        fields={
            "source_id": "hs_object_id",
            "name": "dealname",
            "amount": "amount",
            "sales_stage": "dealstage",
            "outcome": "dealstage",
            "kind": "dealtype",
            "created_at": "createdate",
            "closed_at": "closedate",
            "account_ref": "associatedcompanyid",
            "owner": "hubspot_owner_id",
        },
        # HubSpot's one type for repeat business counts as a renewal, the commoner kind
        value_maps={
            "outcome": {"closedwon": "won", "closedlost": "lost"},
            "kind": {"newbusiness": "new", "existingbusiness": "renewal"},
        },
        defaults={"outcome": "open"},
    ),
    # Property history of hs_lead_status (one row per value a contact held).
    "lead_status_history": SourceMapping(
        system=_HS,
        target="stage_change",
        fields={
            "source_id": "id",
            "subject_ref": "contact_id",
            "stage": "value",
            "detail": "value",
            "at": "timestamp",
        },
        constants={"subject_kind": "contact"},
        value_maps={"stage": _HS_LEAD_STATUS},
    ),
    "engagements": SourceMapping(
        system=_HS,
        target="interaction",
        fields={
            "source_id": "hs_object_id",
            "type": "type",
            "occurred_at": "hs_timestamp",
            "contact_ref": "contact_id",
            "account_ref": "company_id",
            "subject": "subject",
        },
        constants={"discipline": "sales"},
        value_maps={
            "type": {
                "email": "sales_email",
                "meeting": "meeting",
                "call": "call",
                "note": "note",
                "task": "task",
            }
        },
    ),
    "marketing_events": SourceMapping(
        system=_HS,
        target="interaction",
        fields={
            "source_id": "id",
            "email": "recipient",
            "type": "type",
            "occurred_at": "created",
            "campaign": "campaign",
        },
        constants={"discipline": "marketing"},
        value_maps={
            "type": {
                "sent": "email_send",
                "open": "email_open",
                "click": "email_click",
                "bounce": "email_bounce",
                "unsubscribed": "unsubscribe",
                "spamreport": "spam_report",
                "form_submission": "form_fill",
                "webinar": "webinar",
                "content_download": "content_download",
            }
        },
    ),
}

_ZD_RATINGS = {"good": "1", "bad": "0", "offered": "", "unoffered": ""}

_ZENDESK = {
    "organizations": SourceMapping(
        system=_ZD,
        target="account",
        fields={
            "source_id": "id",
            "name": "name",
            "domain": "domain_names",
            "created_at": "created_at",
        },
    ),
    "users": SourceMapping(
        system=_ZD,
        target="contact",
        fields={
            "source_id": "id",
            "full_name": "name",
            "email": "email",
            "phone": "phone",
            "account_ref": "organization_id",
            "created_at": "created_at",
        },
        constants={"record_type": "user"},
    ),
    "tickets": SourceMapping(
        system=_ZD,
        target="interaction",
        fields={
            "source_id": "id",
            "contact_ref": "requester_id",
            "account_ref": "organization_id",
            "subject": "subject",
            "priority": "priority",
            "status": "status",
            "satisfaction": "satisfaction_rating",
            "occurred_at": "created_at",
            "updated_at": "updated_at",
        },
        constants={"type": "ticket", "discipline": "service"},
        value_maps={
            "priority": {"urgent": "p1", "high": "p2", "normal": "p3", "low": "p4"},
            "satisfaction": _ZD_RATINGS,
        },
    ),
    # The audit trail (one row per audit: the ticket's status and rating after it). Its
    # rows name their ticket in ``thread``; they are no touch of a person or an account.
    "ticket_audits": SourceMapping(
        system=_ZD,
        target="interaction",
        fields={
            "source_id": "id",
            "thread": "ticket_id",
            "occurred_at": "created_at",
            "status": "status",
            "satisfaction": "satisfaction_rating",
        },
        constants={"type": "ticket_update", "discipline": "service"},
        value_maps={"satisfaction": _ZD_RATINGS},
    ),
}

_OTHER = {
    "product.events": SourceMapping(
        system="product", target="interaction",
        fields={"source_id": "event_id", "contact_ref": "user_id", "email": "email",
                "type": "event", "occurred_at": "timestamp"},
        constants={"discipline": "product"},
        value_maps={"type": {"login": "login", "feature used": "feature_use",
                         "seats changed": "seat_change"}},
        properties=("properties", {"subject": "feature", "quantity": "seats"}),
    ),
    "web.visits": SourceMapping(
        system="web", target="interaction",
        fields={"source_id": "visit_id", "occurred_at": "timestamp", "domain": "domain",
                "subject": "page", "email": "email"},
        constants={"type": "page_view", "discipline": "marketing", "channel": "web"},
    ),
}  # fmt: skip


# Consent logs: Salesforce's consent records (the export joins each to the contact id) and
# HubSpot's subscription statuses by e-mail address, both dated.
_SF_PRIVACY = {"optin": "granted", "optout": "denied", "seen": "unknown", "notseen": "unknown"}
_HS_SUBSCRIPTIONS = {
    "marketing information": "marketing",
    "product updates": "marketing",
    "newsletter": "marketing",
    "one to one": "sales_outreach",
    "customer stories": "references",
}
_CONSENT = {
    "salesforce.ContactPointTypeConsent": SourceMapping(
        system=_SF,
        target="consent",
        fields={"source_id": "Id", "contact_ref": "PartyId", "channel": "ContactPointType",
                "purpose": "DataUsePurpose", "status": "PrivacyConsentStatus",
                "at": "EffectiveFrom"},
        value_maps={"status": _SF_PRIVACY,
                    "purpose": {"web and product analytics": "tracking"}},
    ),
    "hubspot.subscriptions": SourceMapping(
        system=_HS,
        target="consent",
        fields={"email": "email", "purpose": "subscription_name", "status": "status",
                "at": "timestamp"},
        constants={"channel": "email"},
        value_maps={"purpose": _HS_SUBSCRIPTIONS},
    ),
}  # fmt: skip


def _named(system: str, mappings: Mapping[str, SourceMapping]) -> dict[str, SourceMapping]:
    return {f"{system}.{name}": mapping for name, mapping in mappings.items()}


#: Every preset by name.
PRESETS: Mapping[str, SourceMapping] = MappingProxyType(
    {**_named(_SF, _SALESFORCE), **_named(_HS, _HUBSPOT), **_named(_ZD, _ZENDESK)}
    | _OTHER
    | _CONSENT
)


def preset_names() -> tuple[str, ...]:
    """The names of all presets, sorted.

    Examples
    --------
    >>> [name for name in preset_names() if name.startswith("zendesk")]
    ['zendesk.organizations', 'zendesk.ticket_audits', 'zendesk.tickets', 'zendesk.users']
    """
    return tuple(sorted(PRESETS))


def get_preset(name: str) -> SourceMapping:
    """The mapping for a common export, by ``"system.object"`` name.

    Raises
    ------
    UnknownNameError
        If no preset has that name; the message lists them.

    Examples
    --------
    >>> get_preset("salesforce.Lead").target
    'contact'
    """
    try:
        return PRESETS[name]
    except KeyError:
        msg = f"preset={name!r} is not one of: {', '.join(preset_names())}"
        raise UnknownNameError(msg) from None
