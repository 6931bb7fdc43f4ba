"""What a reply could cost the reader: lures, questions about where they are, requests for
their consent, suicide threats and threats.

A draft is read as the other person might use it. "Confirmed: Saturday 3pm." to "come and
get the passports yourself, just you" walks the reader into a meeting alone; "Noted." to
"sign the travel consent by Monday" can be read as agreement; a school form is a pretext to
learn a new address. Advocates give the same advice each time: never meet alone or at
their place, never give a location or routine, agree to nothing without advice, and treat
talk of suicide as an emergency that is not the reader's to handle alone.

Each kind is found by phrase rules (so the reader sees the words that raised it) plus what
screening already found: its danger phrases (suicide, threats) and the threat label. The
rules lean towards recall on purpose: a false "lure" costs the reader one safer draft,
a missed one can cost far more. Their precision and recall are measured on a written set
that the rules were not tuned on (`bench/reply_safety.py`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from greyrock.errors import InputError
from greyrock.screen._normalise import screening_text
from greyrock.screen._rules import danger_flags

__all__ = ["SAFETY_KINDS", "SafetyNote", "find_risks", "guarded_kinds", "lure_parts"]

SAFETY_KINDS: tuple[str, ...] = ("suicide", "threat", "lure", "whereabouts", "consent")

_WHY: dict[str, str] = {
    "suicide": (
        "It talks of suicide or self-harm. If you think they may be in danger now, call {emergency}; {crisis} "
        "can advise you too. It is not your job to rescue them, and calling emergency services is the right "
        "thing to do. You don't have to reply; keep the message."
    ),
    "threat": (
        "It threatens you or someone close to you. Don't answer the threat; keep the message as evidence. "
        "If you feel unsafe, call {emergency} or a helpline (greyrock help-now)."
    ),
    # the model's call alone: it cannot say whom the harm is aimed at, and veiled suicide notes
    # read to it as threats, so the note covers both and carries the crisis line too
    "threat_model": (
        "Screening reads it as a threat: to you, to someone close to you, or to themselves. If anyone may be in "
        "danger now, call {emergency}. If it talks of them harming themselves, {crisis} can advise you; it is not "
        "your job to rescue them. Don't answer a threat; keep the message."
    ),
    "lure": (
        "It asks you to meet them alone, come to their place or collect something in person. Leaving is a "
        "dangerous time: don't go alone and don't agree to their terms. Safer: a public place with people "
        "around, a third party or courier, arranging it through lawyers, or a supervised handover."
    ),
    "whereabouts": (
        "It asks where you live, stay or work, your routine, or who you see. You don't have to answer. If a "
        "school, court or agency needs your address, give it to them yourself or through your lawyer, and ask "
        "them to keep it confidential."
    ),
    "consent": (
        "It asks you to agree to, sign or give up something. Any reply, even 'OK' or 'Noted', may be read as "
        "agreement. Decide with a lawyer or an advocate first; 'I will reply after I have taken advice.' "
        "commits you to nothing."
    ),
}

# What to call when the reader's country is unknown to greyrock.
_NO_COUNTRY = {"emergency": "your local emergency number (112 in the European Union)", "crisis": "a crisis line"}

_YOU = r"(?:you|u|ya)"
_ALONE = r"(?:just (?:you|u|ya)(?: and me)?|(?:come|be|on your|on ur|all) ?(?:alone|on your own|by yourself|by urself)|alone|by yourself|by urself|on your own|on ur own|no one else|nobody else)"
_THEIR_PLACE = r"(?:my (?:place|house|flat|apartment|apt|home|mum'?s|mom'?s|parents'?|new place)|mine|our (?:old )?(?:house|place|home|flat)|the (?:old )?house)"
_THINGS = (r"(?:passports?|birth certificates?|documents|papers|stuff|things|belongings|clothes|bags?|boxes|"
           r"car|keys|dog|cat|ring|jewellery|jewelry|laptop|phone|it|them)")


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


_RULES: dict[str, re.Pattern[str]] = {
    "lure": _any(
        # a condition of coming alone
        rf"\b(?:come|coming|meet|be there|turn up|show up)\b[^.!?\n]{{0,40}}\b{_ALONE}\b",
        rf"\b{_ALONE}\b[^.!?\n]{{0,20}}\b(?:come|meet|there)\b",
        r"\b(?:don'?t|do not|dont|no)\s+(?:bring|tell)\s+(?:anyone|anybody|your|ur|the (?:police|cops)|him|her|a lawyer)",
        rf"^\W*(?:just (?:you|u)|alone|by yourself|on your own)\W*$",
        # come to their place, or come round
        rf"\b(?:come|pop|swing|drop)\s+(?:round|over|by|back)\b",
        rf"\b(?:come|bring (?:them|the kids|the children)|drop (?:them|the kids|the children)(?: off)?|handover|hand ?over|pick[- ]?up|exchange)\b[^.!?\n]{{0,30}}\b(?:to|at|from)\s+{_THEIR_PLACE}\b",
        # collect things in person
        rf"\bcome (?:and|n|&)?\s*(?:get|collect|pick up|grab|fetch)\b",
        rf"\b(?:get|collect|pick up|grab|fetch)\s+(?:your|ur|the|them|it)\b[^.!?\n]{{0,40}}\b(?:yourself|in person|urself|from (?:me|{_THEIR_PLACE}))",
        rf"\bif (?:you|u) want (?:your|ur|the)\s+{_THINGS}\b[^.!?\n]{{0,40}}\b(?:come|get|collect|here)\b",
        # meetings and invitations
        r"\b(?:meet|see) me\b",
        r"\b(?:let'?s|lets|we should|we need to|can we|could we|we could|why don'?t we)\s+(?:meet|talk|sit down|have (?:dinner|lunch|a drink|a coffee|coffee)|grab|get (?:dinner|lunch|a drink|coffee|together))\b",
        r"\btalk (?:face to face|in person|properly)\b",
        r"\b(?:come|join us|join me)\s+(?:to|for)\s+(?:dinner|lunch|tea|the party|a drink|drinks|coffee|a meal|christmas|thanksgiving|the barbecue|the bbq)\b",
        r"\b(?:family|all) (?:together )?again\b",
        r"\bmeet (?:up|halfway)\b",
        r"\bcome (?:back )?home\b",
        r"\bcome (?:up |down |out )?(?:to|in|inside|out)\b[^.!?\n]{0,30}\b(?:cabin|caravan|flat|house|place|ours|mine|"
        r"talk|see me)\b",
        r"\b(?:come|stay)\s+(?:for|to)\s+(?:a\s+)?(?:tea|cuppa|cup of tea|drink|sleepover|the weekend|the night)\b",
        r"\bstay (?:over|the (?:weekend|night)|for (?:a )?(?:tea|cuppa|cup of tea|drink|coffee|dinner))\b",
        r"\b(?:fancy|want to|wanna) (?:a|grab a|get a) (?:drink|coffee|bite|meal)\b",
        r"\bjust (?:us|the two of us|me and (?:you|u))\b",
        r"\b(?:one|a) (?:last |final )?(?:conversation|chat|talk)\b[^.!?\n]{0,40}\b(?:my place|mine|in person|alone|face)\b",
        rf"\b(?:at|to) (?:mine|ours)\b",
        r"\bi'?ll be waiting\b",
        r"\b(?:please come (?:home|back|over|round|to)|if (?:you|u) came|(?:you|u)'?ll have to come)\b",
        r"\bcome (?:and |n )?(?:walk|see|visit|stay)\b[^.!?\n]{0,12}\b(?:me|with me|us)\b",
        rf"\b(?:pick|collect|get|grab|fetch)\s+(?:them|it|\w+)\s+up\s+from\s+(?:here|me|{_THEIR_PLACE})\b",
    ),
    "whereabouts": _any(
        r"\bwhere\s+(?:are|r|do|will|were|have)\s+(?:you|u)\b[^.!?\n]{0,25}\b(?:living|live|staying|stay|sleeping|working|work|going|be|been|now|these days|at)\b",
        r"\bwhere(?:'?s| is| are)\s+(?:your|ur|the kids'?|the children'?s?)\s+(?:new )?(?:place|flat|house|apartment|home|school|work|job|office|address)\b",
        r"\bwhere\s+(?:are|r)\s+(?:you|u|the kids|the children|they)\b\s*\?",
        r"\bwhat(?:'?s| is)\s+(?:your|ur|the)\s+(?:new\s+)?(?:address|postcode|post code|zip|zip code|location|eircode)\b",
        r"\b(?:send|give|text|tell|email|forward)\s+(?:me\s+)?(?:your|ur|the)\s+(?:new\s+)?(?:address|postcode|location|details)\b",
        r"\bi need\s+(?:your|ur|the)\s+(?:new\s+)?(?:address|postcode|location)\b",
        r"\b(?:share|turn on|send me)\s+(?:your|ur)\s+location\b",
        r"\bwhich\s+(?:gym|school|office|shelter|refuge|hotel|street|town|suburb|area|building|church)\b[^.!?\n]{0,30}\b(?:you|u)\b",
        r"\bwhat\s+(?:time|days?)\s+(?:do|does|are|r)\s+(?:you|u)\s+(?:finish|start|leave|get|go|work|usually|normally)\b",
        r"\bwhat(?:'?s| is| are)\s+(?:your|ur)\s+(?:new\s+)?(?:schedule|routine|shifts?|rota|hours|timetable|workplace|job)\b",
        r"\bwho\s+(?:are|r|have)\s+(?:you|u)\s+(?:been\s+)?(?:seeing|with|staying with|living with|dating|sleeping with|hanging out with)\b",
        r"\bwho(?:'?s| is| was)\s+(?:he|she|the (?:guy|man|bloke|fella|woman|girl)|that (?:guy|man|bloke|fella|woman|girl)|your new)\b",
        r"\bare (?:you|u) (?:seeing|dating|with) (?:someone|somebody|anyone|him|her)\b",
        r"\bwhere (?:did|do) (?:you|u) (?:move|go|take the kids)\b",
        r"\b(?:are|r|will|do)\s+(?:you|u)\s+(?:still\s+)?(?:be\s+)?(?:at|in|staying (?:at|with)|living (?:at|with)|going to|goin to|"
        r"working at|training at)\s+(?:your|ur|the gym|work|church|a (?:hotel|refuge|shelter|friend'?s))\b",
        r"\b(?:do|are|r)\s+(?:you|u)\s+still\s+(?:go|going|work|working|train|training|live|living|swim|run|walk)\b",
        r"\b(?:your|ur) new (?:boyfriend|girlfriend|partner|man|woman|fella|bloke|guy|bf|gf|place|flat|house|job|address)\b",
        r"\b(?:heard|hear|told me|saying) (?:that )?(?:you(?:'re| are)|ur|you r) (?:moving|seeing|dating|living|staying|working)\b",
        r"\bwhere (?:you|u|r u|are you|ya) at\b|\bwhere r (?:u|you)\b",
        r"\b(?:what|which)\s+(?:days?|times?|hours|shifts?|nights?|mornings?)\s+(?:are|r|do|does|is)\s+(?:you|u|ur|your)\b",
        r"\bhow (?:late|early|long) (?:do|are|r) (?:you|u) (?:work|at|finish|start)",
        r"\bwhen(?:'?s| is| are| do)\s+(?:your|ur|you|u)\s+(?:next\s+)?(?:day off|days off|shift|shifts|off|finish|home|back)\b",
        r"\bwhat time (?:does|do|is) (?:your|ur) (?:bus|train|shift|class|lesson|session|flight)\b",
        r"\b(?:do|are|r) (?:you|u) still (?:drop|get|take|catch|park|do|doing|walk|walking|at|in|with|go|going|work|working)\b",
        r"\bwho(?:'?s| is| has| have)? (?:been )?(?:picking|minding|watching|looking after|babysitting|dropping)\b",
        r"\b(?:what|which) (?:suburb|area|part of town|street|estate|road|uni|campus|college|doctor|gp|surgery|pub|"
        r"church|town|village|city|county|hotel|motel|refuge|shelter|gym|office)\b",
        r"\b(?:your|ur) (?:current |home |exact |full )?(?:address|flat number|house number|room number)\b",
        r"\bthe address (?:of|where)\b",
        r"\bwhere(?:'?s| is| are)\s+\w+\s+(?:doing|having|staying|sleeping|going)\b",
        r"\bwhere (?:the kids|the children|they|he|she) (?:are|is) (?:sleeping|staying|living)\b",
        r"\b(?:tell|text|send) me (?:where|which|what (?:shifts?|time|days?|area|suburb|street))\b",
        r"\bwhere(?:'?d| did) (?:you|u) (?:move|go)\b",
        r"\bwho(?:'?s| is) (?:ur|your) (?:new )?(?:friend|mate|man|bloke|guy|fella)\b",
        r"\bname of the (?:place|street|school|hotel|gym|company)\b",
    ),
    "consent": _any(
        r"\bsign\b(?! up| in\b| language| for)[^.!?\n]{0,40}\b(?:form|consent|papers|paperwork|documents?|agreement|letter|application|passport|this|it|them)\b",
        r"\b(?:your|ur)\s+(?:consent|permission|signature|approval|sign-?off|agreement)\b",
        r"\bconsent (?:form|letter)\b",
        r"\b(?:do|will|would|can)\s+(?:you|u)\s+agree\b",
        r"\b(?:you|u)\s+(?:need|have|got) to agree\b",
        r"\bagree (?:to|that)\b",
        r"\b(?:withdraw|drop|cancel|lift|retract)\s+(?:the|your|ur|this|that)?\s*(?:order|protective order|restraining order|charges?|complaint|case|statement|application|petition|report)\b",
        r"\bwaive\b",
        r"\b(?:just\s+)?(?:say|reply|text|type|write)\s+(?:yes|ok|okay|agreed)\b",
        r"\b(?:take|taking|bring|bringing|move|moving)\s+(?:the kids|the children|them|him|her)\s+(?:to|abroad|overseas|out of (?:state|the country))\b[^.!?\n]{0,60}\b(?:ok|okay|alright|fine|agree|consent|permission|sign)\b",
        r"\b(?:change|move|switch)\s+(?:them|the kids|the children|him|her)?\s*(?:to\s+)?(?:a new |another )?schools?\b",
        r"\benrol+(?:ing)?\b",
        r"\b(?:new|change the|changing the|permanent)\s+(?:custody|parenting|contact|access)\s+(?:arrangement|schedule|plan|agreement|order)\b",
        r"\bfrom now on\b[^.!?\n]{0,60}\b(?:weekends?|kids|children|custody|have them)\b",
        r"\b(?:settle (?:this|it|things|the matter|up) (?:ourselves|between us|out of court)|settlement|sign over|"
        r"give up (?:your|ur) (?:share|half|claim))\b",
        r"\b(?:text|reply|write|type|send)\b[^.!?\n]{0,25}\b(?:yes|agreed|i agree|i consent)\b",
        r"\bput (?:it )?in writing (?:that|you)\b",
        r"\b(?:noc|no objection)\b",
        r"\bconsent order\b|\bsign and return\b",
        r"\b(?:lease|deeds?|title|car|house) transfer\b|\btransfer (?:the|of the) (?:lease|deeds?|title|house)\b",
        r"\bagree (?:i|we) (?:can|could|should)\b|\b(?:you|u) agree (?:i|that|to)\b|\bagree\b[^.!?\n]{0,30}\?",
        r"\btell (?:the )?(?:judge|court|police|cops|magistrate|mediator|social worker|lawyers?|solicitors?) "
        r"(?:you'?re|that|it was|you were|you are|you)\b",
        r"\b(?:drop|withdraw|cancel|lift|take back)\s+(?:the\s+|your\s+|ur\s+|this\s+)?(?:avo|ivo|dvo|apprehended|"
        r"protection|protective|restraining|non-molestation|intervention|no-contact)\b",
        r"\b(?:handshake|verbal) (?:agreement|deal)\b|\bbetween us\b[^.!?\n]{0,30}\b(?:court|lawyers?|solicitors?)\b"
        r"|\b(?:no need|don'?t need) (?:for |to involve |to go to )?(?:the )?(?:court|lawyers|solicitors)\b",
    ),
}
_LURE_PARTS = {
    "things": re.compile(rf"\b(?:your|ur|the kids'?|the children'?s|my)\s+(?:\w+\s+)?{_THINGS}\b"
                         r"|\b(?:come (?:and|n|&)?\s*)?(?:get|collect|pick up|grab|fetch) (?:them|it)\b", re.I),
    "handover": re.compile(r"\b(?:hand ?over|handover|pick[- ]?up|drop[- ]?off|exchange|contact time|visitation|"
                           r"(?:bring|drop|collect|pick up|get) (?:the kids|the children|the baby|them)\b(?! yourself))", re.I),
}


def guarded_kinds(text: str) -> tuple[str, ...]:
    """The kinds of request a reply must not grant (lure, whereabouts, consent) that `text`
    makes, by the same phrases as `find_risks`: for views that show the practical part of a
    message without its words ("Pick-up at my mum's house" without "come on your own")."""
    plain = screening_text(text)[0].text
    return tuple(kind for kind in ("lure", "whereabouts", "consent") if _words(kind, plain))


def lure_parts(text: str) -> set[str]:
    """What a lure is about, so the safe drafts fit it: "things" to collect, a "handover"
    (neither: an invitation, which gets a plain no)."""
    plain = screening_text(text)[0].text
    return {part for part, pattern in _LURE_PARTS.items() if pattern.search(plain)}


# Suicide and self-harm are screening's own danger phrases (sign suicide_threat), so that the
# shield and the report show them as danger too. The other signs are threats.
_SIGN_KIND = {"suicide_threat": "suicide"}


@dataclass(frozen=True, slots=True)
class SafetyNote:
    """Why a reply to this message needs care, the words that showed it, and who can help."""

    kind: str
    why: str
    words: tuple[str, ...] = ()
    resources: tuple[Mapping[str, str], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "why": self.why, "words": list(self.words),
                "resources": [dict(r) for r in self.resources]}


# Everyday school paperwork both parents sign: a signature there is no legal agreement.
_EVERYDAY_FORMS = re.compile(r"\b(?:school trip|trip form|excursion|field trip|permission slip|photo|reading (?:log|record)|"
                             r"homework|report card|swimming|sports day)\b", re.I)


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    return text[a:min(ends, default=len(text))]


def _words(kind: str, text: str) -> list[str]:
    matches = list(_RULES[kind].finditer(text))
    if kind == "consent":  # a signature for a school trip is no agreement to hold against the reader
        matches = [m for m in matches if not _EVERYDAY_FORMS.search(_sentence(text, m.start(), m.end()))]
    return list(dict.fromkeys(m.group().strip() for m in matches))[:3]


def _resources(kind: str, country: str | None) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The numbers for the note, and the names its text uses for them."""
    if kind not in ("suicide", "threat", "threat_model", "lure"):
        return [], _NO_COUNTRY
    from greyrock.safety import resources_for  # noqa: PLC0415  (safety imports reply-free modules only)

    try:
        rows = resources_for(country)
    except InputError:
        return [], _NO_COUNTRY
    emergency = [r for r in rows if r.kind == "emergency"]
    crisis = [r for r in rows if r.kind == "crisis"]
    helplines = [r for r in rows if r.kind == "helpline"]
    if kind == "suicide":
        chosen = emergency + crisis
    elif kind == "threat":
        chosen = emergency + helplines[:1]
    elif kind == "threat_model":
        chosen = emergency + helplines[:1] + crisis
    else:
        chosen = helplines[:1]
    names = {
        "emergency": f"{emergency[0].phone} (emergency services)" if emergency else _NO_COUNTRY["emergency"],
        "crisis": f"{crisis[0].name} ({crisis[0].phone})" if crisis else _NO_COUNTRY["crisis"],
    }
    return [r.to_dict() for r in chosen], names


def find_risks(text: str, finding: Mapping[str, Any] | None = None, country: str | None = None) -> list[SafetyNote]:
    """The safety notes for replying to `text`, gravest first (the order of SAFETY_KINDS).

    `finding` is its screening (a Finding's dict or a stored one): its danger phrases and
    threat label count. `country` picks the numbers (see greyrock.safety.resources_for);
    a country greyrock has no numbers for gives the notes without numbers, never an error.
    """
    finding = dict(finding or {})
    plain = screening_text(text)[0].text
    words: dict[str, list[str]] = {kind: _words(kind, plain) if kind in _RULES else [] for kind in SAFETY_KINDS}
    dangers = finding.get("danger")
    flags = [(d["sign"], d["text"]) for d in dangers] if dangers is not None else \
        [(d.sign, d.text) for d in danger_flags(plain)]
    for sign, said in flags:
        kind = _SIGN_KIND.get(sign, "threat")
        if said not in words[kind]:
            words[kind].append(said)
    if "threat" in (finding.get("labels") or ()) and not words["threat"] and not words["suicide"]:
        words["threat"] = [""]  # the model's call: no single phrase to show
    notes = []
    for kind in SAFETY_KINDS:
        if not words[kind]:
            continue
        words_shown = tuple(w for w in words[kind] if w)
        why_key = "threat_model" if kind == "threat" and not words_shown else kind
        resources, names = _resources(why_key, country)
        notes.append(SafetyNote(kind, _WHY[why_key].format(**names), words_shown, tuple(resources)))
    return notes
