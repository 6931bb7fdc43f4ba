"""The tone check: what in the reader's own draft gives the other person something to use.

Grey-rock and BIFF advice agree on what to leave out of a reply that must be sent: reasons
and justifications, arguing, defending oneself, explaining, apologising, feelings,
sarcasm, insults or threats (which a court could hold against the reader), absolutes
("always", "never"), questions that open a debate, anything about where the reader is,
what they do or who they see, and length. Each of these is a small list of phrase
patterns, read sentence by sentence and clause by clause, so every flag can show the
exact words that raised it and say in one line why they matter. The check is rules, not
a model: the reader can see why, and it does not move when the classifier is retrained.
On request the classifier may add one thing: a draft it would label threat, coercion or
verbal abuse is flagged insult_or_threat even when no listed phrase matched. It is not on
by default because it was trained on the other person's messages, not on replies: on this
package's 50 neutral test drafts the model of November 2026 flagged 4 ("Pick-up is at the
usual place" read to it like a surveillance remark), where the rules flag none.

The rewrite keeps the draft's times, dates and amounts and drops every clause that raised
a flag, then checks itself again: a rewrite never carries a flag. Two exceptions to
"keeps every fact": a time or date that the draft gives only inside words revealing the
reader ("5" in "I'm at work till 5 every day") goes with those words and never comes back
on the fact line, since it is the reader's routine, not an arrangement; and a sentence the
cut left malformed (_wellformed: "I'm only doing this, not.") is dropped whole, its other
facts carried on one neutral line, "For the handover: Sunday at 6pm." (a fixed topic noun,
never their words) or "Re: 2am." when no topic fits. The rules for what reveals the reader
live in _reveals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from greyrock.screen._rules import danger_flags
from greyrock.screen._text import facts, sentences, split_at

from ._facts import fact_phrases, topic_of
from ._reveals import REVEAL_RULES, about_handover
from ._wellformed import sentence_problems

if TYPE_CHECKING:
    from greyrock.screen import Screener

__all__ = ["KINDS", "MAX_SENTENCES", "MAX_WORDS", "ToneFlag", "ToneReport", "check", "find_flags", "revealed_facts", "rewrite"]

KINDS: tuple[str, ...] = (
    "justifying",
    "arguing",
    "defending",
    "explaining",
    "apologising",
    "emotional",
    "sarcasm",
    "insult_or_threat",
    "absolute",
    "debate_question",
    "reveals_location_or_plans",
    "agrees_to_terms",
    "too_long",
)

MAX_WORDS = 50
MAX_SENTENCES = 4

WHY: dict[str, str] = {
    "justifying": "Reasons invite them to argue with the reasons; a decision needs none.",
    "arguing": "Contradicting them starts a debate and gives them the reaction they want.",
    "defending": "Defending yourself treats their accusation as something you must answer.",
    "explaining": "Explanations hand over details they can pick apart; state the practical fact only.",
    "apologising": "An apology can be read as admitting fault and quoted back at you later.",
    "emotional": "Feelings give them something to react to and show what gets to you.",
    "sarcasm": "Sarcasm reads as hostile, to them and to a judge reading it later.",
    "insult_or_threat": "Insults or threats could be held against you, in court too.",
    "absolute": "'Always' and 'never' are easy to dispute and start an argument.",
    "debate_question": "This question invites an argument rather than a practical answer.",
    "reveals_location_or_plans": "This tells them where you are, your routine, your plans or who you see.",
    "agrees_to_terms": ("This gives something up or agrees to their terms, in writing they can hold you to. Decide "
                        "it with a lawyer or an advocate first; 'I will reply after I have taken advice.' commits "
                        "you to nothing."),
    "too_long": f"Long replies give more to react to; keep to {MAX_SENTENCES} short sentences or fewer.",
}

# How much of the draft a match marks: the words themselves, the rest of their clause
# (a reason runs to the end of its clause), or the whole sentence (a question).
_WORD, _CLAUSE, _SENTENCE = "word", "clause", "sentence"

_FEELING = (
    r"hurt|upset|sad|scared|afraid|frightened|angry|furious|heartbroken|devastated|exhausted|anxious|worried"
    r"|stressed|lonely|miserable|depressed|disappointed|frustrated|fed up|sick of|tired of|done with|terrified"
    r"|crushed|broken|gutted|distraught|overwhelmed|ashamed|embarrassed|humiliated|jealous|panicking"
)
_INSULT = (
    r"idiot|moron|pathetic|useless|worthless|liar|loser|narcissist|psycho(?:path)?|sociopath|crazy|insane|mental"
    r"|disgusting|pig|joke|disgrace|selfish|abuser|monster|bastard|bitch|prick|dick|arsehole|asshole|scum(?:bag)?"
    r"|vile|evil|toxic|waste of (?:space|oxygen)|deadbeat|piece of (?:work|shit)|coward|clown|failure"
)
_FAMILY = r"mum|mom|mother|dad|father|parents|sister|brother|nan|gran|grandma|grandad|aunt|auntie|uncle|friend|mate|cousin"
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    reach: str
    guarded: bool = False  # stands down in a clause about a handover (see _reveals)


def _rules(kind: str, reach: str, *patterns: str) -> list[_Rule]:
    return [_Rule(kind, re.compile(p, re.I), reach) for p in patterns]


_RULES: list[_Rule] = [
    *_rules(
        "justifying", _CLAUSE,
        r"\b(?:because|cos|cuz|coz)\b",
        r"\bsince (?:i|i'm|i've|you|we|my|the|it)\b",
        r"\bthe reason (?:is|was|why|i)\b",
        r"\bthat'?s (?:the only reason|why i)\b",
        r"\bi (?:only|just) (?:did|said|went|wanted|asked|meant)\b",
        r"\bi had (?:to|no choice)\b",
        r"\bi didn'?t have (?:a|any) choice\b",
        r"\bso (?:that )?i (?:could|can|would)\b(?!'t|n't)",
        r"\bin order to\b",
        r"\bi was (?:only|just) trying\b",
        r"\bdue to (?:my|the fact)\b",
        r"\b(?:given|seeing) that\b",
    ),
    *_rules(
        "arguing", _CLAUSE,
        r"\bthat'?s (?:not true|a lie|not what happened|not fair|ridiculous|rubbish|nonsense|untrue|not how it)",
        r"\byou(?:'re| are) (?:wrong|lying|mistaken|twisting)\b",
        r"(?<!\blet )\byou know (?:that|full well|perfectly well|very well|it|i|what)\b",
        r"\byou (?:said|agreed|promised|told me)\b",
        r"\byou(?:'re| are) the one (?:who|that)\b",
        r"\bhow dare you\b",
        r"\blet me remind you\b",
        r"\bfor the record\b",
        r"\bnot that it'?s (?:any of )?your (?:business|concern)\b",
        r"\b(?:none|not any) of your (?:business|concern)\b",
        r"\bwith (?:all )?due respect\b",
        r"\bactually,? (?:you|it|that|i)\b",
        r"\bdon'?t (?:tell me|you dare|twist)\b",
        r"\byou can'?t (?:tell|make) me\b",
        r"\bwhatever you say\b",
        r"\bif you (?:had|hadn'?t|had just)\b",
        r"\bit was you (?:who|that)\b",
        r"\byou\b[^.!?\n]*\bas usual\b|\bas usual\b[^.!?\n]*\byou\b",  # "late as usual", not "6pm, as usual"
        r"\byou (?:clearly|obviously) (?:don'?t|didn'?t|have|are|can'?t)\b",
    ),
    *_rules(
        "defending", _CLAUSE,
        r"\bi (?:did not|didn'?t|never|have never|haven'?t ever|would never|wouldn'?t) (?:\w+ )?(?:say|said|do (?:that|it|anything)|did (?:that|it|anything)|mean|meant|lie|lied|forget|forgot|neglect|ignore|ignored|drink|drank|hit|touch|touched|abuse|hurt|turn (?:them|the kids|him|her) against)\b",
        r"\bi(?:'m not| am not|'m never| am never| wasn'?t| was not| was never) (?:being )?(?:late|drunk|lazy|selfish|irresponsible|unreasonable|difficult|lying|a liar|crazy|abusive|the problem|to blame|at fault|a bad (?:mother|father|parent|mum|mom|dad))\b",
        r"\b(?:it|that|this)(?:'s not|'s not| is not| isn'?t| was not| wasn'?t) my fault\b",
        r"\bnot my fault\b",
        r"\bi(?:'m| am) a (?:good|great|decent|loving|responsible|caring) (?:mother|father|parent|mum|mom|dad|person)\b",
        r"\bi have every right\b",
        r"\bi(?:'ve| have) done nothing wrong\b",
        r"\bi do (?:everything|my best|so much|more than)\b",
        r"\bi(?:'m| am) doing my best\b",
        r"\bi have nothing to hide\b",
        r"\bi(?:'ve| have) (?:always )?(?:been there|put the kids first|paid my share)\b",
    ),
    *_rules(
        "explaining", _CLAUSE,
        r"\blet me explain\b",
        r"\bto explain\b",
        r"\bwhat happened (?:was|is)\b",
        r"\bthe (?:thing|truth|situation|problem) is\b",
        r"\bi was (?:just |only )?(?:busy|stuck|running late|working|at work|in a meeting|asleep|ill|sick|tired|driving|on my way|held up)\b",
        r"\bas i (?:said|explained|mentioned|told you|have said|'ve said)\b",
        r"\bjust so you (?:know|understand)\b",
        r"\bjust so (?:you(?:'re| are)|u r) aware\b",
        r"\byou (?:need|have) to understand\b",
        r"\bi want(?:ed)? you to (?:know|understand)\b",
        r"\bto be (?:clear|honest|fair)\b",
        r"\bi(?:'m| am) only saying\b",
        r"\bthe traffic was\b",
        r"\bmy (?:car|phone|boss|train|bus|battery)\b[^.!?\n]{0,20}\b(?:broke|died|kept|was|got|made|ran)\b",
    ),
    *_rules(
        "apologising", _WORD,
        r"\b(?:(?:i'?m|i am) )?(?:(?:so|really|very|truly) )*sorry\b",
        r"\bapologi[sz](?:e|ing)\b",
        r"\b(?:my )?apologies\b",
        r"\bforgive me\b",
        r"(?<!not )(?<!n't )\bmy (?:fault|bad|mistake)\b",
        r"\bi regret\b",
        r"\bi (?:know i |admit i |guess i )?(?:overreacted|was wrong|messed up|screwed up|shouldn'?t have)\b",
    ),
    *_rules(
        "emotional", _WORD,
        r"\bi (?:feel|felt)\b",
        rf"\bi(?:'m| am|'ve been| have been| was)(?: (?:so|really|very|just|completely|absolutely|honestly))? (?:{_FEELING})\b",
        r"\b(?:makes|made) me (?:feel|sad|angry|cry|upset|sick|so)\b",
        r"\bi (?:love|loved|hate|hated|miss|missed) (?:you|us|it|this|that|how|when|the|our|being)\b",
        r"\bi (?:can'?t|cannot) (?:take|cope|handle|stand|bear)\b",
        r"\b(?:it|this|that) (?:hurts|hurt me|broke my heart)\b",
        r"\bmy heart\b",
        r"\bi (?:cried|was crying|am crying|cry)\b",
        r"\bi(?:'m| am) (?:so |really )?(?:happy|glad|relieved|thrilled)\b(?! to\b)",
        r"\bi(?:'m| am) struggling\b",
    ),
    *_rules(
        "sarcasm", _WORD,
        r"\boh,? (?:great|wonderful|perfect|brilliant|lovely|sure|really|joy)\b",
        r"\bthanks (?:a lot|for nothing|so much for nothing)\b",
        r"\bhow (?:nice|kind|generous|thoughtful|sweet|convenient|mature|responsible) of you\b",
        r"\bwell done\b",
        r"\bgood for you\b",
        r"\bcongratulations\b",
        r"\bbravo\b",
        r"\bwhat a (?:surprise|shock|shocker|joke)\b",
        r"\bshocker\b",
        r"\bbig surprise\b",
        r"\byeah,? right\b",
        r"\bsure you (?:are|will|did|do|would|can)\b",
        r"\bas if\b",
        r"\bmust be nice\b",
        r"\bnice try\b",
        r"\bof course you (?:did|would|are|do|will|can'?t|didn'?t|forgot|have)\b",
        r"\b(?:clearly|obviously) you\b",
        r"\b(?:lol|lmao|rofl)\b",
        r"/s\b",
        "\U0001f644|\U0001f602|\U0001f923|\U0001f612|\U0001f643|\U0001f44f",
        r"\bwow\b",
        r"\b(?:silly|stupid) me\b",
        r"\bwho knew\b",
        r"\b(?:father|mother|parent|dad|mum|mom) of the year\b",
        r"\bbecause that (?:worked|went) so well\b",
    ),
    *_rules(
        "insult_or_threat", _WORD,
        rf"\byou(?:'re| are| r)? (?:(?:a|an|such a|such an|so|the|just|really|fucking|complete|total|utter) )*(?:{_INSULT})\b",
        rf"\b(?:{_INSULT})\b",
        r"\b(?:fuck(?:ing|ed)?|shit(?:ty)?|piss off|screw you|go to hell|drop dead|shut up|get lost|rot in hell)\b",
        r"\byou (?:make|made) me sick\b",
        r"\bshut your (?:mouth|face|trap|gob)\b",
        r"\bdo (?:as|what) (?:you(?:'re| are) told|i say)\b",
    ),
    # A threat taints its whole sentence: "Do that again and you'll regret it" has no safe half.
    *_rules(
        "insult_or_threat", _SENTENCE,
        r"\byou(?:'ll| will) (?:regret|pay for|be sorry|see what happens|never see)\b",
        r"\bor else\b",
        r"\bwatch (?:your back|yourself|out)\b",
        r"\bi(?:'ll| will) (?:make sure you|make you|ruin|destroy|get you|tell everyone|expose|take the kids|take everything|drag you|make your life)\b",
        r"\bsee you in court\b",
        r"\bdon'?t (?:push|test) me\b",
        r"\blast (?:warning|chance)\b",
        r"\byou(?:'d| had) better\b",
        r"\bif you (?:don'?t|do not|won'?t)\b[^.!?\n]{0,50}\bi(?:'ll| will) (?:tell|report|take|make|ruin|expose|go to|stop paying|keep)\b",
    ),
    *_rules(
        "absolute", _WORD,
        r"\b(?:always|never|constantly|forever|everything|nothing|nobody|everyone|everybody)\b",
        r"\bno[- ]one\b",
        r"\bevery (?:single )?time\b",
        r"\ball the time\b",
        r"\bnot (?:once|ever)\b",
    ),
    *[_Rule("reveals_location_or_plans", re.compile(r.pattern, re.I), _CLAUSE, r.guarded) for r in REVEAL_RULES],
    # What the reader gives up or agrees to on their terms: the protection of a court or the
    # police, a signature, the children or the home, a meeting alone, a bargain. A routine
    # agreement ("Agreed: we split the deposit", "I'll sign the trip form") is not one.
    *_rules(
        "agrees_to_terms", _CLAUSE,
        r"\bi(?:'ll| will|'m going to| am going to| can| could)? (?:drop|withdraw|cancel|pull|retract|take back|stop)"
        r" (?:the |my |our |this |that )?(?:(?:protection|restraining|non-molestation|court|custody|occupation|contact)"
        r" order|case|charges?|complaint|statement|application|report|injunction|proceedings|hearing)\b",
        r"\bi (?:won'?t|will not|wont|promise not to) (?:go to|call|tell|contact|ring|involve|report (?:it|you|this) to)"
        r" (?:the )?(?:police|cops|court|judge|solicitor|lawyer|social services|cafcass)\b",
        r"\bi(?:'ll| will| can)? sign (?:anything|whatever|the (?:papers|agreement|deal|statement|contract|consent order"
        r"|withdrawal|transfer|deeds|documents?|house over))\b(?! (?:form|slip)\b)",
        r"\bi(?:'ll| will)? (?:sign|agree|say yes)\b[^.!?\n]{0,40}\b(?:if|as long as|provided|once) you\b",
        r"\byou can (?:have|keep|take) (?:the house|the flat|everything|it all|full custody|the kids for good)\b",
        r"\bi(?:'ll| will)? (?:come|meet (?:you|u)|be there|see (?:you|u))\b[^.!?\n]{0,30}\b(?:alone|on my own|by myself|just me)\b",
        r"^\W*deal\W*$|\b(?:it'?s a deal|you(?:'ve| have)(?: got)? a deal|deal(?:,)? if you)\b",
    ),
]

# Questions that open a debate rather than settle a practical point.
_DEBATE = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            r"\bwhy\b(?! (?:don'?t we|not\b))",
            r"\bhow come\b",
            r"\bhow (?:could|dare|can) you\b",
            r"\bhow (?:is|was) (?:that|this|it) (?:fair|ok|okay|my fault|reasonable|right)\b",
            r"\bwhat(?:'s| is| was) (?:wrong with|your problem|the point|that supposed)\b",
            r"\bwho (?:do|does) (?:you|he|she) think\b",
            r"\b(?:do|did|can|could|would|will) you (?:really|even|honestly|seriously|actually|ever)\b",
            r"\bdo you (?:think|realise|realize|understand|care|know how|remember|expect|want me to)\b",
            r"\b(?:don'?t|can'?t|won'?t|didn'?t|aren'?t|wasn'?t|wouldn'?t|shouldn'?t) you\b",
            r"\bwhat (?:did|do) you expect\b",
            r"\bwhat (?:were|was) you thinking\b",
            r"\bhow many times\b",
            r"\b(?:is|was) (?:it|that) (?:too much|so hard|so difficult|really necessary|fair)\b",
            r"\bwhat kind of\b",
            r"\bare you (?:serious|kidding|joking|insane|crazy|for real|happy now)\b",
            r"^\W*(?:seriously|really)\W*\?",
            r",\s*(?:right|isn'?t it|don'?t you|aren'?t you|wasn'?t it|no)\s*\?",
            r"\bwhat about (?:you|when you|me|the time)\b",
            r"\bwhere were you\b",
            r"\bhave you (?:ever|considered|thought)\b",
            r"\bwhat(?:'s| is) (?:so )?(?:hard|difficult) about\b",
            r"\bwhat (?:are you|were you) (?:trying|playing|doing)\b",
            r"\bwhat do you (?:mean|want from me)\b",
        )
    ),
    re.I,
)

_PIECE_BREAK = re.compile(
    r"\s*[,;:]\s+|\s+[-–—]+\s+|\s+(?=(?:but|because|cos|since|so that|so i|although|though|even though|and i|and you)\b)"
    r"|\s+(?=so (?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|the (?:handover|pick|drop|kids)|pick|drop"
    r"|handover|after|before|any (?:time|day)|another|can (?:we|you)|could (?:we|you))\b)",
    re.I,
)
_JOIN_LEAD = re.compile(r"^(?:and|but|so that|so|also|then|or|plus)\b[\s,]*", re.I)
_LEAD = re.compile(r"^(?:and|but|so that|so|also|anyway|then|or|plus|well|ok|okay)\b[\s,]*", re.I)
_WORDS = re.compile(r"[A-Za-z0-9$£€']+")
_REMOVABLE_ABSOLUTE = re.compile(r"^(?:always|constantly|every (?:single )?time|all the time|forever)$", re.I)
_REVEALS = "reveals_location_or_plans"
_FRAGMENT_WORDS = frozenset("not no nor and or but so then too also either neither yet still just even".split())
_SCREEN_LABELS = {"threat", "coercion", "verbal_abuse"}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


@dataclass(frozen=True, slots=True)
class ToneFlag:
    """One thing in the draft that gives the other person something to use."""

    kind: str
    text: str
    why: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "why": self.why, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class ToneReport:
    draft: str
    flags: tuple[ToneFlag, ...]
    rewrite: str
    kinds: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.flags

    def to_dict(self) -> dict[str, Any]:
        """The shape of `greyrock tone --json` (cli.md)."""
        return {"flags": [f.to_dict() for f in self.flags], "rewrite": self.rewrite}


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence cut into clauses: the unit a flag marks and the rewrite keeps or drops."""
    return split_at(text, start, end, _PIECE_BREAK, trail=".!?,;: ")


def _clause_end(text: str, pos: int, spans: list[tuple[int, int]] | None = None) -> int:
    for a, b in spans if spans is not None else sentences(text):
        if a <= pos < b:
            for pa, pb in _pieces(text, a, b):
                if pa <= pos < pb:
                    return pb
            return b
    return len(text)


def _clause_text(text: str, pos: int, spans: list[tuple[int, int]]) -> str:
    for a, b in spans:
        if a <= pos < b:
            for pa, pb in _pieces(text, a, b):
                if pa <= pos < pb:
                    return text[pa:pb]
            return text[a:b]
    return ""


_ABOUT_READER = re.compile(
    r"^(?:(?:and|so|then|because|cos|coz|since|as|where|which|while|plus)\b[\s,]*)?"
    r"(?:(?:and|so|then)\b[\s,]*)?(?:i|we|i'm|we're|i've|we've|i'll|we'll|im|me|my|our|it's|its|he's|she's|they're)\b",
    re.I,
)


_TAIL = re.compile(
    r"^(?:at|in|on|near|by|behind|opposite|above|with|from|since|until|till|til|for|when|while|where|which|after|before"
    r"|around|about|number|no\.?)\b",
    re.I,
)
_TAIL_VERBS = re.compile(r"\b(?:is|are|was|were|be|works?|suits?|fine|ok|okay|good|can|will|please)\b", re.I)


# A clause that states the arrangement the reader offers stands on its own.
_ARRANGEMENT = re.compile(
    r"\b(?:be there|be at the|be ready|can do|can'?t do|cannot do|can make|can'?t make|works|work for (?:me|us)|suits?|available|is fine"
    r"|(?:i|we) said|agreed|instead|confirmed|as per|the order|reply|send|pay|paid|bring|return|sign|confirm"
    r"|let you know|swap|change)\b",
    re.I,
)


# A clause that hands something over: its time is the handover's, not the reader's.
_HANDS_OVER = re.compile(r"\b(?:bring|brings|bringing|drop|drops|dropping|collect|collects|deliver|return|hand over)\b", re.I)


def _continues(clause: str) -> bool:
    """Whether a clause after a revealing one goes on with the same story: it is about the
    reader ("so I can walk them there"), or a tail with no subject of its own ("since
    March", "at the library", "10 till 6"). A clause about the handover never does."""
    if about_handover(clause) or _ARRANGEMENT.search(clause):
        return False
    if _ABOUT_READER.match(clause) or _TAIL.match(_LEAD.sub("", clause)):
        return True
    words = _WORDS.findall(clause)
    return len(words) <= 3 and not _TAIL_VERBS.search(clause)


def _reveal_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """A revealing clause, whole, with the clauses after it in its sentence that go on
    with the same story (its times are the reader's too), and a short subject cut off
    before it ("The kids | and I are moving to Wales")."""
    for a, b in spans:
        if a <= start < b:
            pieces = _pieces(text, a, b)
            for i, (pa, pb) in enumerate(pieces):
                if pa <= start < pb:
                    start, end = pa, max(end, pb)
                    if i and re.match(r"(?:and|&|n) (?:i|me)\b", text[pa:pb], re.I) and len(
                        _WORDS.findall(text[pieces[i - 1][0]:pieces[i - 1][1]])
                    ) <= 4:
                        start = pieces[i - 1][0]
                    for qa, qb in pieces[i + 1:]:
                        compound = re.match(r"(?:and|&|n) (?:i|me)\b", text[qa:qb], re.I)  # "My fiancé | and I will"
                        if qa < end or compound or _continues(text[qa:qb]):
                            end = max(end, qb)
                        else:
                            break
                    return start, end
            return start, end
    return start, end


def _sentence_around(text: str, start: int, end: int, spans: list[tuple[int, int]] | None = None) -> tuple[int, int]:
    for a, b in spans if spans is not None else sentences(text):
        if a <= start < b:
            return a, max(b, end)
    return start, end


def _overlaps(a: int, b: int, c: int, d: int) -> bool:
    return a < d and c < b


def _plain(text: str) -> str:
    """Curly apostrophes read as straight ones; same length, so offsets still point into the draft."""
    return text.translate(_APOSTROPHES)


def _rule_flags(draft: str) -> list[ToneFlag]:
    found: list[ToneFlag] = []
    plain = _plain(draft)
    sents = sentences(draft)
    for rule in _RULES:
        for m in rule.pattern.finditer(plain):
            start, end = m.start(), m.end()
            if rule.guarded and about_handover(_clause_text(plain, start, sents)):
                continue
            if rule.kind == _REVEALS:
                start, end = _reveal_span(plain, start, end, sents)
            elif rule.reach == _CLAUSE:
                end = max(end, _clause_end(draft, start, sents))
            elif rule.reach == _SENTENCE:
                start, end = _sentence_around(draft, start, end, sents)
            found.append(ToneFlag(rule.kind, draft[start:end], WHY[rule.kind], start, end))
    for d in danger_flags(plain):  # screening's own danger phrases ("I'll kill you") are threats here too
        start, end = _sentence_around(draft, d.start, d.end, sents)
        found.append(ToneFlag("insult_or_threat", draft[start:end], WHY["insult_or_threat"], start, end))
    for a, b in sents:
        sentence = draft[a:b]
        if "?" in sentence and _DEBATE.search(plain[a:b]):
            found.append(ToneFlag("debate_question", sentence, WHY["debate_question"], a, b))
    return found


def _length_flag(draft: str) -> ToneFlag | None:
    sents = sentences(draft)
    words = 0
    for i, (a, b) in enumerate(sents):
        words += len(_WORDS.findall(draft[a:b]))
        if i >= MAX_SENTENCES or words > MAX_WORDS:
            end = sents[-1][1]
            return ToneFlag("too_long", draft[a:end], WHY["too_long"], a, end)
    return None


def _merge(flags: list[ToneFlag]) -> list[ToneFlag]:
    """One flag per kind and place: overlapping matches of the same kind become one."""
    out: list[ToneFlag] = []
    for f in sorted(flags, key=lambda f: (KINDS.index(f.kind), f.start, -f.end)):
        last = out[-1] if out else None
        if last and last.kind == f.kind and f.start < last.end:
            if f.end > last.end:
                out[-1] = ToneFlag(f.kind, f"{last.text}{f.text[last.end - f.start:]}", last.why, last.start, f.end)
            continue
        out.append(f)
    return sorted(out, key=lambda f: (f.start, KINDS.index(f.kind)))


def _screen_flags(draft: str, screener: Screener, have: list[ToneFlag]) -> list[ToneFlag]:
    [finding] = screener.screen([draft])
    if not set(finding.labels) & _SCREEN_LABELS:
        return []
    spans = [s for s in finding.spans if s.label in _SCREEN_LABELS]
    if not spans:
        spans_at = [(a, b) for a, b in sentences(draft)]
    else:
        spans_at = [(s.start, s.end) for s in spans]
    out = []
    for a, b in dict.fromkeys(spans_at):
        if any(f.kind == "insult_or_threat" and _overlaps(a, b, f.start, f.end) for f in have):
            continue
        out.append(ToneFlag("insult_or_threat", draft[a:b], WHY["insult_or_threat"], a, b))
    return out


def find_flags(draft: str, screener: Screener | None = None) -> list[ToneFlag]:
    """Every flag in a draft, in the order of the draft."""
    flags = _rule_flags(draft)
    if screener is not None and draft.strip():
        flags += _screen_flags(draft, screener, flags)
    long = _length_flag(draft)
    if long:
        flags.append(long)
    return _merge(flags)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _without_removable_absolutes(text: str, start: int, end: int, flags: Sequence[ToneFlag]) -> str | None:
    """A clause whose only fault is "always" / "every time" can lose the word and keep its facts."""
    inside = [f for f in flags if f.kind != "too_long" and _overlaps(start, end, f.start, f.end)]
    if not inside or not all(f.kind == "absolute" and _REMOVABLE_ABSOLUTE.match(f.text) for f in inside):
        return None
    out = text[start:end]
    for f in sorted(inside, key=lambda f: -f.start):
        a, b = f.start - start, f.end - start
        out = (out[:a].rstrip() + " " + out[b:].lstrip()).strip()
    return out


def _is_fragment(piece: str) -> bool:
    """A clause left with only joining words ("not", "then") once its neighbours were cut."""
    words = [w.lower() for w in _WORDS.findall(piece)]
    return not words or all(w in _FRAGMENT_WORDS for w in words)


def _compose(draft: str, flags: Sequence[ToneFlag]) -> list[str]:
    """The sentences of the draft with every flagged clause dropped."""
    faults = [f for f in flags if f.kind != "too_long"]
    kept_sentences: list[str] = []
    for a, b in sentences(draft):
        kept = []
        last_kept = False
        pieces = _pieces(draft, a, b)
        for i, (pa, pb) in enumerate(pieces):
            if any(_overlaps(pa, pb, f.start, f.end) for f in faults):
                fixed = _without_removable_absolutes(draft, pa, pb, faults) if facts(draft[pa:pb]) else None
                if fixed is None:
                    last_kept = False
                    continue
                piece = fixed
            else:
                piece = draft[pa:pb]
            # "ok"/"well" may open a sentence; a joining word may not open what is left of one
            piece = (_JOIN_LEAD if i == 0 else _LEAD).sub("", piece).strip()
            if piece and not _is_fragment(piece):
                kept.append(piece)
                last_kept = i == len(pieces) - 1
            else:
                last_kept = False
        if kept:
            end = draft[a:b].rstrip()[-1:]
            mark = end if end in ".!?" and last_kept else "."
            if mark == "!":
                mark = "."
            kept_sentences.append(_cap(", ".join(kept)) + mark)
    return kept_sentences


def _compress(sentence: str) -> str:
    """A sentence too long on its own: its first clause and the clauses that carry facts."""
    pieces = [sentence[a:b] for a, b in _pieces(sentence, 0, len(sentence))]
    kept = [p for i, p in enumerate(pieces) if i == 0 or facts(p)]
    kept = [kept[0], *(_LEAD.sub("", p).strip() for p in kept[1:])]
    return _cap(", ".join(p for p in kept if p)) + "."


def _shorten(sentences: list[str]) -> list[str]:
    """Keep the sentences that carry facts first, then the rest, within the length limit."""
    sentences = [s if len(_WORDS.findall(s)) <= MAX_WORDS else _compress(s) for s in sentences]
    ranked = sorted(range(len(sentences)), key=lambda i: (not facts(sentences[i]), i))
    chosen: list[int] = []
    words = 0
    for i in ranked:
        n = len(_WORDS.findall(sentences[i]))
        if len(chosen) < MAX_SENTENCES and words + n <= MAX_WORDS:
            chosen.append(i)
            words += n
    return [sentences[i] for i in sorted(chosen)]


def _fact_positions(text: str) -> list[tuple[int, int, str]]:
    out, cursor = [], 0
    for fact in facts(text):
        at = text.find(fact, cursor)
        if at < 0:
            continue
        out.append((at, at + len(fact), fact))
        cursor = at + len(fact)
    return out


def revealed_facts(draft: str, flags: Sequence[ToneFlag]) -> frozenset[str]:
    """Facts (lower case) that the draft gives only inside words that reveal the reader.

    "5" in "I'm at work till 5 every day" is the reader's routine, not a handover time: the
    rewrite drops it with its clause and never carries it on the fact line."""
    spans = [(f.start, f.end) for f in flags if f.kind == _REVEALS]
    if not spans:
        return frozenset()
    # a clause that reveals and also states the arrangement ("my friend Jo will bring the
    # bikes at 4pm on Saturday") gives the arrangement's time: that one stays
    arranging = [
        (pa, pb)
        for sa, sb in sentences(draft)
        for pa, pb in _pieces(draft, sa, sb)
        if about_handover(draft[pa:pb]) or _HANDS_OVER.search(draft[pa:pb])
    ]
    inside: set[str] = set()
    outside: set[str] = set()
    for a, b, fact in _fact_positions(draft):
        hidden = any(_overlaps(a, b, s, e) for s, e in spans) and not any(pa <= a < pb for pa, pb in arranging)
        (inside if hidden else outside).add(fact.lower())
    return frozenset(inside - outside)


_AT_HOUR = re.compile(r"^at\s+(\d{1,2})$", re.I)
_LIST_OPENER = re.compile(r"^(?:at|on|in|of|for|to|and|or)\s+", re.I)


def _bare(phrase: str) -> str:
    """A fact phrase as an item of the fact line: "Saturday at 5pm", "2am", "by Friday"."""
    phrase = phrase.strip(" ,-–")
    hour = _AT_HOUR.match(phrase)
    if hour:  # "at 6" alone: a bare "6" would read as a count
        return f"{hour.group(1)}:00"
    bare = _LIST_OPENER.sub("", phrase)
    while _LIST_OPENER.match(bare):
        bare = _LIST_OPENER.sub("", bare)
    trail = re.compile(r"\s+(?:at|on|in|of|for|to|and|or|the|by|from|until|till|instead|than)$", re.I)
    while trail.search(bare):
        bare = trail.sub("", bare).strip(" ,-–")
    return bare


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _fact_line(draft: str, lost: Sequence[str], hidden: frozenset[str], flags: Sequence[ToneFlag]) -> str:
    """A neutral line for facts whose clause had to go: "For the handover: Sunday at 6pm.".

    Its topic is a fixed noun phrase read outside the words that reveal the reader, and it
    carries no fact that was only in such words."""
    spans = [(f.start, f.end) for f in flags if f.kind == _REVEALS]
    lost = [f for f in lost if f.lower() not in hidden]
    if not lost:
        return ""
    items: list[str] = []
    for p in fact_phrases(draft):
        if not any(f in p.facts for f in lost):
            continue
        if any(f.lower() in hidden for f in p.facts):
            items += [f for f in p.facts if f in lost]
        else:
            items.append(p.text)
    items += [f for f in lost if not any(f.lower() in i.lower() for i in items)]
    items = list(dict.fromkeys(b for b in (_bare(i) for i in items) if b))
    if not items:
        return ""
    topic = topic_of(_blank(draft, spans))
    return f"{'For ' + topic if topic else 'Re'}: {', '.join(items)}."


def _kept_text(draft: str, flags: Sequence[ToneFlag]) -> list[str]:
    """Compose, shorten, and drop any sentence that a cut left malformed."""
    return [s for s in _shorten(_compose(draft, flags)) if not sentence_problems(s)]


def _missing(draft: str, text: str, hidden: frozenset[str]) -> list[str]:
    low = text.lower()
    out = []
    for f in dict.fromkeys(facts(draft)):
        if f.lower() in hidden or f.lower() in low:
            continue
        hour = _AT_HOUR.match(f)
        if hour and f"{hour.group(1)}:00" in low:
            continue
        out.append(f)
    return out


_BARE_YES = re.compile(r"^\W*(?:yes|yeah|yep|ok|okay|k|fine|sure|alright|all right|agreed|noted)\W*$", re.I)
_DEFER = "I will reply after I have taken advice."


def rewrite(draft: str, flags: Sequence[ToneFlag], screener: Screener | None = None) -> str:
    """A grey-rock version of the draft: flagged clauses dropped, every fact kept except
    those that were only in words revealing the reader, no flags, clean sentences. Where
    the draft agreed to their terms, what is left is never a bare "Ok" that still reads as
    a yes: the reader defers instead."""
    new = _rewrite(draft, flags, screener)
    if any(f.kind == "agrees_to_terms" for f in flags) and _BARE_YES.match(new):
        return _DEFER
    return new


def _rewrite(draft: str, flags: Sequence[ToneFlag], screener: Screener | None) -> str:
    hidden = revealed_facts(draft, flags)
    current, current_flags = draft, list(flags)
    for _ in range(4):
        if not current_flags:
            return current.strip() or "Noted."
        hidden = hidden | revealed_facts(current, current_flags)
        kept = _kept_text(current, current_flags)
        body = " ".join(kept)
        line = _fact_line(draft, _missing(draft, body, hidden), hidden, flags)
        candidate = f"{body} {line}".strip()
        if not candidate:
            return "Noted."
        current, current_flags = candidate, find_flags(candidate, screener)
    if current_flags:  # nothing safe could be kept: the facts alone
        line = _fact_line(draft, _missing(draft, "", hidden), hidden, flags)
        return line if line and not find_flags(line, screener) else "Noted."
    return current


def check(draft: str, screener: Screener | None = None) -> ToneReport:
    """Flag a draft and offer a grey-rock rewrite of it."""
    flags = find_flags(draft, screener)
    new = rewrite(draft, flags, screener) if flags else draft.strip()
    return ToneReport(draft, tuple(flags), new, tuple(dict.fromkeys(f.kind for f in flags)))
