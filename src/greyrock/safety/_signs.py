"""The danger signs: the risk factors that validated screens ask about, in plain words.

The list follows the Lethality Assessment Program's Lethality Screen and the DA-5 (a short
form of Jacqueline Campbell's Danger Assessment), with three items of the full Danger
Assessment that the short screens leave out (escalation, violence in pregnancy, forced
sex). Each sign is asked as a yes/no question and explained in plain words.

We deliberately give no score. The validated instruments are scored and interpreted by
trained advocates; a home-made weighting would look like one of them and would not be.
What we do is narrower and safe to do: when one of the gravest signs applies, we say so and
send the reader to an advocate today.
"""

from __future__ import annotations

from dataclasses import dataclass

from greyrock.errors import InputError

__all__ = [
    "GRAVE_SIGNS",
    "NOT_CERTIFIED",
    "SIGNS",
    "SIGN_IDS",
    "SOURCES",
    "Citation",
    "Sign",
    "check_sign",
    "get_sign",
]


@dataclass(frozen=True, slots=True)
class Citation:
    """A published source for the list: shown in the app, so the reader can look it up."""

    key: str
    text: str
    web: str


SOURCES: tuple[Citation, ...] = (
    Citation(
        "LAP",
        "Lethality Assessment Program (LAP) and its Lethality Screen, Maryland Network Against Domestic "
        "Violence. Messing JT, Campbell J, Wilson JS, Brown S, Patchell B (2017). The Lethality Screen: the "
        "predictive validity of an intimate partner violence risk assessment for use by first responders. "
        "Journal of Interpersonal Violence 32(2):205-226.",
        "https://lethalityassessmentprogram.org",
    ),
    Citation(
        "DA",
        "Danger Assessment (DA), Jacqueline C. Campbell, Johns Hopkins University School of Nursing. "
        "Campbell JC et al. (2003). Risk factors for femicide in abusive relationships: results from a "
        "multisite case control study. American Journal of Public Health 93(7):1089-1097.",
        "https://www.dangerassessment.org",
    ),
    Citation(
        "DA-5",
        "DA-5, the five-item brief Danger Assessment. Snider C, Webster D, O'Sullivan CS, Campbell J (2009). "
        "Intimate partner violence: development of a brief risk assessment for the emergency department. "
        "Academic Emergency Medicine 16(11):1208-1216.",
        "https://www.dangerassessment.org",
    ),
    Citation(
        "strangulation",
        "Glass N, Laughon K, Campbell J, et al. (2008). Non-fatal strangulation is an important risk factor "
        "for homicide of women. Journal of Emergency Medicine 35(3):329-335.",
        "",
    ),
)

NOT_CERTIFIED = (
    "This checklist is not the Danger Assessment and gives no score. A domestic-violence advocate trained "
    "in the Danger Assessment can go through the full, validated assessment with you and help you plan."
)


@dataclass(frozen=True, slots=True)
class Sign:
    """One danger sign: its id (cli.md), a short name, the question, what a yes means, and its screens.

    `grave` marks the signs that, answered yes, send the reader to an advocate today.
    """

    id: str
    name: str
    question: str
    meaning: str
    screens: tuple[str, ...]
    grave: bool = False


SIGNS: tuple[Sign, ...] = (
    Sign(
        "weapon",
        "a weapon used or threatened against you",
        "Have they ever used a weapon against you, or threatened you with one?",
        "Someone who has used or threatened a weapon against you is far more likely to hurt you badly or "
        "kill you.",
        ("LAP", "DA-5", "DA"),
        grave=True,
    ),
    Sign(
        "threat_to_kill",
        "a threat to kill you or your children",
        "Have they ever threatened to kill you or your children?",
        "A threat to kill is one of the strongest warnings there is. Take it seriously, even if it was said "
        "in anger or taken back later.",
        ("LAP", "DA"),
        grave=True,
    ),
    Sign(
        "believes_could_kill",
        "your belief that they might kill you",
        "Do you think they might try to kill you?",
        "Your own sense of danger matters. People who fear for their life are very often right.",
        ("LAP", "DA-5", "DA"),
        grave=True,
    ),
    Sign(
        "gun_access",
        "access to a gun",
        "Do they have a gun, or could they easily get one?",
        "Access to a gun makes it far more likely that abuse ends in a death.",
        ("LAP", "DA"),
    ),
    Sign(
        "strangulation",
        "choking or strangling",
        "Have they ever choked or strangled you, or tried to?",
        "Choking or strangling is one of the strongest warnings of a future killing, even when it left no "
        "marks. It can also cause injuries that show up later: a doctor can check you.",
        ("LAP", "DA-5", "DA", "strangulation"),
        grave=True,
    ),
    Sign(
        "jealousy_control",
        "violent or constant jealousy, or control of your daily life",
        "Are they violently or constantly jealous, or do they control most of your daily activities?",
        "Constant jealousy and control over where you go, who you see and what you spend is coercive "
        "control, and it goes with more serious violence.",
        ("LAP", "DA-5", "DA"),
    ),
    Sign(
        "separation",
        "separation after living together",
        "Have you left them, or separated, after living together or being married?",
        "The time around leaving and the months after it are among the most dangerous. Leaving is often "
        "still the right thing to do; it is safest done with a plan.",
        ("LAP", "DA"),
    ),
    Sign(
        "unemployment",
        "their being out of work",
        "Are they unemployed?",
        "An abusive partner being out of work is one of the factors linked with a higher risk of a killing.",
        ("LAP", "DA"),
    ),
    Sign(
        "suicide_threat",
        "threats or attempts of suicide",
        "Have they ever threatened or tried to kill themselves?",
        "Someone who threatens or attempts suicide can also be a danger to others. Keeping them alive is not "
        "your job: if they threaten it, you can call the emergency number for them.",
        ("LAP", "DA"),
    ),
    Sign(
        "child_not_theirs",
        "a child of yours who is not theirs",
        "Do you have a child that they know is not theirs?",
        "Having a child who is not theirs is linked with a higher risk, for you and for the child.",
        ("LAP", "DA"),
    ),
    Sign(
        "stalking",
        "following, spying or threatening messages",
        "Do they follow you, spy on you, or leave threatening messages?",
        "Following, watching, tracking and threatening messages are stalking. Stalking often comes before "
        "the most serious attacks.",
        ("LAP", "DA"),
    ),
    Sign(
        "escalation",
        "violence getting more frequent or worse",
        "Has the violence happened more often, or got worse, over the past year?",
        "Violence that is getting more frequent or more severe is heading somewhere dangerous.",
        ("DA-5", "DA"),
    ),
    Sign(
        "pregnancy_violence",
        "violence during pregnancy",
        "Have they ever hurt you while you were pregnant?",
        "Violence during pregnancy is a marker of very dangerous abuse.",
        ("DA",),
    ),
    Sign(
        "forced_sex",
        "forced sex",
        "Have they ever forced you to have sex when you did not want to?",
        "Forced sex is sexual violence, and it is linked with a higher risk of a killing. What happened was "
        "not your fault.",
        ("DA",),
    ),
)

SIGN_IDS: tuple[str, ...] = tuple(s.id for s in SIGNS)
GRAVE_SIGNS: frozenset[str] = frozenset(s.id for s in SIGNS if s.grave)
_BY_ID = {s.id: s for s in SIGNS}


def get_sign(sign_id: str) -> Sign:
    """The sign with this id; KeyError for an id that is not one (see `check_sign`)."""
    return _BY_ID[sign_id]


def check_sign(sign_id: str, where: str) -> str:
    """`sign_id` if it is a known sign, else an InputError naming `where` and the known ids."""
    if sign_id not in _BY_ID:
        raise InputError(f"{where}: unknown danger sign {sign_id!r}.", f"Known signs: {', '.join(SIGN_IDS)}.")
    return sign_id
