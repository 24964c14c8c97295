"""Programme and department names as people write them: normalised for matching
("HMCTS Reform" and "Her Majesty's Courts & Tribunals Services (HMCTS) Reform
Programme" meet), and put into ordinary case for display when a release shouts."""

import re
import unicodedata

_BRACKETED = re.compile(r"\(([^)]*)\)")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_DROPPED = {"the", "programme", "program", "project", "portfolio"}
# Words kept in capitals when a capitalised name is put into ordinary case.
KEEP_UPPER = {"UK", "GOV.UK", "NHS", "HMRC", "HMCTS", "IT", "ICT", "EU", "HM", "DWP"}


def normalise(text):
    """A key for comparing names: lower case, "&" as "and", accents, punctuation,
    bracketed acronyms and words like "programme" dropped."""
    text = unicodedata.normalize("NFKD", text or "")
    text = text.encode("ascii", "ignore").decode().lower().replace("&", " and ")
    text = _BRACKETED.sub(" ", text)
    words = [w for w in _NOT_WORD.split(text) if w and w not in _DROPPED]
    return " ".join(words)


def acronyms(text):
    """Bracketed acronyms in a name: "Smarter Working Programme (SWP)" -> ["SWP"]."""
    return [
        inner.strip()
        for inner in _BRACKETED.findall(text or "")
        if inner.strip() and " " not in inner.strip()
    ]


def ordinary_case(text):
    """A name in ordinary case: "CONTINUING THE MOVE TO UNIVERSAL CREDIT" becomes
    "Continuing the move to universal credit"; bracketed acronyms and well-known
    abbreviations stay in capitals. Names already in mixed case are kept."""
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) / len(letters) < 0.8:
        return text.strip()
    keep = {a.upper() for a in acronyms(text)} | KEEP_UPPER
    words = []
    for word in text.strip().split():
        bare = word.strip("()[],.;:")
        words.append(word if bare.upper() in keep else word.lower())
    result = " ".join(words)
    return result[:1].upper() + result[1:]
