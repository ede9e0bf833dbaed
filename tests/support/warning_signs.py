"""Messages that name each warning sign, as a parent might type them, in both languages: the
domain test reads them with `warning_sign_in`, the handler test sends them to the bot."""

from __future__ import annotations

SIGN_MESSAGES: dict[str, dict[str, list[str]]] = {
    "self_harm": {
        "en": ["they'd be better off without me", "i keep thinking about hurting myself"],
        "nb": ["de hadde hatt det bedre uten meg", "tenker på å gjøre slutt på alt"],
    },
    "fever": {
        "en": ["I have a fever and my breast hurts", "running a fever since last night"],
        "nb": ["jeg har feber og vondt i brystet", "fikk feber i natt, skal jeg fortsatt pumpe"],
    },
    "mastitis": {
        "en": ["i think i have mastitis", "clogged duct again"],
        "nb": ["tror jeg har brystbetennelse", "har en tett melkegang"],
    },
    "breast_area": {
        "en": ["my left breast is red and hot", "there is a hard lump in my breast"],
        "nb": ["brystet er rødt og varmt", "har fått en kul i brystet"],
    },
    "feeling_ill": {
        "en": ["i feel really ill, like i have the flu", "feeling unwell and achy all over"],
        "nb": ["føler meg syk, som influensa", "jeg føler meg så dårlig i dag"],
    },
    "pus": {
        "en": ["there is pus in my milk", "is pus in pumped milk ok"],
        "nb": ["det er puss i melken", "puss i melka, hva gjør jeg"],
    },
    "blood_keeps_coming": {
        "en": ["blood in my milk again today", "still blood in the milk after 3 days"],
        "nb": ["blod i melken igjen", "det er fortsatt blod i melken"],
    },
    "low_mood": {
        "en": ["I'm so depressed", "i cant do this anymore"],
        "nb": ["jeg er så deprimert", "orker ikke mer"],
    },
    "supply_drop": {
        "en": [
            "my supply dropped a lot even though i pump every 3 hours",
            "my milk went down by half despite pumping regularly",
            "my supply dropped by half this week and I exclusively pump",
        ],
        "nb": [
            "produksjonen har sunket mye selv om jeg pumper jevnlig",
            "melken har gått ned selv om jeg pumper hver 3. time",
            "jeg fullpumper og mengden har sunket til det halve",
        ],
    },
}
