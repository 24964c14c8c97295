"""Public facts for the demo data, each with its source (see ../shared/DOMAIN.md).
Titles and years are the publications'; no figure here lacks a source, and claims
of the seed article are kept as claims (its source is of the article kind)."""

import datetime
from decimal import Decimal

D = datetime.date

DEPARTMENTS = [
    # (slug, name, abbreviation, aliases as published, predecessor slugs). The
    # departments that have held GMPP projects, with machinery-of-government
    # changes; "MoJ", "MOJ" and "Ministry of Justice" all resolve (ignoring case).
    ("cabinet-office", "Cabinet Office", "CO", ["Cabinet Office (CO)"], []),
    ("home-office", "Home Office", "HO", [], []),
    ("ministry-of-justice", "Ministry of Justice", "MOJ", ["MoJ"], []),
    (
        "department-for-work-and-pensions",
        "Department for Work and Pensions",
        "DWP",
        [],
        [],
    ),
    (
        "hm-revenue-and-customs",
        "HM Revenue and Customs",
        "HMRC",
        ["HM Revenue & Customs", "Her Majesty's Revenue and Customs"],
        [],
    ),
    ("department-of-health", "Department of Health", "DH", [], []),
    (
        "department-of-health-and-social-care",
        "Department of Health and Social Care",
        "DHSC",
        [],
        ["department-of-health"],
    ),
    ("department-for-education", "Department for Education", "DFE", [], []),
    ("department-for-transport", "Department for Transport", "DFT", [], []),
    ("ministry-of-defence", "Ministry of Defence", "MOD", [], []),
    (
        "department-for-environment-food-and-rural-affairs",
        "Department for Environment, Food and Rural Affairs",
        "DEFRA",
        [],
        [],
    ),
    (
        "department-for-culture-media-and-sport",
        "Department for Culture, Media and Sport",
        "DCMS",
        ["Department for Digital, Culture, Media and Sport", "DDCMS"],
        [],
    ),
    ("hm-treasury", "HM Treasury", "HMT", ["Treasury"], []),
    (
        "foreign-and-commonwealth-office",
        "Foreign and Commonwealth Office",
        "FCO",
        [],
        [],
    ),
    (
        "department-for-international-development",
        "Department for International Development",
        "DFID",
        [],
        [],
    ),
    (
        "foreign-commonwealth-and-development-office",
        "Foreign, Commonwealth and Development Office",
        "FCDO",
        [],
        ["foreign-and-commonwealth-office", "department-for-international-development"],
    ),
    (
        "department-for-communities-and-local-government",
        "Department for Communities and Local Government",
        "DCLG",
        [],
        [],
    ),
    (
        "ministry-of-housing-communities-and-local-government",
        "Ministry of Housing, Communities and Local Government",
        "MHCLG",
        ["Department for Levelling Up, Housing and Communities", "DLUHC"],
        ["department-for-communities-and-local-government"],
    ),
    (
        "department-for-business-innovation-and-skills",
        "Department for Business, Innovation and Skills",
        "BIS",
        [],
        [],
    ),
    (
        "department-of-energy-and-climate-change",
        "Department of Energy and Climate Change",
        "DECC",
        [],
        [],
    ),
    (
        "department-for-business-energy-and-industrial-strategy",
        "Department for Business, Energy and Industrial Strategy",
        "BEIS",
        [],
        [
            "department-for-business-innovation-and-skills",
            "department-of-energy-and-climate-change",
        ],
    ),
    (
        "department-for-international-trade",
        "Department for International Trade",
        "DIT",
        [],
        [],
    ),
    (
        "department-for-business-and-trade",
        "Department for Business and Trade",
        "DBT",
        [],
        [
            "department-for-business-energy-and-industrial-strategy",
            "department-for-international-trade",
        ],
    ),
    (
        "department-for-science-innovation-and-technology",
        "Department for Science, Innovation and Technology",
        "DSIT",
        [],
        ["department-for-business-energy-and-industrial-strategy"],
    ),
    (
        "department-for-energy-security-and-net-zero",
        "Department for Energy Security and Net Zero",
        "DESNZ",
        [],
        ["department-for-business-energy-and-industrial-strategy"],
    ),
    ("national-crime-agency", "National Crime Agency", "NCA", [], []),
    (
        "office-for-national-statistics",
        "Office for National Statistics",
        "ONS",
        ["UK Statistics Authority", "UKSA"],
        [],
    ),
    ("crown-prosecution-service", "Crown Prosecution Service", "CPS", [], []),
    (
        "national-savings-and-investments",
        "National Savings and Investments",
        "NS&I",
        [],
        [],
    ),
    ("food-standards-agency", "Food Standards Agency", "FSA", [], []),
]


# key: (kind, title, publisher, year, url)
SOURCES = {
    "co-government-digital-strategy-2012": (
        "government",
        "Government Digital Strategy",
        "Cabinet Office",
        2012,
        "",
    ),
    "nao-digital-transformation-in-government-2017": (
        "audit",
        "Digital transformation in government",
        "National Audit Office",
        2017,
        "",
    ),
    "nao-customs-declaration-service-2017": (
        "audit",
        "The Customs Declaration Service",
        "National Audit Office",
        2017,
        "",
    ),
    "nao-hmcts-reform-2018": (
        "audit",
        "Early progress in transforming courts and tribunals",
        "National Audit Office",
        2018,
        "",
    ),
    "nao-rolling-out-universal-credit-2018": (
        "audit",
        "Rolling out Universal Credit",
        "National Audit Office",
        2018,
        "",
    ),
    "nao-hmcts-reform-2019": (
        "audit",
        "Transforming courts and tribunals: a progress update",
        "National Audit Office",
        2019,
        "",
    ),
    "nao-digital-services-at-the-border-2020": (
        "audit",
        "Digital Services at the Border",
        "National Audit Office",
        2020,
        "",
    ),
    "nao-hmcts-reform-2023": (
        "audit",
        "Progress on the courts and tribunals reform programme",
        "National Audit Office",
        2023,
        "",
    ),
    "pac-digital-change-2021": (
        "parliament",
        "Challenges in implementing digital change",
        "House of Commons Committee of Public Accounts",
        2021,
        "",
    ),
    "ipa-annual-report-2017": (
        "government",
        "Annual Report on Major Projects 2016-17",
        "Infrastructure and Projects Authority",
        2017,
        "",
    ),
    "ipa-annual-report-2023": (
        "government",
        "Annual Report on Major Projects 2022-23",
        "Infrastructure and Projects Authority",
        2023,
        "",
    ),
    "public-record-nhs-covid-19-app": (
        "public_record",
        "NHS COVID-19 app: launch and closure dates (public record)",
        "Public record",
        2023,
        "",
    ),
    "seed-article-technology-in-the-public-sector-2021": (
        "article",
        "Technology in the public sector (23 August 2021), the brief this project "
        "started from: its figures are the article's claims",
        "Seed article",
        2021,
        "",
    ),
}

# Programmes outside the sixteen of the GMPP history file.
PROGRAMMES = [
    {
        "slug": "government-digital-service",
        "name": "Government Digital Service",
        "department": "cabinet-office",
        "category": "transformation",
        "description": (
            "The Cabinet Office unit formed in 2011 that launched GOV.UK in 2012 and "
            "led the 2012 Government Digital Strategy and its 25 exemplar services."
        ),
        "source": "nao-digital-transformation-in-government-2017",
    },
    {
        "slug": "nhs-covid-19-app",
        "name": "NHS COVID-19 app",
        "department": "department-of-health-and-social-care",
        "category": "",
        "status": "completed",
        "latest_start_date": D(2020, 9, 24),
        "latest_end_date": D(2023, 4, 27),
        "description": "The contact-tracing app for England and Wales.",
        "source": "public-record-nhs-covid-19-app",
    },
    {
        "slug": "prison-digital-kiosks",
        "name": "Prison digital kiosks",
        "department": "ministry-of-justice",
        "category": "",
        "description": (
            "Self-service kiosks for prisoners (HM Prison and Probation Service). "
            "No budget has been published."
        ),
        "source": "seed-article-technology-in-the-public-sector-2021",
    },
]

# (programme slug or None, statement, as_at, source key)
FACTS = [
    (
        "government-digital-service",
        "The Government Digital Strategy (November 2012) named 25 exemplar services; "
        "digital by default was expected to save £1.7bn to £1.8bn a year.",
        D(2012, 11, 30),
        "co-government-digital-strategy-2012",
    ),
    (
        "government-digital-service",
        "By March 2015, 15 of the 25 exemplars were live and 5 in public beta.",
        D(2015, 3, 31),
        "nao-digital-transformation-in-government-2017",
    ),
    (
        "government-digital-service",
        "The 2015 Spending Review gave about £450m to GDS over four years.",
        None,
        "nao-digital-transformation-in-government-2017",
    ),
    (
        None,
        "The 2015 Spending Review set aside £1.8bn for digital transformation.",
        None,
        "seed-article-technology-in-the-public-sector-2021",
    ),
    (
        "smarter-working",
        "The seed article puts the programme at £145m.",
        None,
        "seed-article-technology-in-the-public-sector-2021",
    ),
    (
        "hmcts-reform",
        "In 2016 the programme was extended from four years to six, with its budget "
        "unchanged.",
        None,
        "nao-hmcts-reform-2018",
    ),
    (
        "hmcts-reform",
        "£540m had been spent by March 2019, and the programme was extended to "
        "December 2023.",
        D(2019, 3, 31),
        "nao-hmcts-reform-2019",
    ),
    (
        "hmcts-reform",
        "The NAO describes a £1.3bn programme expected to bring £2bn of savings over "
        "its lifetime.",
        None,
        "nao-hmcts-reform-2023",
    ),
    (
        "hmcts-reform",
        "The seed article puts the programme at £1.65bn.",
        None,
        "seed-article-technology-in-the-public-sector-2021",
    ),
    (
        "universal-credit",
        "The NAO found Universal Credit not value for money: £699 per claim against an "
        "ambition of £173.",
        None,
        "nao-rolling-out-universal-credit-2018",
    ),
    (
        "digital-services-at-the-border",
        "Started in 2014 to finish in March 2019; reset in 2019 (EU exit and scope) to "
        "finish in March 2022, its cost up £173m to £311m.",
        None,
        "nao-digital-services-at-the-border-2020",
    ),
    (
        "customs-declaration-service",
        "EU exit raised the expected number of customs declarations from 55 million to "
        "255 million a year.",
        None,
        "nao-customs-declaration-service-2017",
    ),
    (
        "prison-digital-kiosks",
        "Kiosks in 11 prisons replace paper requests.",
        None,
        "seed-article-technology-in-the-public-sector-2021",
    ),
    (
        None,
        "In 2017 the Government Major Projects Portfolio held 143 projects with a "
        "whole-life cost of £455.5bn.",
        None,
        "ipa-annual-report-2017",
    ),
    (
        None,
        "In March 2023 the Government Major Projects Portfolio held 244 projects with a "
        "whole-life cost of £805bn.",
        D(2023, 3, 31),
        "ipa-annual-report-2023",
    ),
    (
        None,
        "Government spends about £20bn a year on digital change.",
        None,
        "pac-digital-change-2021",
    ),
]

# Money stated in reports (not in the GMPP history): stored as what it is.
FIGURES = [
    {
        "programme": "hmcts-reform",
        "measure": "cost",
        "kind": "actual",
        "period": "to_date",
        "data_date": D(2019, 3, 31),
        "amount_gbp": Decimal("540000000.00"),
        "source": "nao-hmcts-reform-2019",
        "note": "Spent by March 2019 (day taken as the month's end).",
    },
]

DISRUPTIONS = [
    # slug, name, kind, description, source
    (
        "eu-exit",
        "EU exit",
        "external",
        "The UK's departure from the European Union, which changed the volume and "
        "scope of border and customs systems.",
        "nao-customs-declaration-service-2017",
    ),
    (
        "covid-19",
        "Covid-19",
        "external",
        "The pandemic: courts closed and work moved online, changing spend and "
        "schedules; it also prompted new services such as the NHS COVID-19 app.",
        "gmpp-moj-2021-03-31",
    ),
    (
        "universal-credit-reset-2013",
        "Universal Credit reset (2013)",
        "reset",
        "The formal restart of Universal Credit; the GMPP data of September 2013 rate "
        "it Reset.",
        "gmpp-dwp-2013-09-30",
    ),
    (
        "digital-services-at-the-border-reset-2019",
        "Digital Services at the Border reset (2019)",
        "reset",
        "The 2019 reset of Digital Services at the Border, driven by EU exit and "
        "changes of scope.",
        "nao-digital-services-at-the-border-2020",
    ),
]

# When a disruption began, where the record is certain: the EU referendum of
# 23 June 2016 began the work on border and customs systems; the first national
# lockdown of 23 March 2020 closed courts. The two resets' days are not published.
DISRUPTION_STARTED = {
    "eu-exit": D(2016, 6, 23),
    "covid-19": D(2020, 3, 23),
}

# disruption, programme, cost impact (£), schedule impact (days), note, source
IMPACTS = [
    (
        "eu-exit",
        "customs-declaration-service",
        None,
        None,
        "Expected declarations rose from 55 million to 255 million a year.",
        "nao-customs-declaration-service-2017",
    ),
    (
        "eu-exit",
        "digital-services-at-the-border",
        None,
        None,
        "One of the causes of the 2019 reset (see that disruption for its cost).",
        "nao-digital-services-at-the-border-2020",
    ),
    (
        "covid-19",
        "hmcts-reform",
        None,
        None,
        "Underspend against the 2020-21 budget and a re-baselining, reported in the "
        "March 2021 GMPP data; not quantified separately.",
        "gmpp-moj-2021-03-31",
    ),
    (
        "universal-credit-reset-2013",
        "universal-credit",
        None,
        None,
        "Rated Reset in the September 2013 GMPP data.",
        "gmpp-dwp-2013-09-30",
    ),
    (
        "digital-services-at-the-border-reset-2019",
        "digital-services-at-the-border",
        Decimal("173000000.00"),
        (D(2022, 3, 31) - D(2019, 3, 31)).days,
        "Cost up £173m to £311m; finish moved from March 2019 to March 2022.",
        "nao-digital-services-at-the-border-2020",
    ),
]

# Milestones come as dated statements (see milestones.csv, each with its source);
# these few are from the sources above: (programme slug, milestone, kind, date as
# written, precision, stated on as written, source key).
MILESTONE_STATEMENTS = [
    (
        "nhs-covid-19-app",
        "App closed",
        "actual",
        "2023-04-27",
        "day",
        "",
        "public-record-nhs-covid-19-app",
    ),
]

# Named benefits; their amounts are stated in words by the source, with no data date
# to hang a figure on, so they are described rather than given a figure.
BENEFITS = [
    {
        "programme": "government-digital-service",
        "title": "Digital by default savings",
        "category": "monetised",
        "description": "Expected to save £1.7bn to £1.8bn a year (2012 estimate).",
        "source": "co-government-digital-strategy-2012",
    },
    {
        "programme": "hmcts-reform",
        "title": "Lifetime savings",
        "category": "monetised",
        "description": "About £2bn over the programme's lifetime (NAO, 2023).",
        "source": "nao-hmcts-reform-2023",
    },
]


# The names people use for the GMPP programmes, in ordinary case (the releases'
# own names, some in capitals, are kept as published beside them).
DISPLAY_NAMES = {
    "universal-credit": "Universal Credit",
    "common-technology-services": "Common Technology Services",
    "customs-declaration-service": "Customs Declaration Service",
    "digital-services-at-the-border": "Digital Services at the Border",
    "emergency-services-mobile-communications": (
        "Emergency Services Mobile Communications Programme"
    ),
    "electronic-monitoring": "Electronic Monitoring",
    "gov-uk-verify": "GOV.UK Verify",
    "gov-uk-one-login": "GOV.UK One Login",
    "government-as-a-platform": "Government as a Platform",
    "hmcts-reform": "HMCTS Reform",
    "home-office-biometrics": "Home Office Biometrics",
    "immigration-platform-technologies": "Immigration Platform Technologies",
    "law-enforcement-data": "Law Enforcement Data Service",
    "making-tax-digital": "Making Tax Digital",
    "prison-technology-transformation": "Prison Technology Transformation Programme",
    "smarter-working": "Smarter Working",
}

# Abbreviations and other names people search by, beyond those the releases wrote
# in brackets (which the loader keeps by itself).
PROGRAMME_ALIASES = {
    "government-digital-service": [("abbreviation", "GDS")],
    "universal-credit": [("abbreviation", "UC")],
    "making-tax-digital": [("abbreviation", "MTD")],
    "emergency-services-mobile-communications": [
        ("alias", "Emergency Services Network"),
        ("abbreviation", "ESN"),
    ],
    "law-enforcement-data": [("abbreviation", "LEDS")],
    "hmcts-reform": [("alias", "Courts and tribunals reform")],
    "government-as-a-platform": [("abbreviation", "GaaP")],
}
