"""What a safety plan covers: the phases advocates name, the sections, the checklist items.

The content follows the safety-planning guidance that domestic-violence services publish
(the US National Domestic Violence Hotline, Women's Aid, Refuge, 1800RESPECT): a plan for
each of three phases, because what keeps a person safe while still living with the other
person is different from what keeps them safe while preparing to leave, or after leaving.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PHASES", "ROLES", "SECTIONS", "Item", "Phase", "Section", "TECH_WARNING"]


@dataclass(frozen=True, slots=True)
class Phase:
    id: str
    title: str


PHASES: tuple[Phase, ...] = (
    Phase("living_together", "Still living together"),
    Phase("preparing_to_leave", "Preparing to leave"),
    Phase("after_leaving", "After leaving"),
)


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to have ready or done; the reader ticks it off."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the plan: why it matters, what to tick off, and a tip for each phase."""

    id: str
    title: str
    why: str
    items: tuple[Item, ...]
    tips: dict[str, str]


# The support team's roles: who to have on your side, and what each can do.
ROLES: tuple[tuple[str, str], ...] = (
    ("advocate", "Domestic-violence advocate"),
    ("trusted_person", "Trusted person (friend, family, neighbour)"),
    ("lawyer", "Lawyer"),
    ("counsellor", "Counsellor or doctor"),
    ("work", "Someone at work"),
)

TECH_WARNING = (
    "Sudden changes can alert the other person that you are planning to leave. If they check your phone or "
    "accounts, talk to an advocate first about which changes to make and when; it can be safer to leave a "
    "watched device as it is and use a safe one for anything private."
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "support_team", "Your support team",
        "People who know what is happening and can act when you need them, and a code word that means "
        "'I need help now: call the police' or 'come and get me'.",
        (
            Item("told_someone", "At least one trusted person knows what is happening"),
            Item("code_word_agreed", "A code word or signal is agreed with them, and what they should do"),
            Item("advocate_contacted", "I have talked to a domestic-violence advocate"),
        ),
        {
            "living_together": "Tell at least one person you trust. Agree a code word or signal (a text, a light "
                               "left on) that means 'call the police'.",
            "preparing_to_leave": "Plan the day you leave with an advocate. Agree where you will stay and who can "
                                  "come with you to collect your things.",
            "after_leaving": "Tell someone at work and a neighbour what to do if the other person turns up. Keep "
                             "in touch with your advocate.",
        },
    ),
    Section(
        "safe_places", "Safe places and routes",
        "Where you can go at any hour, and how you get there, worked out before you need it.",
        (
            Item("safe_room", "A room at home with a way out and a phone, away from the kitchen, garage, bathroom "
                              "and anywhere with weapons"),
            Item("place_to_go", "A place I can go at any hour (a friend, family, a shelter)"),
            Item("route", "A way out of the home and a route to that place"),
            Item("public_places", "Busy places near home and work where I can wait for help"),
        ),
        {
            "living_together": "If an argument starts, move to a room with a way out. Stay away from the kitchen, "
                               "bathroom and garage, and from anywhere with weapons.",
            "preparing_to_leave": "Know how you will get out (doors, windows, stairs) and where you will go. If "
                                  "you can, leave when the other person is not there.",
            "after_leaving": "Vary your routes and times to work, school and shops. Know the nearest police "
                             "station and the places that are open late.",
        },
    ),
    Section(
        "emergency_bag", "Emergency bag and documents",
        "What you need if you have to leave in a hurry, kept where you can reach it and they cannot.",
        (
            Item("ids", "ID cards and driving licence"),
            Item("passports", "Passports (mine and the children's), visas and immigration papers"),
            Item("birth_certificates", "Birth certificates"),
            Item("court_orders", "Court orders (protective orders, custody, divorce papers)"),
            Item("bank", "Bank cards, account details and a cheque book"),
            Item("medication", "Medication and prescriptions"),
            Item("keys", "Keys: home, car, work"),
            Item("chargers", "Phone and chargers"),
            Item("money", "Some cash"),
            Item("numbers", "Important numbers written on paper, in case my phone is taken"),
        ),
        {
            "living_together": "Keep copies of documents, a spare key and some money with someone you trust, or "
                               "hidden where the other person will not look.",
            "preparing_to_leave": "Pack the bag little by little and, if you can, keep it outside the home.",
            "after_leaving": "Replace what you could not take: an advocate can help with new documents.",
        },
    ),
    Section(
        "children_pets", "Children and pets",
        "Keeping the children and animals safe, and making sure they can come with you.",
        (
            Item("children_know", "The children know how to call for help and where to go (a neighbour, a safe "
                                  "room)"),
            Item("school_told", "The school or nursery knows who may and may not collect the children"),
            Item("children_things", "The children's documents, medication and a comfort toy are in the bag"),
            Item("pets_place", "A place for the pets (many shelters and services can help arrange one)"),
            Item("pets_papers", "Pet registration, vaccination and vet papers"),
        ),
        {
            "living_together": "Teach the children not to step in between, and how to call the emergency number.",
            "preparing_to_leave": "Talk to an advocate or a lawyer about the children before you leave, with or "
                                  "without them: it can matter for custody.",
            "after_leaving": "Give the school a copy of any court order, and a photo of the other person if they "
                             "must not collect the children.",
        },
    ),
    Section(
        "protective_orders", "Protective or restraining orders",
        "A court order can forbid the other person to contact you or come near you; breaking it is an offence "
        "in many places.",
        (
            Item("asked", "I have asked an advocate or lawyer about a protective or restraining order"),
            Item("copies", "Copies of the order are with me, at work and at the children's school"),
            Item("breaches", "Every breach is written down (greyrock journal) and reported to the police"),
        ),
        {
            "living_together": "In some places an order can be made while you still live together; an advocate "
                               "can tell you what is possible where you live.",
            "preparing_to_leave": "Ask an advocate whether to apply before you leave, on the day, or after.",
            "after_leaving": "Carry a copy of the order, and report every breach.",
        },
    ),
    Section(
        "moving", "Moving away",
        "Keeping a new address away from the other person.",
        (
            Item("address_programme", "I have asked about an address-confidentiality programme (a substitute "
                                      "address for official records)"),
            Item("school", "The children's school or nursery knows what not to share, and with whom"),
            Item("employer", "My employer knows what to do if the other person calls or comes"),
            Item("post", "Post is redirected, and the new address is kept off shared accounts, orders and "
                         "social media"),
            Item("records", "The doctor, bank and others are asked not to share the new address"),
        ),
        {
            "living_together": "Start thinking about where you could go; an advocate or a shelter can help.",
            "preparing_to_leave": "Keep the new address out of shared accounts, bills and anything the other "
                                  "person can see.",
            "after_leaving": "Ask about an address-confidentiality programme where you live, and tell the school "
                             "and your employer who must not be given information.",
        },
    ),
    Section(
        "technology", "Technology safety",
        "Phones, accounts and devices can show the other person where you are and what you plan. "
        + TECH_WARNING,
        (
            Item("location", "Location sharing checked (phone, maps, family sharing, photos, the car, trackers "
                             "such as AirTags)"),
            Item("cloud", "Shared cloud accounts checked (photos, e-mail, backups, Apple or Google account)"),
            Item("devices", "Linked devices and sessions checked (messaging apps' linked devices, tablets, smart "
                            "speakers, the car)"),
            Item("stalkerware", "Phone checked for stalkerware, with an advocate's help if needed"),
            Item("passwords", "Passwords and security questions changed from a safe device the other person has "
                              "never touched"),
            Item("safe_device", "A safe device (or a phone) that the other person does not know about"),
        ),
        {
            "living_together": "Assume your phone and accounts may be watched. Look for help from a safe device "
                               "(a friend's phone, a library computer).",
            "preparing_to_leave": "Make the changes from a safe device, close to when you leave, and only after "
                                  "talking it over with an advocate.",
            "after_leaving": "Change passwords and turn on two-step sign-in from a safe device. Check your bag, "
                             "car and the children's things for trackers.",
        },
    ),
)
