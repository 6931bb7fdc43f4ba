"""The danger phrases: each sign on the words that carry it, and benign look-alikes left alone.

Written for greyrock (invented messages). How often the phrases fire on real everyday chat is
measured by bench/danger_rules.py (0.024% of 132,066 turns), not here.
"""

from __future__ import annotations

import pytest

from greyrock.screen._rules import danger_flags


def signs(text: str) -> list[str]:
    return sorted({f.sign for f in danger_flags(text)})


@pytest.mark.parametrize(("text", "sign"), [
    ("I'll kill your dog if you don't answer", "threat_to_kill"),
    ("im gonna hurt u", "intimidation"),
    ("I'm coming for you. Tonight.", "threat_to_kill"),
    ("if you ever take the kids from me nobody will find you", "threat_to_kill"),
    ("If you call the police I will find you.", "threat_to_kill"),
    ("There's no point anymore. I've written my letters. Tell the kids I loved them", "suicide_threat"),
    ("by the time you read this it won't matter", "suicide_threat"),
    ("no point in living without you", "suicide_threat"),
    ("i dont want to live anymore and you know why", "suicide_threat"),
    ("I won't be around much longer, remember that", "suicide_threat"),
    ("keep pushing and I'll beat the shit out of you", "intimidation"),
    ("im gonna fuckin f*** u up when i see u", "intimidation"),
    ("I'll break every bone in your body", "intimidation"),
    ("one more word and I'll put you in the hospital", "intimidation"),
    ("Somebody is going to get hurt if you keep this up", "intimidation"),
    ("You'll get what's coming to you.", "intimidation"),
    ("wait till I get my hands on you", "intimidation"),
    ("I'll make you pay for every day you kept her from me", "intimidation"),
    ("I should of killed you when I had the chance", "threat_to_kill"),
    ("imma kill u and him", "threat_to_kill"),
    ("you are going to die for what you did", "threat_to_kill"),
    ("tell him hes dead meat", "threat_to_kill"),
    ("your new boyfriend is a dead man", "threat_to_kill"),
    ("you'll never see the kids alive", "threat_to_kill"),
    ("I'm going to run you off the road", "threat_to_kill"),
    ("I will find you wherever you go", "stalking"),
    ("theres nowhere to hide", "stalking"),
    ("I'll set fire to your house with you in it", "property"),
    ("I'll burn the place down with you in it", "property"),
    # The grammar: speaker + harm + whom, in the spellings texts use.
    ("i swear to god ill fucking stab u", "threat_to_kill"),
    ("Imma murder that bitch you're seeing", "threat_to_kill"),
    ("I'm going to kill him. Tell him that.", "threat_to_kill"),
    ("gonna strangle your new boyfriend", "threat_to_kill"),
    ("I will personally batter you", "intimidation"),
    ("im gonna beat ur ass when i see u", "intimidation"),
    ("I'll put you in the ground", "intimidation"),
    ("I'm going to make you suffer", "intimidation"),
    ("I'll hunt you down", "intimidation"),
    ("I'll track you down.", "stalking"),
    ("I know where your sister lives", "stalking"),
    ("God is watching you. So am I.", "stalking"),
    ("I put an AirTag on your car months ago", "stalking"),
    ("who was that guy leaving yours at 2am", "stalking"),
    ("drove past your mum's last night", "stalking"),
    ("U THINK UR SAFE AT UR MUMS?? THINK AGAIN", "stalking"),
    ("I'll turn up at your work and tell everyone", "stalking"),
    ("if i can't have you, nobody can", "intimidation"),
    ("You don't know what I'm capable of", "intimidation"),
    ("keep walking round town like you own it and see what happens to you", "intimidation"),
    ("Don't be next.", "intimidation"),
    ("this aint over. not by a long shot", "intimidation"),
    ("just cleaned my dad's shotgun", "weapon"),
    ("there's a bullet with your name on it", "weapon"),
    ("This is the last message you'll get. Goodbye.", "suicide_threat"),
    ("im about to do something stupid", "suicide_threat"),
    ("you should just end it, the kids would be better off", "self_harm_goading"),
    ("why dont u just jump off something", "self_harm_goading"),
    ("I'll kill you lol", "threat_to_kill"),  # a laugh does not make it a joke
    ("ye think ye can walk away? ah'll batter ye", "intimidation"),
    ("ahm gonnae kill ye", "threat_to_kill"),
    ("Mi a go deal wid yuh", "intimidation"),
    ("I go kill you", "threat_to_kill"),
    ("got my brother's shotgun in the garage and im not afraid to use it", "weapon"),
    ("I just wanted you to be the last one I talked to", "suicide_threat"),
    ("you still leave the side door unlocked at night i see", "stalking"),
    ("there will be a reckoning for what you did", "intimidation"),
    ("hope your new boyfriend has good life insurance", "intimidation"),
    ("my cousins are going to pay you a visit", "intimidation"),
    ("seen ya leaving the gym at 6 again", "stalking"),
    ("if mi cyaan have yuh, nobody nah go have yuh", "intimidation"),
    ("see you at court on the 9th. we'll see if you make it home after", "intimidation"),
    ("Biscuit's with me now. Whether he stays alive is up to you.", "intimidation"),
    ("If you dont come back by Diwali I will consume poison", "suicide_threat"),
    ("Should of finished it that night in the kitchen when I had the chance", "threat_to_kill"),
    ("who was the fella in the grey hoodie leaving yours at midnight", "stalking"),
    ("theres a bottle of petrol in my boot with your name on it", "weapon"),
])
def test_a_danger_phrase_is_found(text: str, sign: str) -> None:
    assert sign in signs(text)


@pytest.mark.parametrize("text", [
    "I will end up seeing it at the cinema anyway",  # "end u" is not "end you"
    "I'm gonna end up late, start without me",
    "We'll kill it at the interview tomorrow!",
    "I'm coming for the kids at 5, have their bags ready",
    "I'm coming for you at 6, be ready",  # a lift
    "we'll see if you make it home before the rain lol",
    "whether it survives is up to you now, I've watered it twice",  # a plant
    "I should have finished it yesterday, the essay's due at 9",
    "there's a pint with your name on it at the bar",
    "tell the kids I love them and I'll see them Saturday",
    "I've written the letters to the school about the trip",
    "no point going to the park if it's raining",
    "I won't be around tomorrow morning, dentist at 9",
    "I'm gonna beat you at chess this time",
    "I'll hit you up when I'm off work",
    "careful on those stairs, you'll break your neck",
    "the kids will get hurt feelings if you miss the play",
    "I'll make you pay me back for the tickets later lol",
    "I'll shoot you a text when I'm leaving",
    "you're gonna die laughing at this video",
    "i should have told you sooner, sorry",
    "I saw you on the news! the school play looked great",
    "I'll find you at the school gate, blue coat",
    "you are dead to me lol jk",
    # Games, messages, courts and figures of speech the grammar must leave alone.
    "I'm gonna destroy you at Mario Kart tonight",
    "I'll beat you to it, leaving now",
    "I'll burn you a copy of the photos",
    "he'll bury you in paperwork, that solicitor",
    "I'd never stab you in the back, you know that",
    "I'll take you out for lunch on your birthday",
    "I'm not going to hurt you, I just want to talk to a mediator",
    "I'll hurt her feelings if I don't go",
    "Yay I found you! the chat closed on me",
    "let's freeze it and see what happens",
    "when you're next over the kids want to show you the lego",
    "I'll be watching the game with the kids tonight",
    "I followed you on insta",
    "I'll deal with you later, boss wants the report",
    "I go to school with you",
    "Why wait until you're dead to enjoy it?",
    "I'll come to your house at 5 to get the kids",
    "the new knife is lethal, not afraid to use it on the pumpkins though",
    "my brothers will sort out the van on Saturday",
    "my mates want to deal with the booking, is that ok",
    "hope you've got travel insurance for the trip",
    "left the back door open for the cat, see you later",
    "ill shoot u the school pickup times tonight",
    "I will shoot you a quick text when I land",
    "he'll shoot you a dirty look but ignore him",
])
def test_benign_look_alikes_are_left_alone(text: str) -> None:
    assert signs(text) == []
