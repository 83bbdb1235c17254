import pandas as pd
import pytest

from customer_understanding import CustomerBase
from customer_understanding.ingest import Source


def _frames() -> dict[str, pd.DataFrame]:
    return {
        "salesforce.Account": pd.DataFrame({
            "Id": ["001A", "001B"], "Name": ["Acme Inc", "Beta GmbH"],
            "Website": ["https://www.acme.com", "beta.de"], "ParentId": [None, "001A"],
            "Industry": ["Software", None], "CreatedDate": ["2025-01-01T00:00:00Z", "2025-02-01"],
        }),
        "salesforce.Contact": pd.DataFrame({
            "Id": ["003A", "003B"], "AccountId": ["001A", "001B"], "FirstName": ["Ann", "Bob"],
            "LastName": ["Lee", "Ray"], "Email": ["Ann@Acme.com", "bob@beta.de"],
            "Phone": ["+1 (415) 555-0100", None], "HasOptedOutOfEmail": [False, True],
            "Title": ["VP Finance", "Engineer"], "CreatedDate": ["2025-01-02", "2025-02-02"],
        }),
        "salesforce.Lead": pd.DataFrame({
            "Id": ["00QA"], "FirstName": ["Dee"], "LastName": ["Kay"], "Email": ["dee@acme.com"],
            "Company": ["Acme"], "Status": ["Marketing Qualified"], "CreatedDate": ["2025-03-01"],
        }),
        "salesforce.Opportunity": pd.DataFrame({
            "Id": ["006A"], "AccountId": ["001A"], "Name": ["Acme platform"], "Amount": [48000],
            "StageName": ["Closed Won"], "CreatedDate": ["2025-02-01"], "CloseDate": ["2025-04-01"],
        }),
        "salesforce.OpportunityContactRole": pd.DataFrame({
            "Id": ["r1", "r2"], "OpportunityId": ["006A", "006A"], "ContactId": ["003A", "003B"],
            "Role": ["Economic Buyer", "Other"], "IsPrimary": [True, False],
        }),
        "salesforce.OpportunityHistory": pd.DataFrame({
            "Id": ["h1", "h2"], "OpportunityId": ["006A", "006A"],
            "StageName": ["Prospecting", "Closed Won"], "CreatedDate": ["2025-02-01", "2025-04-01"],
        }),
        "hubspot.contacts": pd.DataFrame({
            "hs_object_id": ["501"], "email": ["ann@acme.com"], "firstname": ["Annie"],
            "lastname": ["Lee"], "lifecyclestage": ["customer"], "hs_email_optout": ["false"],
            "hs_lifecyclestage_lead_date": ["2024-11-01"],
            "hs_lifecyclestage_marketingqualifiedlead_date": ["2024-12-01"],
            "hs_lifecyclestage_customer_date": ["2025-04-01"], "createdate": ["2024-11-01"],
        }),
        "zendesk.organizations": pd.DataFrame({
            "id": [10], "name": ["ACME"], "domain_names": ["acme.com, acme.io"],
            "created_at": ["2025-01-05"],
        }),
        "zendesk.users": pd.DataFrame({
            "id": [1, 2], "name": ["Ann Lee", "Carl"], "email": ["ann@acme.com", "carl@gmail.com"],
            "organization_id": [10, None], "created_at": ["2025-03-01", "2025-03-02"],
        }),
        "zendesk.tickets": pd.DataFrame({
            "id": [100, 101], "requester_id": [1, 2], "organization_id": [10, None],
            "subject": ["Broken export", "Help"], "priority": ["urgent", "low"],
            "status": ["open", "solved"], "satisfaction_rating": ["offered", "good"],
            "created_at": ["2025-04-01T10:00:00Z", "2025-04-02"],
        }),
        "web.visits": pd.DataFrame({
            "visit_id": ["v1", "v2"], "timestamp": ["2025-04-03", "2025-04-04"],
            "domain": ["acme.com", None], "page": ["/pricing", "/"],
        }),
        "product.events": pd.DataFrame({
            "event_id": ["e1"], "user_id": ["u1"], "email": ["ann@acme.com"],
            "event": ["Feature Used"], "timestamp": ["2025-05-01"],
            "properties": ['{"feature": "dashboards"}'],
        }),
    }  # fmt: skip


@pytest.fixture(scope="package")
def frames() -> dict[str, pd.DataFrame]:
    return _frames()


@pytest.fixture(scope="package")
def base(frames: dict[str, pd.DataFrame]) -> CustomerBase:
    return CustomerBase.build([Source(name=n, data=f, mapping=n) for n, f in frames.items()])
