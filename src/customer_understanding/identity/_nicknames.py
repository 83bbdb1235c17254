"""Common English nicknames and the given names they stand for (the given-name level)."""

from __future__ import annotations

__all__ = ["NICKNAMES"]

NICKNAMES: dict[str, str] = {
    "alex": "alexander", "sandy": "alexander", "andy": "andrew", "drew": "andrew",
    "bill": "william", "will": "william", "liam": "william", "billy": "william",
    "bob": "robert", "rob": "robert", "bobby": "robert", "bert": "robert",
    "dick": "richard", "rich": "richard", "rick": "richard", "jim": "james", "jimmy": "james",
    "jamie": "james", "mike": "michael", "mick": "michael", "tom": "thomas", "tommy": "thomas",
    "kate": "katherine", "katie": "katherine", "kathy": "katherine", "cathy": "catherine",
    "liz": "elizabeth", "beth": "elizabeth", "betty": "elizabeth", "lizzie": "elizabeth",
    "jen": "jennifer", "jenny": "jennifer", "chris": "christopher", "kit": "christopher",
    "dan": "daniel", "danny": "daniel", "dave": "david", "joe": "joseph", "joey": "joseph",
    "matt": "matthew", "nick": "nicholas", "pete": "peter", "sam": "samuel", "steve": "steven",
    "tony": "anthony", "ben": "benjamin", "ed": "edward", "ted": "edward", "eddie": "edward",
    "greg": "gregory", "jon": "jonathan", "josh": "joshua", "ken": "kenneth", "larry": "lawrence",
    "meg": "margaret", "maggie": "margaret", "peggy": "margaret", "pat": "patricia",
    "patty": "patricia", "sue": "susan", "susie": "susan", "vicky": "victoria",
    "abby": "abigail", "nat": "natalie", "nate": "nathan", "phil": "philip", "tim": "timothy",
    "zach": "zachary", "jess": "jessica", "jessie": "jessica", "becky": "rebecca",
    "becca": "rebecca", "charlie": "charles", "chuck": "charles", "fred": "frederick",
    "frank": "francis", "gabe": "gabriel", "jack": "john", "johnny": "john", "jake": "jacob",
    "manny": "manuel", "max": "maximilian", "mandy": "amanda", "nicky": "nicole",
    "ron": "ronald", "russ": "russell", "stan": "stanley", "theo": "theodore",
    "val": "valerie", "wes": "wesley", "cindy": "cynthia", "deb": "deborah", "debbie": "deborah",
}  # fmt: skip
