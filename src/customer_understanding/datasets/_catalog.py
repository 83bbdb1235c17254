"""Business vocabulary: job titles by buying role, pages, features, subjects and labels."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "CAMPAIGN_THEMES",
    "ENGAGEMENT_SUBJECTS",
    "EVENT_SUBJECTS",
    "FEATURES",
    "JOBS",
    "LEAD_SOURCES",
    "PAGES",
    "SF_ROLE_LABELS",
    "SLOT_ROLES",
    "TASK_SUBJECTS",
    "TICKET_SUBJECTS",
]

Job = tuple[str, str, str]  # title, department, seniority

#: Jobs people hold, grouped by the buying-committee role they usually play.
JOBS: Mapping[str, tuple[Job, ...]] = MappingProxyType({
    "economic_buyer": (
        ("Chief Financial Officer", "Finance", "c_level"), ("CFO", "Finance", "c_level"),
        ("VP Finance", "Finance", "vp"), ("Chief Executive Officer", "Executive", "c_level"),
        ("Chief Operating Officer", "Operations", "c_level"),
        ("VP Operations", "Operations", "vp"), ("General Manager", "Executive", "vp"),
        ("Managing Director", "Executive", "c_level"),
    ),
    "decision_maker": (
        ("Chief Revenue Officer", "Sales", "c_level"), ("VP Sales", "Sales", "vp"),
        ("VP Marketing", "Marketing", "vp"), ("Chief Marketing Officer", "Marketing", "c_level"),
        ("VP Customer Success", "Customer Success", "vp"),
        ("Chief Technology Officer", "Engineering", "c_level"),
    ),
    "champion": (
        ("Director of Marketing Operations", "Marketing", "director"),
        ("Head of Revenue Operations", "Operations", "director"),
        ("Sales Operations Manager", "Sales", "manager"),
        ("Director of Customer Success", "Customer Success", "director"),
        ("Marketing Manager", "Marketing", "manager"), ("Head of Growth", "Marketing", "director"),
        ("Director of Analytics", "Operations", "director"),
    ),
    "technical_evaluator": (
        ("IT Manager", "IT", "manager"), ("Solutions Architect", "IT", "individual"),
        ("Data Engineer", "Engineering", "individual"), ("Head of IT", "IT", "director"),
        ("Systems Administrator", "IT", "individual"),
        ("Engineering Manager", "Engineering", "manager"),
        ("Director of Data", "Engineering", "director"),
        ("Senior Software Engineer", "Engineering", "individual"),
    ),
    "user": (
        ("Marketing Analyst", "Marketing", "individual"),
        ("Account Executive", "Sales", "individual"),
        ("Operations Specialist", "Operations", "individual"),
        ("Customer Success Manager", "Customer Success", "individual"),
        ("Sales Development Representative", "Sales", "individual"),
        ("Data Analyst", "Operations", "individual"),
        ("Support Specialist", "Customer Success", "individual"),
        ("Content Marketing Manager", "Marketing", "manager"),
        ("Business Analyst", "Operations", "individual"),
    ),
    "procurement": (
        ("Procurement Manager", "Procurement", "manager"),
        ("Purchasing Specialist", "Procurement", "individual"),
        ("Head of Procurement", "Procurement", "director"),
        ("Vendor Manager", "Procurement", "manager"), ("Sourcing Lead", "Procurement", "manager"),
    ),
    "influencer": (
        ("Director of Sales", "Sales", "director"),
        ("Director of Operations", "Operations", "director"),
        ("Product Manager", "Product", "manager"), ("Director of Product", "Product", "director"),
        ("Finance Manager", "Finance", "manager"), ("Controller", "Finance", "manager"),
    ),
    "blocker": (
        ("Chief Information Security Officer", "IT", "c_level"),
        ("Director of IT Security", "IT", "director"), ("Head of Legal", "Legal", "director"),
        ("IT Director", "IT", "director"), ("Security Engineer", "IT", "individual"),
    ),
    "none": (
        ("Office Manager", "Operations", "manager"),
        ("HR Business Partner", "Human Resources", "manager"),
        ("Recruiter", "Human Resources", "individual"),
        ("Accountant", "Finance", "individual"), ("Legal Counsel", "Legal", "individual"),
        ("Marketing Coordinator", "Marketing", "individual"),
        ("Inside Sales Representative", "Sales", "individual"),
        ("Executive Assistant", "Executive", "individual"),
    ),
})  # fmt: skip

#: The role each position in an account's list of people plays; later positions are users.
SLOT_ROLES: tuple[str, ...] = (
    "economic_buyer", "champion", "technical_evaluator", "user", "procurement",
    "technical_evaluator", "influencer", "blocker", "decision_maker",
)  # fmt: skip

#: How Salesforce's contact-role picklist labels each true role.
SF_ROLE_LABELS: Mapping[str, str] = MappingProxyType({
    "economic_buyer": "Economic Buyer", "decision_maker": "Decision Maker",
    "champion": "Executive Sponsor", "influencer": "Influencer",
    "technical_evaluator": "Technical Buyer", "user": "Business User",
    "procurement": "Other", "blocker": "Other",
})  # fmt: skip

LEAD_SOURCES: tuple[str, ...] = (
    "Web", "Webinar", "Content Download", "Trade Show", "Partner Referral", "Purchased List",
    "Organic Search", "Paid Search", "Employee Referral",
)  # fmt: skip

CAMPAIGN_THEMES: tuple[str, ...] = (
    "Product Newsletter", "Webinar: Unified Customer View", "Ebook: Pipeline Analytics",
    "Nurture - Mid-Market", "Nurture - Enterprise", "Event Invite", "Customer Roundup",
    "Release Notes",
)  # fmt: skip

#: Website pages: (path, weight for cold visitors, weight for buyers in a deal).
PAGES: tuple[tuple[str, float, float], ...] = (
    ("/", 20, 8), ("/pricing", 4, 14), ("/product", 8, 10), ("/product/integrations", 4, 8),
    ("/docs/api", 3, 9), ("/docs/getting-started", 3, 6), ("/security", 1, 6),
    ("/customers", 3, 6), ("/demo", 2, 8), ("/contact", 2, 4), ("/careers", 3, 1),
    ("/blog/customer-data-platform-vs-crm", 8, 3), ("/blog/lead-scoring-guide", 7, 2),
    ("/blog/buying-committees", 6, 3), ("/blog/churn-signals", 6, 2),
    ("/blog/account-based-marketing", 7, 2), ("/webinars", 3, 2),
    ("/resources/ebook-pipeline-analytics", 4, 2),
)  # fmt: skip

#: Product features; the first few are the basics every account uses.
FEATURES: tuple[str, ...] = (
    "dashboards", "reports", "exports", "segments", "alerts", "api", "journeys",
    "scoring", "integrations", "workflows", "forecasting", "sso",
)  # fmt: skip

TICKET_SUBJECTS: tuple[str, ...] = (
    "Cannot export dashboard to PDF", "SSO login failing for new users",
    "Data sync delayed since yesterday", "How do I add more seats?",
    "API rate limit errors", "Invoice shows wrong billing address",
    "Report totals do not match CRM", "Feature request: custom fields in segments",
    "Webhook not firing", "User cannot reset password", "Slow dashboard loading",
    "Question about data retention", "Integration with Salesforce disconnected",
    "Need help setting up alerts", "Duplicate contacts after import",
)  # fmt: skip

TASK_SUBJECTS: tuple[tuple[str, str], ...] = (
    ("Call", "Call"), ("Call", "Discovery call follow-up"), ("Email", "Email: Intro"),
    ("Email", "Email: Follow-up on proposal"), ("Email", "Email: Pricing details"),
    ("Task", "Send contract for review"), ("Task", "Prepare QBR deck"),
    ("Call", "Check-in call"), ("Email", "Email: Renewal reminder"),
    ("Task", "Update MEDDIC notes"),
)  # fmt: skip

EVENT_SUBJECTS: tuple[tuple[str, str], ...] = (
    ("Meeting", "Discovery meeting"), ("Demo", "Product demo"), ("Meeting", "Pricing review"),
    ("Meeting", "Quarterly business review"), ("Demo", "Technical deep dive"),
    ("Meeting", "Executive alignment"), ("Meeting", "Onboarding kickoff"),
)  # fmt: skip

ENGAGEMENT_SUBJECTS: tuple[tuple[str, str], ...] = (
    ("EMAIL", "Re: your webinar question"), ("EMAIL", "Following up on the ebook"),
    ("CALL", "Qualification call"), ("MEETING", "Intro meeting"),
    ("NOTE", "Interested in the integrations"), ("TASK", "Follow up after form fill"),
    ("EMAIL", "Partner introduction"), ("CALL", "Left voicemail"),
)  # fmt: skip
