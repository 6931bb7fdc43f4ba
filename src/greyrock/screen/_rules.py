"""The explainable layer beside the model: high-precision danger phrases and tactic cues.

A danger phrase is a threat no model may talk us out of: when one matches, the message is
a threat, and the words are shown to the reader with the danger sign they point to. The
list is deliberately narrow (precision over recall); the model catches what no list names.

Tactic cues name a pattern ("gaslighting") from the words that show it, so the reader can
recognise it. A cue is only shown when the model also gave the tactic's label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from greyrock.model import DangerFlag

__all__ = ["DANGER_RULES", "TACTIC_CUES", "danger_flags", "tactic_cues"]

# The speaker committing to an act: "I'll", "im gonna", "imma", "i swear i will".
_WILL = r"i(?:'?ll| will|'?m (?:going to|gonna|about to)|ll)|gonna|going to|imm?a|i'?ma|finna|i swear i(?:'?ll| will)"

# "I'll shoot you a text" sends a message.
_NOT_A_MESSAGE = (
    r"(?!\s+(?:a|an|the|those|these|that|my|some)\s+(?:[a-z']+\s+){0,2}(?:text|message|msg|email|e-mail|line|dm|pm|note|pic|photo|link"
    r"|details|info|information|address|number|dates?|times?|list|form|location|postcode|invite|pics|photos|look|smile)\b)"
)


# A small grammar: who commits (the speaker), to what harm, against whom. Each part is a
# word list; the sentences are composed from them below, so a new verb or a new way of
# spelling "I'm going to" reaches every rule at once.

# The speaker committing: every spelling real texts use, "I swear I'll", "I'm coming to", and
# other Englishes: Scots "ah'll", "am gonnae"; Jamaican "mi a go", "mi gwine"; Nigerian "I go".
_SPEAKER = (
    r"(?:i(?:'?ll| will|'?m (?:going to|gonna|gonnae|about to|goin to|gunna|coming to|comin to)| am (?:going to|gonna|coming to)"
    r"|ll|m gonna|ma| go)|imm?a|i'?ma|gonna|gonnae|gunna|finna|i (?:swear|promise)(?: to god)?(?: that)? i(?:'?ll| will)"
    r"|ah'?ll|ah'?m gonnae|am gonnae|(?:mi|me) (?:a go|ago|gwine|gon))"
)
# Words that may stand between the speaker and the harm: "I'll fucking", "I will personally".
_INTENSIFIER = r"(?:(?:fucking|fuckin|fkn|effing|literally|actually|personally|seriously|really|just|come and|come|go|find (?:you|u) and|hunt (?:you|u) down and)\s+){0,2}"
# Harm done to a person: killing, and hurting. "hit", "get", "take out" and "cut" are left
# out: "hit you up", "get you a coffee", "take you out for dinner", "cut you some slack".
_KILL = r"(?:kill|murder|shoot|stab|strangle|drown|smother|slit|bury|gut|shank|slaughter|execute|end|off|waste)"
_HURT = (
    r"(?:hurt|choke|batter|bash|punch|slap|smack|thump|deck|glass|knife|maim|cripple|torture|destroy|beat|burn"
    r"|slice|wreck|break|strangle|kick|stomp|bleed|ruin)"
)
# Whom: the reader, the children, anyone close, the new partner, a pet.
_TARGET = (
    r"(?:you|u|ya|ye|yuh|yu|youse|yous|yourself|ur self|the (?:kids|children|baby)|(?:both|all) of (?:you|u)|the (?:two|pair) of (?:you|u)"
    r"|(?:your|ur) (?:(?:new |little |precious |fucking )?(?:mum|mom|mother|dad|father|sister|brother|family|kids|children|son|daughter|baby"
    r"|boyfriend|girlfriend|bf|gf|husband|wife|partner|man|woman|fella|bloke|guy|lover|friend|friends|lawyer|solicitor|parents|dog|cat|pets?))"
    r"|(?:him|her)(?= (?:and|too|first|as well|if|when|before|dead|slowly|\w*ing)\b|\s*[.!,]|\s*$)"
    r"|that (?:bitch|bastard|prick|cunt|whore|slut|fucker|motherfucker|piece of shit|(?:new )?(?:man|guy|fella|bloke|boyfriend|girlfriend)))"
)
# What follows the harm and turns it into a game, a message, a lawsuit or a figure of speech.
# A laugh does not: "I'll kill you lol" from an ex is abuse disguised as a joke at best.
_NOT_AFTER_HARM = (
    r"(?!\s+(?:at\b|to (?:it|the punch)|there|home"
    r"|in (?:(?:a|the|every|this|that|our|my|your)\s+)?(?:game|match|race|round|debate|argument|court|divorce|custody|back|polls|quiz)"
    r"|on (?:fortnite|cod|halo|mario|xbox|ps\d|the (?:game|court|field|track|board|pitch))"
    r"|with (?:kindness|love|kisses|hugs|my (?:love|cooking|cuteness))"
    r"|(?:a|an|some)\s+(?:[a-z']+\s+){0,2}(?:text|message|msg|email|e-mail|line|dm|pm|note|pic|photo|link|look|smile|cd|copy|slack)\b"
    r"|(?:the|those|these|that|my)\s+(?:[a-z']+\s+){0,2}(?:details|info|information|address|number|dates?|times?|list|form|location|postcode|invite|link|pics|photos)\b"
    r"|over (?:the|a|some|my)\s+(?:details|info|link|email|number)|off\b|out (?:of|from)\b))"
)
# Games, sport and quizzes: "I'll end you in mario kart tonight", "bury you at scrabble".
_GAME = (
    r"(?:mario ?kart|fortnite|monopoly|scrabble|chess|catan|uno|cards|poker|pool|snooker|darts|tennis|golf|fifa|cod"
    r"|call of duty|minecraft|among us|wordle|trivia|(?:the |a )?(?:pub )?quiz|karaoke|bowling|squash|badminton|ping ?pong"
    r"|table tennis|smash bros|overwatch|valorant|apex|pictionary|charades|cluedo|(?:a |the )?board ?games?"
    r"|(?:the |a )?(?:rematch|semis?|tournament|league|leaderboard|next round))"
)
_NOT_A_GAME = rf"(?!\s+(?:(?:tonight|later|tomorrow|again|next time|this time|on (?:\w+day|the weekend))\s+)?(?:in|at|on)\s+{_GAME}\b)"
# Whom a push or a fire is done to (the wider _TARGET would take "your dog off the sofa").
_VICTIM = r"(?:you|u|ya|her|him|the kids)"
# What a fall is from: "push you down the stairs", "throw you off the balcony".
_FALL = (
    r"(?:down the (?:stairs|steps)|off (?:the|a|that) (?:balcony|bridge|cliff|roof|building|car park)"
    r"|out (?:of )?(?:the|a) window|through (?:the|a) (?:wall|window|windscreen)|in front of (?:a|the) (?:train|bus|car|lorry|truck))\b"
)
# Phrases of harm that carry their own target: "fuck you up", "put you in the ground".
_HARM_PHRASE = (
    r"(?:(?:fuck|f\*+k|f\*+|fk|mess|rough|bust|carve|cut|smash|tear|beat|sort)\s+(?:you|u|ya|him|her)\s+up"
    r"|do\s+(?:you|u|ya|him|her)\s+in|knock\s+(?:you|u|ya)\s+(?:out|the (?:fuck|hell) out|into next week|spark out)"
    r"|put\s+(?:you|u|ya|him|her)\s+(?:down|six feet under|in (?:the|a)\s+(?:ground|grave|hospital|box|wheelchair|coffin|morgue|body bag))"
    r"|(?:lay|put)\s+(?:my\s+)?(?:hands|a finger)\s+on\s+(?:you|u|ya|her|him)|run\s+(?:you|u|ya)\s+(?:over|down|off the road)"
    r"|finish\s+(?:you|u|ya)\s+off|wipe\s+(?:you|u|ya)\s+out|teach\s+(?:you|u|ya)\s+a\s+lesson(?!\s+(?:in|on|about))"
    r"|make\s+(?:you|u|ya)\s+(?:suffer|bleed|disappear|scream|beg|sorry|regret\s+(?:it|this|that|the day))"
    r"|rearrange\s+(?:your|ur)\s+face|wring\s+(?:your|ur)\s+(?:neck|throat)"
    r"|slit\s+(?:your|ur)\s+throat|kick\s+(?:your|ur)\s+(?:ass|arse|head|teeth|face)\s*(?:in)?\b(?!\s+at)"
    r"|(?:beat|whoop|whup)\s+(?:your|ur)\s+(?:ass|arse)(?!\s+(?:at|in))|get\s+(?:even|my revenge|revenge)\b|get\s+(?:you|u|ya)\s+back\b(?!\s+(?:for (?:the|lunch|dinner)|home|to|the|a|some|your|my))"
    r"|come\s+after\s+(?:you|u|ya)|(?:hunt|track)\s+(?:you|u|ya)\s+down"
    r"|deal\s+(?:with|wid)\s+(?:you|u|ya|ye|yuh)\b(?!\s+(?:later|tomorrow|in the morning|when|after|on|at|by|about|over))(?!\s*\?))"
)


@dataclass(frozen=True, slots=True)
class DangerRule:
    sign: str
    why: str
    pattern: re.Pattern[str]


def _rule(sign: str, why: str, *patterns: str) -> DangerRule:
    return DangerRule(sign, why, re.compile("|".join(f"(?:{p})" for p in patterns), re.I))


DANGER_RULES: tuple[DangerRule, ...] = (
    _rule(
        "threat_to_kill", "a message threatens to kill you or someone close to you",
        # The grammar: speaker + (intensifier) + a killing verb + whom.
        rf"\b{_SPEAKER}\s+{_INTENSIFIER}{_KILL}\s+{_TARGET}\b{_NOT_AFTER_HARM}{_NOT_A_GAME}",
        # Regret at not having done it: "I should have killed you when I had the chance".
        r"\bi\s+should(?:'?ve| have| of)\s+(?:just\s+)?(?:killed|strangled|choked|shot|stabbed|finished|ended|buried|drowned)\s+(?:you|u|ya|her|him)\b",
        r"\bshould(?:'?ve| have| of)\s+(?:just\s+)?(?:finished|ended)\s+(?:it|you|u|the job)\b[^.!?\n]{0,40}\bwhen i had the chance\b",
        r"\b(?:you|u)(?:'re| are| r)?\s+(?:going to|gonna|will|'ll)\s+(?:fucking\s+)?die\b(?!\s+(?:laughing|of|from|when|if you|happy|a little|inside|alone))",
        r"\b(?:you(?:'re| are| r)|ur|(?:he|she)(?:'?s| is))\s+dead meat\b",
        r"\b(?:he|she|(?:your|ur) (?:new )?(?:boyfriend|girlfriend|man|woman|fella|bloke|guy|partner|lawyer))(?:'?s| is)\s+a\s+dead\s+(?:wo)?man\b",
        r"\bnever see (?:the|your|ur) (?:kids|children|baby|son|daughter) alive\b",
        rf"\b(?:{_WILL})\s+(?:end|take)\s+(?:your|ur)\s+(?:miserable\s+)?life\b",
        rf"\b(?:{_WILL})\s+run\s+(?:you|u|ya)\s+(?:over|down|off the road)\b",
        # Poison, fire, a fall: "I'll poison your dog", "set you on fire", "push you down the stairs".
        rf"\b{_SPEAKER}\s+{_INTENSIFIER}poison\s+(?:{_TARGET}|the (?:dog|cat)|(?:your|ur) (?:food|drink|tea|coffee))\b"
        r"(?!\s+(?:against|with (?:my|this|the|her|his) (?:cooking|food|curry|chilli|baking)|minds?)\b)",
        rf"\b{_SPEAKER}\s+{_INTENSIFIER}set\s+(?:{_VICTIM}\s+(?:on fire|alight|ablaze)|fire\s+to\s+{_VICTIM})\b",
        rf"\b(?:{_SPEAKER}\s+{_INTENSIFIER}(?:throw|push|shove|kick|drag)|should(?:'?ve| have| of)\s+(?:just\s+)?(?:thrown|pushed|shoved|kicked|dragged))"
        rf"\s+{_VICTIM}\s+{_FALL}",
        r"\b(?:you(?:'ll| will)|you(?:'re| are) (?:going|gonna) to)\s+be\s+found\s+(?:dead|in (?:a|the) (?:ditch|river|canal|bin bag|suitcase))\b",
        # Anyone or anything of yours: "your dog", "your mother" (pets and others count, labels.md).
        r"\b(?:i(?:'?ll| will|'?m (?:going to|gonna)|ll)|gonna|going to|i swear i(?:'?ll| will))\s+(?:fucking\s+)?(?:kill|murder|shoot|stab|slit)\s+(?:your|ur)\s+\w+",
        r"(?<!until )(?<!till )(?<!when )(?<!after )(?<!before )(?<!once )(?<!if )\byou(?:'re| are| r)\s+(?:a\s+)?dead(?:\s+(?:wo)?man)?\b(?!\s+(?:tired|right|wrong|on|serious|set|end|inside|to me))",
        r"\bnobody(?:'ll| will)\s+(?:ever\s+)?find\s+(?:you|u|your body|the body)",
        r"\b(?:six feet under|in a (?:body bag|coffin))\b",
        r"\bwon'?t (?:live|survive) to see\b",
        r"\bbefore i (?:kill|end) (?:you|u)\b",
        r"\bi(?:'m| am|'ll be| will be)\s+(?:coming|comin)\s+(?:back\s+)?for\s+(?:you|u|ya)\b(?!\s+at\b)",
        # Conditional: "if you take the kids, nobody will find you" (labels.md).
        r"\bif (?:you|u) (?:ever\s+)?(?:leave|go|take (?:the|my) (?:kids|children|baby)|call the (?:cops|police)|tell (?:anyone|the police))"
        r"\b[^.!?\n]{0,60}\b(?:i(?:'ll| will)\s+(?:kill|hurt|end|find)\s+(?:you|u)\b|nobody(?:'ll| will) (?:ever )?find)",
    ),
    _rule(
        "weapon", "a message mentions a weapon in a threatening way",
        r"\b(?:my|a|the)\s+(?:loaded\s+)?(?:gun|shotgun|rifle|pistol|knife|machete|blade)\b[^.!?\n]{0,40}\b(?:for|on|at|to|into)\s+(?:you|u|your|ya)\b",
        rf"\b(?:shoot|stab|cut)\s+(?:you|u|ya)\b{_NOT_A_MESSAGE}",
        r"\b(?:gun|knife|blade)\b[^.!?\n]{0,30}\b(?:waiting|ready|loaded|sharpened)\b",
        r"\b(?:loaded|cleaned|cleaning|sharpened|sharpening|oiled) (?:my|the|dad'?s|my dad'?s) (?:gun|shotgun|rifle|pistol|knife|knives|blade|machete)\b",
        r"\b(?:bullet|round|knife|gun|shell|petrol|acid|bat|hammer|shovel|spade|rope|grave)s?\b[^.!?\n]{0,25}?\b(?:with|has|have) (?:your|ur|her|his) name on\b|\b(?:a|one) (?:bullet|round) (?:for|with) (?:you|u|ya)\b",
        # A weapon named, then the will to use it: "the rifle's in the boot. not scared to use it".
        r"\b(?:gun|shotgun|rifle|pistol|knife|knives|blade|machete|crossbow)s?\b[^\n]{0,80}\b(?:not|never|ain'?t|aint|won'?t be)\s+"
        r"(?:afraid|scared|frightened|shy|too proud)\s+to\s+use\s+(?:it|them|one)\b(?!\s+(?:for|on|in|to|when)\b)",
    ),
    _rule(
        "strangulation", "a message mentions choking or strangling",
        r"\b(?:choke|choking|strangle|strangling|throttle)\s+(?:you|u|ya|her|the life)\b",
        r"\bhands?\s+(?:around|round|on)\s+(?:your|ur|her)\s+(?:neck|throat)\b",
        r"\bsqueeze\s+(?:the\s+)?(?:life|air)\s+out\b",
    ),
    _rule(
        "suicide_threat", "a message threatens suicide, which is also used to pull you back",
        r"\b(?:i(?:'?ll| will|'?m going to|'?m gonna)|gonna|going to)\s+(?:kill|end|hurt)\s+myself\b",
        r"\b(?:end|ending|take|taking)\s+(?:it all|my (?:own )?life)\b",
        r"\b(?:pills|rope|bridge)\s+(?:right\s+)?(?:here|ready|in front of me)\b",
        r"\bwhen i(?:'m| am)\s+(?:dead|gone)\b[^.!?\n]{0,30}\b(?:your fault|on you|sorry|happy)\b",
        r"\bit(?:'s| is| will be| ll be)\s+on\s+you\b[^.!?\n]{0,40}\b(?:die|dead|gone)\b",
        # Quiet notes and goodbyes: no threat word at all, and the gravest of messages.
        r"\bi(?:'ve| have)\s+(?:written|left)\s+(?:my\s+(?:letters|goodbyes?)|(?:my |the |some )?(?:goodbye|suicide)\s+(?:letters?|notes?))\b",
        r"\btell (?:the kids|the children|my (?:kids|children|mum|mom|dad|family)|everyone) (?:that )?i (?:always )?loved (?:them|you|her|him)\b",
        r"\bby the time (?:you|u) (?:read|get|see) this\b",
        r"\bno (?:point|reason) (?:in |to )?(?:living|going on|being alive|to live)\b",
        r"\bi (?:don'?t|do not) want to (?:live|be alive) (?:any ?more|anymore)\b",
        r"\b(?:won'?t|will not) be (?:around|here|alive) (?:much longer|any ?more)\b",
        r"\b(?:better off without me|won'?t (?:be a problem|bother you|have to (?:deal with|worry about) me) "
        r"(?:much longer|any ?more|for long))\b",
        r"\b(?:say|saying) goodbye (?:to the kids|to the children|for me)\b|\bgoodbye forever\b",
        r"\b(?:my|the) last (?:text|message|msg) (?:ever|(?:you|u)'?ll (?:ever )?get)\b",
        r"\bno (?:point|reason) (?:anymore|any more|in anything)\b",
        r"\b(?:want to|going to|gonna|will|i'?ll|might|could) (?:hurt|harm|cut) myself\b",
        r"\b(?:don'?t|do not|dont) want to be here (?:anymore|any more)\b",
        # methods
        r"\b(?:i'?d|i should|i could|i might|maybe i'?ll|i want to|i wanna|i'?m going to|i'?m gonna) (?:just )?"
        r"(?:kill|off|top|hang|shoot|drown|poison) myself\b|\b(?:off|top|hang) myself\b",
        r"\bslit (?:my|me) wrists\b|\b(?:take|taking|took) an overdose\b",
        r"\b(?:i(?:'?ll| will|'?m (?:going to|gonna))|gonna)\s+(?:drink|take|swallow|consume)\s+(?:the\s+|some\s+)?(?:rat\s+)?(?:poison|bleach|weedkiller|pesticide)\b",
        r"\b(?:stockpil\w+|hoarding|saving up) (?:my|the) (?:pills|tablets|meds)\b",
        r"\b(?:take|swallow) (?:all|every one) of (?:my|the|these) (?:pills|tablets)\b",
        r"\b(?:bullet|noose)\b[^.!?\n]{0,25}\bfor myself\b|\brope(?:'s| is)? (?:in the garage|ready|tied)\b",
        r"\bi(?:'?ll| will| might| could|'?m going to|'?m gonna)? (?:just )?(?:step|jump|throw myself) (?:in front of|off)\b",
        r"\b(?:drive|driving|crash\w*) (?:the car )?(?:into|off) (?:the |a )?(?:river|wall|tree|cliff|bridge|lake)\b",
        r"\bstood (?:at|on) the (?:edge|top) of\b",
        r"\b(?:don'?t|dont) know what i'?ll do to myself\b",
        # goodbyes and putting affairs in order
        r"\b(?:won'?t|wont|never) (?:hear from|see) me again\b",
        r"\bthis is (?:my|the) (?:last|final) (?:text|message|msg|goodbye|time (?:you|u)(?:'ll| will) hear from me)\b",
        r"\b(?:i(?:'m| am|m)\s+)?(?:going to|gonna|about to) do something (?:stupid|drastic|i can'?t take back)\b",
        r"\bi (?:just |really )?(?:want|wanna) (?:to )?die\b(?!\s+(?:of|from|laughing|lol|when|in (?:a|my|the)|at|happy|old|rich))|\bi wish i (?:was|were) (?:dead|never born)\b",
        r"\b(?:tying up|tie up) loose ends\b|\bmade my peace\b|\bsorted (?:out )?my will\b",
        r"\bfor when (?:they|you|someone) finds? me\b|\bforgive me for what i'?m (?:about|going) to do\b",
        r"\bif (?:you|u) ever read this\b|\bthe letters are written\b",
        r"\b(?:won'?t|wont|will not) (?:be (?:around|here|alive)|matter) by (?:morning|tomorrow|then)\b",
        r"\bnobody (?:would|will|'d) (?:even )?(?:notice|care|miss me) if i(?:'m| was| were) gone\b",
        r"\b(?:take|taking) myself out of the picture\b",
        r"\b(?:easier|better) for (?:all of )?(?:you|u|everyone)\b[^.!?\n]{0,20}\b(?:if i(?:'m| was| were)? "
        r"(?:gone|dead|not here)|without me|when i'?m gone)\b",
        r"\bsee (?:you|u|them|her|him|the kids) (?:one|for the) last time\b",
        r"\b(?:want(?:ed)?|wanna|needed) (?:you|u) to be the last (?:person|one|voice) i\b",
    ),
    _rule(
        "self_harm_goading", "a message urges you to harm yourself",
        r"\b(?:go\s+)?kill\s+(?:yourself|urself|ur self|your self)\b",
        r"\bkys\b",
        r"\b(?:you|u) should (?:just )?(?:die|end it|jump off|hang (?:yourself|urself)|do (?:us|everyone) a favou?r)\b",
        r"\bwhy (?:don'?t|dont) (?:you|u) (?:just )?(?:die|end it|jump off|hang (?:yourself|urself)|go jump)\b",
        r"\b(?:everyone|the world|we|the kids)(?:'d| would) be better off (?:without (?:you|u)|if (?:you|u) (?:were|was) dead|if (?:you|u) died|with (?:you|u) dead)\b",
        r"\b(?:hope|wish)\s+(?:you|u)\s+(?:die|were dead|drop dead)\b",
        r"\bdo (?:us|everyone|the world) a favou?r and (?:die|disappear|end it)\b",
    ),
    _rule(
        "stalking", "a message shows you are being followed, watched or tracked",
        r"\bi know where (?:you|u|she|he|the kids?)\s+(?:live|are|work|stay|sleep|go|park|is|parks)",
        r"\bi(?:'ve| have)?\s+(?:been\s+)?(?:watching|following)\s+(?:you|u|your)\b",
        r"\b(?:i\s+)?(?:saw|seen|watched|spotted|clocked) (?:you|u|ye|ya|yuh)\s+(?:at|with|leaving|outside|in|on|walk(?:ing)?|go(?:ing)?|drop(?:ping)?|leave|getting|coming)\b"
        r"(?!\s+(?:here|this (?:site|app|chat)|chit|the (?:app|site|tv|news|screen)|tv|insta\w*|twitter|facebook|tiktok|youtube|(?:your|ur) (?:computer|phone)))",
        r"\bi know (?:he|she|they|your \w+)(?:'s| has| have| is| are)? been (?:staying|sleeping|coming|stopping)\b",
        r"\bi followed (?:you|u)\b(?!\s+(?:on|back|at|in)\b)",
        # Showing up where the reader lives or works.
        rf"\b{_SPEAKER}\s+(?:just\s+)?(?:show|turn|rock)\s+up\s+(?:at|to|outside)\s+(?:your|ur)\s+(?:work|job|office|house|place|flat|door|parents|mum|mom|sister|brother|school|gym|church|new)",
        rf"\b{_SPEAKER}\s+(?:come|go|be)\s+(?:down\s+|round\s+|over\s+)?(?:to|at)\s+(?:your|ur)\s+(?:work|job|office|new (?:place|flat|house|job))\b",
        # Found, watched, tracked: "I found you in a day", "I'm watching you", an AirTag on the car.
        rf"\b{_SPEAKER}\s+(?:find|track|hunt)\s+(?:you|u|ya)(?:\s+down)?\s*(?:[.!]|$|(?:and|when) i do)",
        r"\bi(?:'ve| have)?\s+(?:already\s+)?found (?:out )?where (?:you|u)(?:'re| are| r) (?:staying|living|hiding)\b",
        r"\bi(?:'m| am|m)\s+(?:always\s+)?watching\s+(?:you|u)\b(?!\s+(?:play|on|online|stream|do|tomorrow|later|live|now on|from home))|\bi(?:'ll| will) (?:always )?be watching (?:you|u|who you|where you)\b",
        r"\bwatching (?:you|u)\b[^.!?\n]{0,3}[.!]?\s*(?:and\s+)?so am i\b",
        r"\bi know where (?:your|ur) (?:\w+\s+)?(?:lives|works|stays|is staying|goes|parks|sleeps)\b",
        r"\b(?:air ?tags?|trackers?|gps (?:tracker|tag)|tracking (?:device|app)|spyware|stalkerware)\b[^.!?\n]{0,40}\b(?:on|in|under)\s+(?:your|ur|the)\s+(?:car|bag|phone|coat|pram|buggy)\b",
        r"\bwho (?:was|is|'s|were) (?:that|the) (?:guy|man|woman|girl|bloke|fella|lad|dude|chick|prick|cunt|bitch)(?:\s+(?:in|with)\s+(?:the|a|that)\s+[^.!?\n]{0,25}?)?\s+(?:you|u|leaving|outside|at (?:yours|urs|your))\b",
        r"\bwho dropped (?:you|u) (?:home|off|back)\b",
        r"\b(?:drove|driving|drive|walked|went|been|go|going) (?:past|by) (?:your|ur) (?:house|place|flat|work|office|mum'?s|mom'?s|parents'?|sister'?s|new (?:place|flat|house))\b",
        r"\b(?:you|u) (?:think|thought) (?:you(?:'re| are| were)|ur|u r|u are) safe\b",
        rf"\b(?:{_WILL})\s+find\s+(?:you|u|ya)\b[^.!?\n]{{0,30}}\b(?:wherever|where ever|no matter where|anywhere you)\b",
        r"\b(?:there(?:'s| is) )?nowhere (?:for (?:you|u) )?(?:to|you can|u can) hide\b|\byou can(?:'?t|not) hide (?:from me|forever)\b",
        r"\bturn (?:your|ur)?\s*location(?: sharing)? back on\b",
        r"\bwho was (?:at|in) (?:yours|your (?:place|flat|house|apartment))\b",
        # Knowing how the reader's home is left: "still leaving the back gate unlocked I see".
        r"\b(?:leaving|leave|left|leaves)\s+(?:the|your|ur)\s+(?:back |front |side |kitchen |bedroom )?(?:door|gate|window)s?\s+(?:unlocked|open)\b[^.!?\n]{0,20}\bi (?:see|noticed|saw)\b",
        r"\b(?:parked|sat|sitting|waiting) (?:outside|across from|near|opposite) (?:your|ur) (?:house|place|flat|work|office|sister'?s|mum'?s|mom'?s|parents'?)",
        r"\blights?(?:'s| is| are| was| were)? on in (?:the|your) (?:back |front )?(?:bedroom|room|kitchen)\b",
        r"\b(?:car|van|truck|ute|bike)\s+(?:outside|parked outside|across from|opposite|near) (?:your|ur) "
        r"(?:house|place|flat|work|office|sister'?s|brother'?s|mum'?s|mom'?s|parents'?|friend'?s)",
    ),
    _rule(
        "property", "a message threatens your home, car or belongings",
        r"\b(?:burn|torch|smash|trash|wreck)\s+(?:your|ur|the)\s+(?:house|car|place|flat|home|stuff)\b",
        r"\bshame if (?:anything|something) happened to\b",
        r"\bset\s+(?:fire\s+to|alight)\s+(?:your|ur|the)\s+(?:house|car|place|flat|home)\b|\bset\s+(?:your|ur)\s+(?:house|car|place|flat|home)\s+(?:on fire|alight)\b",
        r"\bburn\s+(?:it|the (?:place|house)|your (?:place|house))\s+down\s+with\s+(?:you|u|ya|the kids|them)\b",
        r"\b(?:house|car|place) (?:would |could )?(?:catch|caught) fire\b",
        r"\bblow\s+(?:up\s+(?:your|ur)\s+(?:car|house|flat|place|home)|(?:your|ur)\s+(?:car|house|flat|place|home)\s+up)\b",
        r"\b(?:slash|slashed|slashing)\s+(?:your|ur)\s+(?:tyres|tires)\b|\bcut\s+(?:your|ur)\s+brake(?:\s*lines?|s|\s*cables?)\b",
        r"\b(?:smash|smashed|kick|kicked)\s+(?:(?:all|every one of)\s+)?(?:your|ur)\s+(?:windows|windscreen|windshield)(?:\s+in)?\b",
    ),
    _rule(
        "intimidation", "a message threatens you with harm or revenge",
        r"\b(?:look(?:ing)?|watch(?:ing)?) over (?:your|ur) shoulders?\b",
        r"\bwatch (?:your|ur) back\b(?![^.!?\n]{0,40}\b(?:mario ?kart|fortnite|quiz|crown|title|trophy|record|high score|streak|top spot|rematch|next round)\b)",
        # The grammar: speaker + (intensifier) + a hurting verb or phrase + whom.
        rf"\b{_SPEAKER}\s+{_INTENSIFIER}(?:{_HURT}\s+{_TARGET}\b{_NOT_AFTER_HARM}|{_HARM_PHRASE}){_NOT_A_GAME}",
        r"\bsleep with one eye open\b",
        r"\bthis (?:is(?:n'?t| not)|ain'?t|aint) over\W{0,3}\s*not by a long (?:shot|way|chalk)\b",
        r"\b(?:see|watch) what happens to (?:you|u|her|him|the kids)\b|\bor (?:else )?(?:you(?:'ll| will) )?see what happens\b",
        r"\b(?:you(?:'re| are|'ll be| will be)|ur|u r|don'?t be)\s+next\s*[.!]*\s*$",
        r"\bif (?:i|mi|me|ah) (?:can'?t|cant|cannot|cyaan|cyan|caan) have (?:you|u|yuh|ya|ye),?\s+(?:then\s+)?(?:no ?one|nobody|no-one|nuh ?body|no other (?:man|woman))\b",
        # Getting home as the thing in doubt: "see you at court on the 9th. we'll see if you make it home after".
        r"\b(?:we'?ll|we will|let'?s) see (?:if|whether) (?:you|u|ya) (?:make it|get) (?:home|back)\b(?!\s+(?:before|by|in time|for|on time))",
        # A pet or child held as the stake: "Biscuit's with me now. Whether he stays alive is up to you."
        r"\b(?:whether|if) (?:he|she|they|the (?:dog|cat|kids?|children|baby)|(?!(?:it|this|that|one)\b)\w+) (?:stays?|lives?|survives?) (?:alive )?(?:is|'s) (?:up to|on) (?:you|u)\b",
        r"\b(?:you|u) (?:don'?t|dont|do not) know what i(?:'m| am|m) capable of\b|\b(?:you|u) have no idea what i(?:'m| am|m) capable of\b",
        r"\b(?:can'?t|cannot|won'?t) (?:promise|be (?:held )?responsible for) what i(?:'ll| will| might)? do\b",
        r"\b(?:don'?t|dont|do not) (?:make|push) me (?:do something (?:i|you)(?:'ll| will|'d| would) regret|hurt (?:you|u)|find (?:you|u))",
        r"\b(?:you(?:'ll| will)|you(?:'re| are) (?:going|gonna) to?)\s+(?:wish|be wishing) (?:you|u) (?:were|was) (?:dead|never born)\b",
        r"\b(?:you(?:'ll| will)|you(?:'re| are) (?:going|gonna) to?)\s+end up (?:dead|in (?:a|the) (?:ditch|hospital|morgue|ground|grave|river|box|body bag))\b",
        r"\bsay (?:your|ur) prayers\b|\b(?:your|ur) (?:time|days) (?:is|are) (?:up|coming)\b",
        r"\b(?:your|ur) days are numbered\b",
        r"\bthere(?:'ll| will| is going to| is gonna)\s+be\s+a\s+reckoning\b",
        r"\bhope\s+(?:you|u|he|she|(?:your|ur|the)\s+(?:new\s+)?(?:man|guy|fella|bloke|boyfriend|girlfriend|bf|gf|partner|lover|woman))"
        r"(?:'ve|'s| has| have| has got| have got|'ve got|'s got)?\s+(?:got\s+)?(?:good|decent)\s+(?:health\s+|life\s+|medical\s+)?insurance\b",
        # Someone else sent: "my brother will sort you out", "the boys will pay you a visit".
        r"\b(?:my|his|her)\s+(?:brothers?|cousins?|mates|boys|lads|people|uncles?|crew|friends)\b[^.!?\n]{0,30}\b(?:will|'ll|are going to|is going to|gonna|wanna|want to|wants to)\s+"
        r"(?:sort\s+(?:you|u|ya)\s+out|deal\s+with\s+(?:you|u|ya)\b(?!\s+(?:later|tomorrow|on|at|about))|pay\s+(?:you|u|ya)\s+a\s+(?:little\s+)?visit|have\s+a\s+(?:little\s+)?word\s+with\s+(?:you|u|ya|him|her))",
        r"\bwon'?t know what hit (?:you|u|ya)\b",
        r"\b(?:you'?ll|you will|you(?:'re| are) (?:going|gonna) to?) (?:pay for|regret) (?:this|that|it)\b",
        r"\b(?:restraining|protective|protection|court|non-molestation) order\b[^.!?\n]{0,60}\b(?:won'?t|isn'?t going to|can'?t|doesn'?t) (?:stop|protect|save|keep)\b",
        r"\b(?:restraining|protective|protection) order\b[^.!?\n]{0,40}\bpiece of paper\b",
        rf"\b{_SPEAKER}\s+get\s+(?:you|u|ya)\s+for\s+(?:this|that)\s*(?:[.!,]|$)",
        r"\b(?:your|ur)\s+(?:last|final)\s+warning\s*(?:[.!]|$)",
        r"\btake\s+(?:you|u|ya|the kids|everyone|you all)\s+(?:all\s+)?down\s+with\s+me\s*(?:[.!,]|$)"
        r"|\bif\s+i\s+(?:go|going)\s+down\s*,?\s+(?:you(?:'re| are)|ur|u r|you(?:'ll| will))\s+(?:be\s+)?(?:coming|going)\s+(?:down\s+)?with\s+me\b",
        rf"\b{_SPEAKER}\s+have\s+(?:you|u|ya|him|her)\s+(?:killed|beaten up|battered)\b",
        r"\bdrag\s+(?:you|u|ya|her)\s+(?:out\s+)?by\s+(?:your|ur|her)\s+hair\b",
        # Beatings and injuries: the speaker or "you" as the one it happens to, never a game
        # ("I'll beat you at chess", "hit you up" are left out on purpose).
        r"\b(?:beat|kick|knock|punch|slap)\s+the\s+(?:shit|hell|crap|fuck|living (?:shit|daylights)|life|taste)\s+out\s+of\s+(?:you|u|ya)\b",
        r"\b(?:i(?:'?ll| will|'?m (?:going to|gonna))|gonna)\s+(?:fucking\s+)?(?:punch|slap|batter|bash|deck|thump|glass|knock out)\s+(?:you|u|ya)\b",
        r"\bf(?:uck|\*+k|\*+|ck)(?:ing)?\s+(?:you|u|ya)\s+up\b",
        rf"\b{_SPEAKER}\s+(?:\w+\s+)?(?:break|snap)\s+(?:your|ur|every bone in your)\s*(?:neck|legs?|arms?|face|jaw|nose|skull|fingers|teeth|body)\b",
        r"\b(?:smash|bash|cave|kick|knock)\s+(?:your|ur)\s+(?:face|head|skull|teeth)\s+in\b",
        r"\bput\s+(?:you|u|ya)\s+in\s+(?:the|a)\s+(?:hospital|ground|grave|wheelchair|coffin|morgue)\b",
        r"\b(?:bullets?|a round)\s+(?:in|into|through|between)\s+(?:your|ur)\b|\bblow\s+(?:your|ur)\s+(?:brains|head|face)\s+(?:out|off)\b",
        r"\b(?:acid|petrol|gasoline|lighter fluid)\b[^.!?\n]{0,30}\b(?:your|ur)\s+(?:face|house|car|door|place|flat)\b",
        r"\b(?:someone|somebody|you)(?:'s| is|'re| are)?\s+(?:going to|gonna)\s+get\s+(?:hurt|killed|seriously hurt)\b",
        r"\byou(?:'ll| will)\s+get\s+what(?:'s| is)\s+coming(?:\s+to\s+(?:you|u))?\b",
        r"\b(?:when|wait (?:till|until))\s+i\s+get\s+my\s+hands\s+on\s+(?:you|u|ya)\b",
        r"\b(?:you|u)\s+(?:won'?t|wont|will never)\s+see\s+(?:it|me)\s+coming\b",
        r"\bi(?:'?ll| will|'?m (?:going to|gonna))\s+make\s+(?:you|u)\s+(?:pay(?!\s+(?:me\s+|it\s+)?(?:back|half|up|rent|for (?:the|your|my|half|it)\b))|suffer|bleed)\b",
    ),
    _rule(
        "past_violence", "a message excuses or threatens a repeat of violence",
        r"\b(?:you can|u can) (?:handle|take) a (?:few|couple of) (?:slaps|hits|punches|smacks)\b",
        r"\b(?:remember|like) (?:last time|what happened last time)\b[^.!?\n]{0,40}\b(?:hit|slap|hurt|bruise|hospital)\b",
    ),
)


_NEGATED = re.compile(r"\b(?:never|not|didn'?t|don'?t|wouldn'?t|won'?t|no one said|nobody said)\b[^.!?\n]{0,12}$", re.I)


def danger_flags(text: str) -> list[DangerFlag]:
    out = []
    for rule in DANGER_RULES:
        for m in rule.pattern.finditer(text):
            if _NEGATED.search(text, max(0, m.start() - 30), m.start()):
                continue  # "I never said I'd kill myself" reports, it does not threaten
            out.append(DangerFlag(rule.sign, rule.why, m.group(), m.start(), m.end()))
    return out


def _cues(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


# tactic -> words that show it. Only tactics whose label the model gave are reported.
TACTIC_CUES: dict[str, re.Pattern[str]] = {
    "name calling": _cues(
        r"\b(?:you(?:'re| are| r)|ur|such an?|you)\s+(?:\w+\s+){0,2}(?:idiot|moron|loser|bitch|slut|whore|cunt|psycho|nutcase|failure|waste of space|pig|cow|retard|joke|disgrace|excuse for)",
        r"\b(?:useless|pathetic|worthless|stupid|lazy|fat|ugly|disgusting)\s+(?:\w+\s+)?(?:mother|father|mum|mom|dad|parent|wife|husband|woman|man|cow|bitch|cunt|idiot|piece)",
    ),
    "ordering": _cues(
        r"\banswer (?:me|your phone|the phone)\b", r"\bstop ignoring me\b", r"\bcall me\b[^.!?\n]{0,10}\bnow\b",
        r"\bpick up (?:the|your) (?:phone|fucking phone)\b", r"\b(?:do|you will do) (?:as|what) (?:i say|you'?re told)\b",
        r"\bshut (?:up|your mouth)\b", r"\bkeep your mouth shut\b",
    ),
    "abusive anger": _cues(r"\b[A-Z]{4,}(?:\s+[A-Z]{2,}){3,}\b", r"\bf+u+c+k+(?:ing)?\b", r"!!!+"),
    "abuse disguised as jokes": _cues(r"\b(?:only|just) (?:joking|kidding|a joke)\b", r"\bcan'?t take a joke\b", r"\blighten up\b", r"\blol\b[^.!?\n]{0,30}\b(?:stupid|fat|useless|crazy)\b"),
    "trivialising": _cues(r"\b(?:overreacting|too sensitive|making a (?:big )?(?:deal|drama|scene)|drama queen|get over it)\b"),
    "judging and criticising": _cues(r"\b(?:you(?:'re| are)?|ur) (?:always|never)\b", r"\bwhat kind of (?:mother|father|parent|person)\b", r"\bno wonder\b"),
    "accusing and blaming": _cues(r"\b(?:your fault|you made me|because of you|look what you(?:'ve)? (?:made|done))\b"),
    "denial": _cues(r"\bthat never happened\b", r"\bi never (?:said|did|touched)\b", r"\bi didn'?t do anything\b"),
    "gaslighting": _cues(
        r"\bthat never happened\b", r"\byou(?:'re| are)\s+(?:crazy|insane|imagining|delusional|making (?:it|things|this) up|remembering it wrong|losing it|mental)\b",
        r"\bno one will believe you\b", r"\byou need (?:help|therapy|to see someone)\b",
    ),
    "guilt-tripping": _cues(
        r"\bafter (?:all|everything) (?:i(?:'ve)?|i have) (?:done|did|given|sacrificed)\b", r"\bhow could you\b",
        r"\b(?:the kids|they) (?:cry|cried|keep asking) (?:for|about) (?:you|their)\b", r"\bi hope you(?:'re| are) happy\b",
        r"\byou(?:'re| are) (?:breaking|tearing) (?:this|our) family\b",
    ),
    "playing the victim": _cues(r"\b(?:poor me|i(?:'m| am) the (?:one|victim) (?:who|here)|nobody cares about me|i have no one)\b"),
    "DARVO": _cues(r"\byou(?:'re| are) the (?:abuser|abusive one|real abuser|crazy one|problem)\b", r"\bi(?:'m| am) the (?:real )?victim\b"),
    "triangulation": _cues(r"\b(?:my new|new) (?:girlfriend|boyfriend|partner|wife|husband)\b", r"\b(?:she|he) (?:never|would never|actually)\b[^.!?\n]{0,30}\b(?:like you|unlike you)\b", r"\bthe kids (?:prefer|like|love) (?:her|him|me)\b"),
    "smearing": _cues(r"\beveryone (?:knows|agrees|thinks|can see|says)\b", r"\bi(?:'ve| have)? told (?:everyone|the school|your (?:boss|family|parents|friends)|the teachers?)\b"),
    "love-bombing": _cues(r"\bi (?:miss|love) (?:you|us|u)\b", r"\b(?:can'?t|cannot) stop thinking about (?:you|us)\b", r"\bsoul ?mate\b", r"\b(?:the )?love of my life\b", r"\bfor old times\b", r"❤|😘|💕|💔"),
    "future-faking": _cues(r"\bi(?:'ve| have)? changed\b", r"\b(?:i(?:'ll| will)|we(?:'ll| will|could)) (?:change|be different|start over|get married|buy a house|go to therapy)\b", r"\bthis time (?:it(?:'ll| will) be|i promise)\b"),
    "pretext contact": _cues(r"\b(?:your|ur) (?:stuff|things|box|post|mail|letters?|jumper|charger)\b", r"\bjust (?:one )?(?:coffee|drink|chat|talk)\b", r"\b(?:birthday|anniversary)\b"),
    "threatening": _cues(r"\b(?:you'?ll|you will) (?:regret|be sorry|pay)\b", r"\bwatch your back\b", r"\bor else\b", r"\bif you (?:take|leave|go|call|tell)\b"),
}


def tactic_cues(text: str, tactics: Iterable[str] | None = None) -> dict[str, str]:
    """tactic -> the first words that show it (of `tactics`, or of all)."""
    found = {}
    for tactic in TACTIC_CUES if tactics is None else tactics:
        pattern = TACTIC_CUES.get(tactic)
        m = pattern.search(text) if pattern else None
        if m:
            found[tactic] = m.group()
    return found
