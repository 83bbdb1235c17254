"""Word lists for names: people, nicknames, companies, legal suffixes and places."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "CITIES",
    "COMPANY_HEADS",
    "COMPANY_TAILS",
    "COUNTRIES",
    "FIRST_NAMES",
    "HUBSPOT_INDUSTRY",
    "LAST_NAMES",
    "NICKNAMES",
    "REPS",
]

#: Formal first names and the short forms people use for themselves.
NICKNAMES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Bill", "Will", "Billy"),
    "Katherine": ("Kate", "Katie", "Kathy"), "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "Michael": ("Mike",), "James": ("Jim", "Jimmy"), "Jennifer": ("Jen", "Jenny"),
    "Christopher": ("Chris",), "Daniel": ("Dan", "Danny"), "Matthew": ("Matt",),
    "Joseph": ("Joe",), "Thomas": ("Tom", "Tommy"), "Richard": ("Rick", "Rich", "Dick"),
    "Margaret": ("Maggie", "Peggy", "Meg"), "Patricia": ("Pat", "Trish"),
    "Alexander": ("Alex",), "Nicholas": ("Nick",), "Samantha": ("Sam",),
    "Jonathan": ("Jon",), "Benjamin": ("Ben",), "Stephen": ("Steve",),
    "Andrew": ("Andy", "Drew"), "Anthony": ("Tony",), "Edward": ("Ed", "Ted"),
    "Rebecca": ("Becky",), "Jessica": ("Jess",), "Victoria": ("Vicky", "Tori"),
    "Susan": ("Sue",), "Deborah": ("Deb", "Debbie"), "Kimberly": ("Kim",),
    "Timothy": ("Tim",), "Gregory": ("Greg",), "Jacob": ("Jake",), "Joshua": ("Josh",),
    "Charles": ("Charlie", "Chuck"), "Abigail": ("Abby",), "Catherine": ("Cathy", "Cat"),
    "Zachary": ("Zach",), "Samuel": ("Sam",), "Peter": ("Pete",), "Frederick": ("Fred",),
    "Ronald": ("Ron",), "Donald": ("Don",), "Kenneth": ("Ken",), "Lawrence": ("Larry",),
    "Theodore": ("Ted", "Theo"), "Douglas": ("Doug",), "Raymond": ("Ray",),
    "Jacqueline": ("Jackie",), "Natalie": ("Nat",), "Pamela": ("Pam",),
    "Cynthia": ("Cindy",), "Nathaniel": ("Nate",), "Alexandra": ("Alex", "Sasha"),
    "Gabriel": ("Gabe",), "Madeline": ("Maddie",), "Christine": ("Chris", "Tina"),
    "Jeffrey": ("Jeff",), "Philip": ("Phil",), "Susannah": ("Susie",),
})  # fmt: skip

_PLAIN_FIRST = (
    "Priya", "Lars", "Sofia", "Mateo", "Wei", "Aisha", "Yuki", "Olga", "Ingrid", "Omar",
    "Fatima", "Hiroshi", "Elena", "Diego", "Amara", "Noah", "Emma", "Olivia", "Liam", "Ava",
    "Lucas", "Mia", "Ethan", "Chloe", "Hannah", "Leila", "Ravi", "Ananya", "Sven", "Freya",
    "Camille", "Julien", "Marta", "Tomasz", "Zofia", "Kwame", "Nia", "Carlos", "Lucia",
    "Anders", "Maja", "Sean", "Aoife", "Ciaran", "Grace", "Laura", "Paul", "Mark", "Anna",
    "Sarah", "David", "Claire", "Henrik", "Johan", "Astrid", "Mei", "Jin", "Arjun", "Sanjay",
    "Dana", "Morgan", "Jordan", "Taylor", "Renée", "José", "Zoë", "Björn", "Chiara", "Marco",
)  # fmt: skip

#: First names as a person's formal name.
FIRST_NAMES: tuple[str, ...] = (*NICKNAMES, *_PLAIN_FIRST)

#: Family names, including a few with accents, apostrophes and hyphens.
LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martinez",
    "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson",
    "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
    "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell",
    "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards",
    "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Peterson", "Cooper", "Reed",
    "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood", "Watson",
    "Brooks", "Bennett", "Gray", "James", "Hughes", "Price", "Sanders", "Myers", "Long",
    "Ross", "Foster", "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Fisher",
    "Henderson", "Hamilton", "Graham", "Wallace", "Woods", "Cole", "West", "Jordan", "Reynolds",
    "Nguyen", "Patel", "Kim", "Chen", "Wang", "Singh", "Kumar", "Sato", "Tanaka", "Suzuki",
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Dubois", "Lefèvre",
    "Moreau", "Laurent", "Rossi", "Bianchi", "García", "Fernández", "López", "Pérez",
    "Johansson", "Lindqvist", "Nilsson", "Andersen", "Jansen", "de Vries", "van Dijk",
    "O'Brien", "O'Connor", "McCarthy", "Byrne", "Kowalski", "Nowak", "Novak", "Horváth",
    "Okafor", "Mensah", "Haddad", "Khan", "Ali", "Cohen", "Levi", "Whitfield", "Ashford",
    "Smith-Jones", "Harper", "Blake", "Quinn", "Fletcher", "Hayes", "Holt", "Sutton",
)  # fmt: skip

#: First words of company names.
COMPANY_HEADS: tuple[str, ...] = (
    "Northwind", "Contoso", "Fabrikam", "Bluebird", "Summit", "Granite", "Ironwood",
    "Silverline", "Redwood", "Cobalt", "Evergreen", "Harbor", "Keystone", "Lighthouse",
    "Maple", "Meridian", "Nimbus", "Oakridge", "Orion", "Pinnacle", "Quantum", "Riverbend",
    "Sable", "Sterling", "Tidewater", "Vanguard", "Willow", "Zenith", "Apex", "Beacon",
    "Brightwater", "Cascade", "Cedar", "Clearwater", "Copperleaf", "Crescent", "Crystal",
    "Delta", "Driftwood", "Eastgate", "Ember", "Falcon", "Foxglove", "Frontier", "Gemstone",
    "Golden", "Greenfield", "Hawthorne", "Highland", "Horizon", "Juniper", "Kestrel",
    "Lakeside", "Larkspur", "Lumen", "Magnolia", "Marble", "Mosaic", "Nova", "Oakmont",
    "Onyx", "Osprey", "Pacific", "Paragon", "Pathfinder", "Peregrine", "Polaris", "Prairie",
    "Prism", "Quarry", "Radiant", "Rainier", "Ridgeline", "Rockwell", "Sapphire", "Seaside",
    "Sentinel", "Sierra", "Skyline", "Solstice", "Spruce", "Starling", "Stonebridge",
    "Sunrise", "Tamarack", "Terra", "Thunderbird", "Timberline", "Topaz", "Trident",
    "Trillium", "Unity", "Valley", "Vector", "Verdant", "Vista", "Westbrook", "Whitestone",
    "Wildflower", "Windmill", "Alder", "Amber", "Arbor", "Aspen", "Atlas", "Aurora",
    "Basalt", "Birch", "Blackstone", "Boulder", "Canyon", "Catalyst", "Citadel", "Coral",
    "Cypress", "Echo", "Elm", "Fjord", "Glacier", "Halcyon", "Heron", "Indigo", "Jade",
    "Kite", "Lantern", "Lotus", "Mariner", "Monarch", "Nordic", "Obsidian", "Opal",
    "Pioneer", "Quill", "Raven", "Saffron", "Sequoia", "Tundra", "Umber", "Vertex",
)  # fmt: skip

#: Second words of company names, each with the industry it suggests.
COMPANY_TAILS: tuple[tuple[str, str], ...] = (
    ("Analytics", "Technology"), ("Systems", "Technology"), ("Software", "Technology"),
    ("Labs", "Technology"), ("Networks", "Telecommunications"), ("Data", "Technology"),
    ("Cloud", "Technology"), ("Digital", "Technology"), ("Logic", "Technology"),
    ("Technologies", "Technology"), ("Robotics", "Manufacturing"),
    ("Manufacturing", "Manufacturing"), ("Industries", "Manufacturing"),
    ("Materials", "Manufacturing"), ("Devices", "Manufacturing"), ("Motors", "Manufacturing"),
    ("Instruments", "Manufacturing"), ("Controls", "Manufacturing"),
    ("Logistics", "Transportation"), ("Freight", "Transportation"),
    ("Mobility", "Transportation"), ("Marine", "Transportation"),
    ("Aerospace", "Manufacturing"), ("Health", "Healthcare"), ("Medical", "Healthcare"),
    ("Therapeutics", "Biotechnology"), ("Biosciences", "Biotechnology"),
    ("Pharma", "Biotechnology"), ("Energy", "Energy"), ("Power", "Energy"),
    ("Water", "Utilities"), ("Capital", "Financial Services"),
    ("Payments", "Financial Services"), ("Financial", "Financial Services"),
    ("Insurance", "Insurance"), ("Partners", "Consulting"), ("Consulting", "Consulting"),
    ("Solutions", "Consulting"), ("Group", "Consulting"), ("Media", "Media"),
    ("Studios", "Media"), ("Interactive", "Media"), ("Foods", "Food & Beverage"),
    ("Brewing", "Food & Beverage"), ("Retail", "Retail"), ("Outfitters", "Retail"),
    ("Brands", "Retail"), ("Goods", "Retail"), ("Supply", "Retail"),
    ("Learning", "Education"), ("Academy", "Education"), ("Realty", "Real Estate"),
    ("Properties", "Real Estate"), ("Hospitality", "Hospitality"), ("Hotels", "Hospitality"),
    ("Telecom", "Telecommunications"), ("Security", "Technology"),
    ("Engineering", "Manufacturing"), ("Textiles", "Manufacturing"),
    ("Ventures", "Financial Services"),
)  # fmt: skip

#: How HubSpot's industry picklist spells the industries above.
HUBSPOT_INDUSTRY: Mapping[str, str] = MappingProxyType({
    "Technology": "COMPUTER_SOFTWARE", "Telecommunications": "TELECOMMUNICATIONS",
    "Manufacturing": "MACHINERY", "Transportation": "LOGISTICS_AND_SUPPLY_CHAIN",
    "Healthcare": "HOSPITAL_HEALTH_CARE", "Biotechnology": "BIOTECHNOLOGY",
    "Energy": "OIL_ENERGY", "Utilities": "UTILITIES", "Financial Services": "FINANCIAL_SERVICES",
    "Insurance": "INSURANCE", "Consulting": "MANAGEMENT_CONSULTING", "Media": "ONLINE_MEDIA",
    "Food & Beverage": "FOOD_BEVERAGES", "Retail": "RETAIL", "Education": "E_LEARNING",
    "Real Estate": "REAL_ESTATE", "Hospitality": "HOSPITALITY",
})  # fmt: skip

#: Countries: (name, ISO code, weight, top-level domain, dialling code, legal suffixes).
COUNTRIES: tuple[tuple[str, str, float, str, str, tuple[str, ...]], ...] = (
    ("United States", "US", 0.50, "com", "1", ("Inc", "LLC", "Corp", "Inc", "Co")),
    ("United Kingdom", "GB", 0.14, "co.uk", "44", ("Ltd", "PLC", "Ltd")),
    ("Germany", "DE", 0.10, "de", "49", ("GmbH", "AG", "GmbH")),
    ("France", "FR", 0.06, "fr", "33", ("SAS", "SA")),
    ("Netherlands", "NL", 0.05, "nl", "31", ("B.V.", "N.V.")),
    ("Canada", "CA", 0.05, "ca", "1", ("Inc", "Ltd", "Corp")),
    ("Australia", "AU", 0.04, "com.au", "61", ("Pty Ltd",)),
    ("Sweden", "SE", 0.03, "se", "46", ("AB",)),
    ("Ireland", "IE", 0.02, "ie", "353", ("Ltd", "DAC")),
    ("Spain", "ES", 0.01, "es", "34", ("S.L.", "S.A.")),
)

#: Cities per ISO country code, each with its telephone area code.
CITIES: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType({
    "US": (("San Francisco", "415"), ("New York", "212"), ("Austin", "512"),
           ("Chicago", "312"), ("Boston", "617"), ("Seattle", "206"), ("Denver", "303"),
           ("Atlanta", "404"), ("Los Angeles", "213"), ("Raleigh", "919")),
    "GB": (("London", "20"), ("Manchester", "161"), ("Edinburgh", "131"), ("Bristol", "117")),
    "DE": (("Berlin", "30"), ("München", "89"), ("Hamburg", "40"), ("Frankfurt", "69")),
    "FR": (("Paris", "1"), ("Lyon", "4"), ("Toulouse", "5")),
    "NL": (("Amsterdam", "20"), ("Rotterdam", "10"), ("Utrecht", "30")),
    "CA": (("Toronto", "416"), ("Vancouver", "604"), ("Montréal", "514")),
    "AU": (("Sydney", "2"), ("Melbourne", "3"), ("Brisbane", "7")),
    "SE": (("Stockholm", "8"), ("Göteborg", "31")),
    "IE": (("Dublin", "1"), ("Cork", "21")),
    "ES": (("Madrid", "91"), ("Barcelona", "93")),
})  # fmt: skip

#: Sales reps who own accounts and deals.
REPS: tuple[str, ...] = (
    "Dana Whitfield", "Marcus Oyelaran", "Priya Raman", "Tom Albrecht", "Elena Voss",
    "Jamal Carter", "Sophie Laurent", "Kenji Morita", "Rachel Lindgren", "Owen Gallagher",
    "Isabel Ortega", "Nate Fairbanks",
)  # fmt: skip
