"""Replying when contact can't be avoided: drafts, a tone check, and a call script.

    advice = reply.advise(text, finding)       # "reply" with drafts, or "no_reply" and why
    advice.safety                              # lure, whereabouts, consent, suicide, threat notes
    report = reply.check("Sorry, I was late because ...")   # flags and a grey-rock rewrite
    reply.pending(case)                          # unanswered messages that need a reply
    reply.add_call_note(case, answers)           # a phone call filed in the journal

Drafts are templates filled with the message's own times, dates and amounts; the tone
check is phrase rules read clause by clause, so every flag shows its words and its
reason. Both are meant for the reader to edit and send, or not: the tool suggests, the
reader decides.
"""

from __future__ import annotations

from ._call import CALL_SCRIPT, NOTE_QUESTIONS, NoteQuestion, ScriptStep, add_call_note, call_note_entry
from ._drafts import Advice, Draft, advise, build_drafts
from ._facts import FactPhrase, Request, fact_phrases, read_request, topic_of
from ._pending import PendingReply, pending
from ._risks import SAFETY_KINDS, SafetyNote, find_risks
from ._tone import KINDS, MAX_SENTENCES, MAX_WORDS, ToneFlag, ToneReport, check, find_flags, rewrite

__all__ = [
    "Advice",
    "CALL_SCRIPT",
    "Draft",
    "FactPhrase",
    "KINDS",
    "MAX_SENTENCES",
    "MAX_WORDS",
    "NOTE_QUESTIONS",
    "NoteQuestion",
    "PendingReply",
    "Request",
    "SAFETY_KINDS",
    "SafetyNote",
    "ScriptStep",
    "ToneFlag",
    "ToneReport",
    "add_call_note",
    "advise",
    "build_drafts",
    "call_note_entry",
    "check",
    "fact_phrases",
    "find_flags",
    "find_risks",
    "pending",
    "read_request",
    "rewrite",
    "topic_of",
]
