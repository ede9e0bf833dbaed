"""Quick tips: the topics (every word a user reads lives in the catalogues), the menu's
groups, and milk for time away. Which topic a free-text message asks about is the trained
model's job (`bot.domain.understanding`), warning signs are `bot.domain.warnings`'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from bot.domain.timetext import parse_duration
from bot.domain.units import Unit, ml_to_unit, unit_to_ml
from bot.text.i18n import N_


@dataclass(frozen=True)
class Topic:
    """One tip. `title`, `body` and `care` are catalogue messages."""

    id: str
    icon: str
    title: str
    body: str
    related: tuple[str, ...]
    care: str | None = None


# One closing line pointing to the people who can look at the situation in person.
# TRANSLATORS: source: pumping-guide-nb.txt: "I slike situasjoner er det viktig å følge med"
CARE_HEALTH_VISITOR = N_("If you are unsure, talk to your health visitor.")
# TRANSLATORS: source: pumping-guide-nb.txt: "Husk at du har rett til veiledning og oppfølging"
CARE_LACTATION = N_(
    "A lactation consultant or your health visitor can look at this together with you."
)
# TRANSLATORS: source: pumping-guide-nb.txt: "Husk at du har rett til veiledning og oppfølging"
CARE_RIGHT = N_(
    "You have a right to follow-up from health personnel who know breastfeeding, also when "
    "you pump."
)
# The help lines of the warning signs (`bot.domain.warnings`): each names the signs and the
# people to contact, so a parent with one of them is never left with reassurance alone.
# TRANSLATORS: source: pumping-guide-nb.txt: "Ta kontakt med lege dersom det skjer flere ganger"
# TRANSLATORS: source: mastitis.md: "Pus in the milk, or a painful swelling"
# TRANSLATORS: source: mastitis.md: "With these signs, contact a doctor"
CARE_DOCTOR = N_(
    "Contact a doctor if blood comes several times or with pain or discomfort, or if you see "
    "pus. Your health visitor or the maternity ward can help too."
)
# TRANSLATORS: source: mastitis.md: "With these signs, contact a doctor"
# TRANSLATORS: source: mastitis.md: "Get help quickly if you feel very unwell"
CARE_MASTITIS = N_(
    "With a fever, a red, hot or hard area in the breast, or if you feel ill, contact a doctor, "
    "your health visitor or the maternity ward; quickly if you feel very unwell or it gets "
    "worse."
)
# TRANSLATORS: source: low_mood.md: "Talk to a doctor (GP) or the health visitor"
# TRANSLATORS: source: low_mood.md: "If you think about harming yourself"
CARE_LOW_MOOD = N_(
    "Talk to a doctor or your health visitor soon; they can help. If you think about harming "
    "yourself or feel in danger, call 113 now, or the out-of-hours doctor (legevakt) on "
    "116 117."
)
# TRANSLATORS: source: low_mood.md: "Low mood that lasts longer"
# TRANSLATORS: source: low_mood.md: "Talk to a doctor (GP) or the health visitor"
CARE_FEELING_LOW = N_(
    "If you feel low most days, or feel you can't cope any more, talk to a doctor or your "
    "health visitor."
)
# TRANSLATORS: source: milk-supply-after-pumping-en.txt: "If you notice a significant drop"
CARE_EXCLUSIVE_DROP = N_(
    "Pumping exclusively, and much less despite regular pumping? Contact a lactation "
    "consultant, your health visitor or a doctor."
)

TOPICS: tuple[Topic, ...] = (
    Topic(
        id="how_to_pump",
        icon="🧴",
        title=N_("How to pump"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Disse rådene gjelder i hovedsak"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Vask hendene."
        # TRANSLATORS: source: pumping-guide-nb.txt: "Ta deg god tid. Stress hemmer"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Å varme brystet med et varmt omslag"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Begynn med den laveste styrken"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Pumping av begge bryst samtidig"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis pumpingen går litt tregt"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Stopp når melken ikke renner lenger."
        # TRANSLATORS: source: pumping-guide-nb.txt: "Flere, hyppige pumpinger er bedre"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det skal ikke gjøre vondt å pumpe seg."
        body=N_(
            "These steps are mainly for manual and electric pumps, not wearable ones.\n"
            "1. Wash your hands and take your time. Stress holds back the let-down.\n"
            "2. A warm compress on the breast first can help the milk flow.\n"
            "3. Start on the lowest strength and turn it up once the milk runs well.\n"
            "4. Pumping both breasts at once takes half the time.\n"
            "5. If it goes slowly, switch sides a few times and gently stroke the breast "
            "towards the nipple.\n"
            "6. Stop when the milk stops: 15–30 minutes for both sides together is usually "
            "enough.\n\n"
            "Pump often rather than long. Pumping should not hurt."
        ),
        related=("let_down", "flange_fit", "pump_choice"),
        care=CARE_LACTATION,
    ),
    Topic(
        id="let_down",
        icon="🌊",
        title=N_("Help with let-down"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Pumpingen er avhengig av at"
        # TRANSLATORS: source: pumping-guide-nb.txt: "For noen kan det kreve litt trening"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Ta deg god tid. Stress hemmer"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Å varme brystet med et varmt omslag"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Noen pumper har et utdrivningsprogram"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Har du problemer med å få"
        body=N_(
            "Milk flows once the let-down reflex starts. Stress or fear can hold it back for a "
            "while, and for some it takes a little practice.\n"
            "• Take your time and do something that relaxes you.\n"
            "• Warm the breast with a warm compress before you start.\n"
            "• Gently massage and roll your nipples until they firm up.\n"
            "• Look at a photo of your baby, or keep your baby close.\n"
            "• Some pumps have a let-down setting that can work well.\n\n"
            "If let-down stays difficult, ask health personnel whether an oxytocin nasal spray "
            "could be right for you."
        ),
        related=("how_to_pump", "pumped_volume", "hard_work"),
    ),
    Topic(
        id="pump_choice",
        icon="🛒",
        title=N_("Choosing a pump"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det er individuelt hvilken pumpe"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Smart markedsføring gjør at"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Skal du pumpe ut melk en gang i blant"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Må du pumpe ut melk over lengre tid"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Bærbare pumper (som skal ligge i bh-en)"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Silikonpumpe/melkeoppsamler i silikon"
        body=N_(
            "Which pump suits you best is individual, and clever marketing can make new "
            "gadgets seem a must.\n"
            "• Only now and then: you can express by hand or use a manual pump.\n"
            "• If you will pump for a long time or need to raise your supply, and your baby "
            "does not suck well: rent or buy an electric pump. A double pump lets you pump "
            "twice as fast.\n"
            "• Wearable pumps in the bra can empty the breast less well than classic pumps, "
            "though this differs from person to person.\n"
            "• A silicone collector on the other breast catches milk while you nurse. It usually "
            "gets no more than a pump, but as long as it collects milk, it helps raise supply."
        ),
        related=("flange_fit", "hand_expression", "overproduction"),
    ),
    Topic(
        id="flange_fit",
        icon="📏",
        title=N_("Flange fit and pain"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det skal ikke gjøre vondt å pumpe seg."
        # TRANSLATORS: source: pumping-guide-nb.txt: "Pass på at pumpeskjoldet er i riktig"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Gjør det vondt å pumpe kan det hende"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Suges mye av brystet inn i pumpen"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Utforming av pumpetrakten, sugesyklus"
        # TRANSLATORS: source: flange_fit.md: "Measure the width of the nipple"
        # TRANSLATORS: source: flange_fit.md: "Compare the measurement with the"
        body=N_(
            "Pumping should not hurt. The right flange (breast shield) size depends on your "
            "nipple, not your breast.\n"
            "• To measure, check the width across the base of your nipple in millimetres, not "
            "the darker skin around it, and compare with your pump maker's size chart. Sizes "
            "differ between makers.\n"
            "• If it hurts, the flange may be too small, and that can give sore, cracked "
            "nipples.\n"
            "• If a lot of the breast is drawn into the tunnel, it may be too big.\n\n"
            "The funnel's shape, the suction rhythm, the speed and the shield size all matter, "
            "so another size or model may suit you better."
        ),
        related=("pump_choice", "how_to_pump", "seek_help"),
        care=CARE_LACTATION,
    ),
    Topic(
        id="how_much",
        icon="🍼",
        title=N_("How much a baby needs"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Behovet for morsmelk øker øker gradvis"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Fram til barnet er seks måneder"
        # TRANSLATORS: source: pumping-guide-nb.txt: "750 ml morsmelk per døgn tilsvarer"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det er individuelle variasjoner"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Mengden kan dessuten variere"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det er viktig at barnet får bestemme"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Du må i stedet stole på babyen"
        body=N_(
            "A baby's need for breast milk grows gradually through the first month, to about "
            "{need_month} a day at around one month old. After that, a baby fed only breast "
            "milk usually needs {need_low}–{need_high} a day until about six months, some up to "
            "{need_max}.\n\n"
            "That is a little over {per_hour} an hour, a starting point for planning bottles. "
            "Babies differ, and intake varies from feed to feed and from day to day.\n\n"
            "Let your baby decide when to eat and how much to drink. Whether your baby gets "
            "enough shows in the nappies, and in a baby who is content and grows as expected."
        ),
        related=("time_away", "pumped_volume", "overproduction"),
        care=CARE_HEALTH_VISITOR,
    ),
    Topic(
        id="time_away",
        icon="👜",
        title=N_("Milk for time away"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Som utgangspunkt kan du derfor beregne"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det er individuelle variasjoner"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det er viktig at barnet får bestemme"
        body=N_(
            "A starting point: about {per_hour} for every hour you are away, plus a little extra "
            "in case your baby eats more than usual or some goes to waste.\n\n"
            "Send /away with the hours, like <code>/away 8h</code>, and I will work it out in "
            "your unit. How much extra I add is my own rule of thumb.\n\n"
            "Babies differ, so notice what yours usually drinks and adjust. Ask the person "
            "giving the bottle to let your baby decide how much to drink, never forcing it."
        ),
        related=("how_much", "storing", "hand_expression"),
    ),
    Topic(
        id="storing",
        icon="🧊",
        title=N_("Storing milk"),
        # TRANSLATORS: source: milk-storage-facts-en.md: "The times are for a healthy baby born at"
        # TRANSLATORS: source: milk-storage-facts-en.md: "freshly pumped or expressed | up to 4"
        # TRANSLATORS: source: milk-storage-facts-en.md: "thawed, previously frozen | 1 to 2 hours"
        # TRANSLATORS: source: milk-storage-facts-en.md: "left over from a feed"
        # TRANSLATORS: source: milk-storage-facts-en.md: "Freeze in small portions (60 to 120 ml"
        # TRANSLATORS: source: milk-storage-facts-en.md: "Label each container with the date"
        # TRANSLATORS: source: milk-storage-facts-en.md: "Keep milk at the back of the fridge"
        # TRANSLATORS: source: milk-storage-facts-en.md: "Frozen milk may smell or taste of soap"
        # TRANSLATORS: source: milk-storage-facts-en.md: "Its times are approximate"
        # TRANSLATORS: source: milk-storage-facts-en.md: "Be extra careful, and stay within"
        # TRANSLATORS: source: milk-storage-facts-en.md: "when in doubt, throw it out"
        body=N_(
            "CDC times, approximate, for a healthy baby born at term:\n"
            "• Freshly pumped: up to 4 hours at room temperature (25 °C or cooler), 4 days in "
            "the fridge, best within 6 months in the freezer (12 at most).\n"
            "• Thawed: 1–2 hours at room temperature, 1 day in the fridge. Never freeze it "
            "again.\n"
            "• Left over after a feed: use within 2 hours.\n\n"
            "Freeze in small, dated portions of {portion_low}–{portion_high}. Keep milk at the "
            "back of the fridge or freezer, not in the door. Frozen milk may smell soapy and "
            "still be fine.\n\n"
            "For a premature, sick or newborn baby, be stricter and follow the hospital's "
            "rules. When in doubt, throw it out. Keep track with /stash."
        ),
        related=("warming_combining", "time_away", "donating"),
    ),
    Topic(
        id="power_pumping",
        icon="⚡",
        title=N_("Power pumping"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Men hvis du har en sugesvak eller lite"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis du har for lite melk ut fra babyens"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Du bør ikke powerpumpe hvis du allerede"
        # TRANSLATORS: source: pumping-guide-nb.txt: "«Power pumping» betyr hyppig pumping"
        # TRANSLATORS: source: pumping-guide-nb.txt: "De fleste opplever at babyen i perioder"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det finnes ulike fremgangsmåter"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Du kan prøve dette 1-2 ganger om dagen"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Du kan gjøre det over så mange dager"
        body=N_(
            "Power pumping is worth considering if your baby sucks weakly or is reluctant to "
            "nurse, together with help from health personnel who know breastfeeding to find out "
            "why. "
            "If your baby nurses well, nursing more often is usually the easier way. Skip it "
            "if you already have enough milk: it can lead to making too much.\n\n"
            "It copies the times a baby nurses more often than usual, on top of your usual "
            "pumping or nursing. One way: pump 20 min, rest 10, pump 10, rest 10, pump 10.\n\n"
            "You can try it once or twice a day for 2–4 days, then see whether your supply has "
            "changed. Weigh it against your time and energy."
        ),
        related=("raising_supply", "overproduction", "seek_help"),
    ),
    Topic(
        id="raising_supply",
        icon="📈",
        title=N_("Raising your supply"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Har du et barn som ikke legger på seg"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Da er det viktig at du får kartlagt"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Ligger årsaken hos barnet"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Har du et sugevillig barn"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Har du et barn som av en eller annen årsak"
        # TRANSLATORS: source: pumping-guide-nb.txt: "For å øke melkeproduksjonen anbefales"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Sett deg overkommelige og tidsavgrensede mål."
        # TRANSLATORS: source: pumping-guide-nb.txt: "Har du allerede gjort alt du kan"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Hydration and Nutrition"
        body=N_(
            "It helps to find the cause first. Is your baby not gaining as expected, or are you "
            "making less than your baby needs? Your health visitor or a lactation consultant can "
            "look at why with you; the cause may lie with your baby or with you.\n"
            "• If your baby nurses well, nursing more often can work better than pumping.\n"
            "• If your baby does not nurse well, extra hand expression or pumping is what "
            "raises supply; the advice is to remove milk at least every 2 hours.\n"
            "• Set small goals with an end date.\n"
            "• If you already do all you can, more rest may help more than more sessions.\n"
            "• Eat well and drink enough."
        ),
        related=("power_pumping", "pumped_volume", "seek_help"),
    ),
    Topic(
        id="pumped_volume",
        icon="🔍",
        title=N_("Small pumped amounts"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det er en dårlig idé å pumpe for å se"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Mengden melk du pumper ut sier lite"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Barnet får som regel ut mye mer enn pumpa."
        # TRANSLATORS: source: pumping-guide-nb.txt: "Å engste seg for hvor mye som eventuelt"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Tidspunktet for pumping spiller også"
        # TRANSLATORS: source: pumping-guide-nb.txt: "At du plutselig pumper ut mindre enn før"
        body=N_(
            "Pumping to check how much milk you have is not a good test, most of all if you "
            "fear you have too little. What ends up in the bottle says little about how much "
            "milk you make or your baby gets: a healthy baby who sucks well usually gets out "
            "more than a pump, and some who fully breastfeed pump only drops.\n\n"
            "Worry can release adrenaline, which can hold back let-down. Amounts also vary "
            "through the day.\n\n"
            "Suddenly pumping less than before does not mean you are losing your "
            "milk; more likely your supply has settled at what your baby needs."
        ),
        related=("run_out", "let_down", "seek_help"),
        care=CARE_EXCLUSIVE_DROP,
    ),
    Topic(
        id="hand_expression",
        icon="✋",
        title=N_("Hand expression"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Håndmelking kan være et godt alternativ"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det kan være spesielt aktuelt med håndmelking"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Håndmelking er et godt alternativ til"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Den første melken kalles råmelk"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Råmelk kommer som regel ikke i store"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Etter hvert som melkemengden øker"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det er ikke sikkert at dine første forsøk"
        body=N_(
            "Expressing by hand can be a good choice when you only need a little milk now and "
            "then, or when sore breasts keep you from nursing. It can be gentler on the nipples "
            "than a pump.\n\n"
            "The first milk, colostrum, comes in small amounts and is rich in antibodies and "
            "cells that fight bacteria. Those precious drops can get stuck inside a pump, so "
            "hand expression is better at the start, until the mature milk comes in larger "
            "amounts. After that you can move to a pump, or combine the two.\n\n"
            "Even a small amount is valuable for your baby."
        ),
        related=("premature", "pump_choice", "how_to_pump"),
        care=CARE_LACTATION,
    ),
    Topic(
        id="premature",
        icon="🏥",
        title=N_("Premature or sick baby"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis barnet er født for tidlig, er sykt"
        # TRANSLATORS: source: pumping-guide-nb.txt: "For å få en best mulig stimulering"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis du ikke har barnet ditt hos deg"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Den første melken kalles råmelk"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Råmelk kommer som regel ikke i store"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Etter hvert som melkemengden øker"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Om du etter to-tre uker er kommet opp"
        body=N_(
            "If your baby is born early, is ill or cannot take the breast, you may need to "
            "start your milk without your baby's help.\n"
            "• Begin as soon as you can, ideally within 6 hours of birth.\n"
            "• While you cannot nurse your baby, express every 2–3 hours, at least "
            "6–8 times in 24 hours. Frequent emptying early on builds supply, now and later.\n"
            "• Express the first milk, colostrum, by hand: it is precious for your baby's "
            "defences and gut, and none then gets stuck in a pump.\n\n"
            "If you reach the amount you want after 2–3 weeks, you can probably cut back a "
            "little."
        ),
        related=("hand_expression", "raising_supply", "hard_work"),
        care=CARE_RIGHT,
    ),
    Topic(
        id="overproduction",
        icon="⚖️",
        title=N_("Making too much milk"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Pumping kan bidra til å øke melkeproduksjonen"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Husk at også melkeoppsamlere"
        # TRANSLATORS: source: pumping-guide-nb.txt: "I tillegg til risikoen for overproduksjon"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Barnets behov for morsmelk øker gradvis"
        # TRANSLATORS: source: pumping-guide-nb.txt: "For noen kan det være vanskelig å finne"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det kan være fristende å takle"
        body=N_(
            "Pumping can push supply above what your baby needs, and making too much raises the "
            "risk of mastitis, which is most common in the first six weeks. Silicone collectors "
            "can "
            "raise supply too. Some professionals also think pumping itself can raise the risk "
            "of mastitis.\n\n"
            "After about one month a baby fed only breast milk usually needs "
            "{need_low}–{need_high} a day, some up to {need_max}. If you pump much more than "
            "that, it can be wise to bring it down, step by step.\n\n"
            "Pumping or collecting more to ease it can keep the problem going."
        ),
        related=("how_much", "mastitis", "donating"),
        care=CARE_LACTATION,
    ),
    Topic(
        id="to_nursing",
        icon="🤱",
        title=N_("From pumping to nursing"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det kan også være vanskelig å gå fra pumping"
        # TRANSLATORS: source: pumping-guide-nb.txt: "I slike situasjoner er det viktig å følge med"
        # TRANSLATORS: source: pumping-guide-nb.txt: "For noen kan det være vanskelig å finne"
        body=N_(
            "Moving from pumping to nursing can feel uncertain, because you no longer see how "
            "much milk your baby gets.\n"
            "• Keep an eye on your baby's nappies.\n"
            "• If you are unsure whether your baby gets enough, contact your health visitor.\n"
            "• Step down pumping gradually. If nursing takes out less milk than you make, the "
            "risk of mastitis can rise.\n\n"
            "Finding the balance can take a while, and that is all right."
        ),
        related=("overproduction", "how_much", "seek_help"),
    ),
    Topic(
        id="blood_in_milk",
        icon="🩸",
        title=N_("Blood or pus in milk"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "En vanlig årsak til blod i melken"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Av og til hender det at det kommer blod"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det kan virke som om det kommer mye blod"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Dette er ikke farlig for barnet"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis du har brystbetennelse eller abscess"
        # TRANSLATORS: source: mastitis.md: "Pus in the milk, or a painful swelling"
        body=N_(
            "Blood in pumped milk can be frightening. A common cause is a crack or sore on the "
            "nipple; now and then it comes without one, probably from a tiny blood vessel or "
            "growth in a milk duct bursting.\n\n"
            "A little blood looks like a lot in milk, and usually stops quickly. It is "
            "not dangerous for your baby, though a lot can make some babies throw up.\n\n"
            "Pus in the milk can come with mastitis or a breast abscess: not dangerous for your "
            "baby, but a doctor should see you."
        ),
        related=("mastitis", "flange_fit", "seek_help"),
        care=CARE_DOCTOR,
    ),
    Topic(
        id="run_out",
        icon="🔄",
        title=N_("Does milk run out?"),
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "The answer is no, as long as"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Breast milk production operates"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "It's important to note that"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Pumping does not necessarily"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Aim to pump every 2-3 hours"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Practice Hands-On Pumping"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Get Enough Rest"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Hydration and Nutrition"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Frequency of Pumping: Pumping too"
        body=N_(
            "Not as long as milk keeps being removed. Milk is made by supply and demand: the "
            "more milk is removed, by baby or pump, the more you make. Breasts are never "
            "truly empty; milk is made all the time, even while you pump.\n\n"
            "A pump may take out less than a baby and leave some behind. That does not mean "
            "you are running out.\n\n"
            "If your baby gets your milk by pump: pump regularly, about every 2–3 hours "
            "like a baby's feeds, massage the breasts, rest, and eat and drink well. Pumping "
            "too seldom can tell your body to make less."
        ),
        related=("pumped_volume", "raising_supply", "how_to_pump"),
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "If you notice a significant drop"
        care=N_(
            "If your supply drops a lot despite all this, talk to a lactation consultant or "
            "your doctor."
        ),
    ),
    Topic(
        id="why_pump",
        icon="🌱",
        title=N_("What pumping gives"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Å pumpe ut morsmelk bidrar til at barnet"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det kalles fullamming selv om du fullpumper"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Morsmelk inneholder stoffer som dreper"
        # TRANSLATORS: source: pumping-guide-nb.txt: "At du produserer melk og pumper har også"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Enkelte antistoffer konsentreres faktisk"
        body=N_(
            "Pumping lets your baby have your milk when you cannot nurse, or your baby cannot "
            "feed at the breast. A baby fed only pumped breast milk still counts as fully "
            "breastfed.\n"
            "• Breast milk has antibodies and substances that kill bacteria and dampen "
            "inflammation, and it helps build your baby's immune system and gut flora.\n"
            "• Making milk is good for you too: a lower risk of several kinds of cancer and of "
            "lifestyle diseases.\n"
            "• Small amounts count: some antibodies are concentrated in the milk, so even a "
            "little gives your baby's defences a boost."
        ),
        related=("hard_work", "hand_expression", "pumped_volume"),
    ),
    Topic(
        id="seek_help",
        icon="🤝",
        title=N_("When to get help"),
        # TRANSLATORS: source: mastitis.md: "Signs of mastitis: an area of the breast"
        # TRANSLATORS: source: mastitis.md: "With these signs, contact a doctor"
        # TRANSLATORS: source: mastitis.md: "Pus in the milk, or a painful swelling"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Ta kontakt med lege dersom det skjer flere"
        # TRANSLATORS: source: low_mood.md: "Low mood that lasts longer"
        # TRANSLATORS: source: low_mood.md: "Talk to a doctor (GP) or the health visitor"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Har du et barn som ikke legger på seg"
        # TRANSLATORS: source: pumping-guide-nb.txt: "I slike situasjoner er det viktig å følge med"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Det skal ikke gjøre vondt å pumpe seg."
        # TRANSLATORS: source: pumping-guide-nb.txt: "Husk at du har rett til veiledning og"
        body=N_(
            "Contact a doctor, your health visitor or the maternity ward if you have:\n"
            "• a fever, or feel ill as with flu;\n"
            "• a red, hot, hard or swollen area or a lump in the breast;\n"
            "• pus in the milk, or blood that keeps coming or comes with pain;\n"
            "• low mood that does not lift, or feel you can't cope.\n\n"
            "Your health visitor or a lactation consultant can also help if your baby is not "
            "gaining as expected, you are unsure whether your baby gets enough (watch the "
            "nappies), or pumping hurts. You have a right to this help, crisis or not."
        ),
        related=("mastitis", "low_mood", "raising_supply"),
        care=CARE_EXCLUSIVE_DROP,
    ),
    Topic(
        id="mastitis",
        icon="🔥",
        title=N_("Mastitis and blocked ducts"),
        # TRANSLATORS: source: mastitis.md: "A blocked (clogged) milk duct can feel"
        # TRANSLATORS: source: mastitis.md: "Mastitis is an inflammation of the breast"
        # TRANSLATORS: source: mastitis.md: "Signs of mastitis: an area of the breast"
        # TRANSLATORS: source: mastitis.md: "Keep removing milk from the affected breast"
        # TRANSLATORS: source: mastitis.md: "Rest as much as you can and drink enough."
        # TRANSLATORS: source: pumping-guide-nb.txt: "Man er mest utsatt for brystbetennelse"
        body=N_(
            "A blocked milk duct can feel like a tender, hard lump in the breast. If the milk "
            "stays in, it can lead to mastitis, a breast inflammation most common in the first "
            "weeks.\n\n"
            "Signs: a red, hot, swollen or painful area of the breast, sometimes with a fever, "
            "chills or feeling ill as with flu.\n"
            "• Keep nursing or pumping from that breast as usual; stopping suddenly can make "
            "it worse. Your milk stays safe for your baby.\n"
            "• Rest, and drink enough."
        ),
        related=("seek_help", "overproduction", "blood_in_milk"),
        care=CARE_MASTITIS,
    ),
    Topic(
        id="hard_work",
        icon="💛",
        title=N_("Pumping is hard work"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Amming kan være krevende i seg selv"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Pumping over tid kan være hardt arbeid, både"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Du gjør en fantastisk jobb"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis du pumper ut lite melk, så tenker du"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Sett deg overkommelige og tidsavgrensede mål."
        # TRANSLATORS: source: pumping-guide-nb.txt: "Be om oppfølging av helsesykepleier"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Noen kjenner på sorg knyttet til dette."
        body=N_(
            "Pumping, washing parts and giving bottles on top of caring for a baby can be hard "
            "work, for body and mind, whether you pump fully or partly. You are doing a "
            "wonderful job.\n\n"
            "Every drop of your milk has value, small amounts too.\n\n"
            "Sometimes more rest is what you need, not more sessions. Set goals you can manage, "
            "for a limited time.\n\n"
            "Your health visitor can help you find a way that works for you, and help you stop "
            "in a good way if you want to. Some feel grief when feeding does not go as hoped."
        ),
        related=("low_mood", "why_pump", "seek_help"),
        care=CARE_FEELING_LOW,
    ),
    Topic(
        id="low_mood",
        icon="🫂",
        title=N_("Feeling low"),
        # TRANSLATORS: source: low_mood.md: "Many parents feel low, tearful or anxious"
        # TRANSLATORS: source: low_mood.md: "Low mood that lasts longer"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Pumping over tid kan være hardt arbeid, både"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Be om oppfølging av helsesykepleier"
        body=N_(
            "Pumping while you feel low is hard. Many parents feel tearful "
            "or anxious in the first days after birth, and that usually passes within about two "
            "weeks.\n\n"
            "If the low mood lasts longer, or you feel hopeless or unable to cope, it can be "
            "depression after birth. It is common, it is not your fault, and it can be "
            "treated.\n\n"
            "Your health visitor can help you find a way to pump that works for you, or to "
            "stop in a good way if you want to."
        ),
        related=("hard_work", "seek_help", "why_pump"),
        care=CARE_LOW_MOOD,
    ),
    Topic(
        id="donating",
        icon="🎁",
        title=N_("Donating milk"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Har du mer melk enn barnet ditt trenger?"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Pumping KAN bidra til å øke produksjonen"
        body=N_(
            "Have more milk than your baby needs? Milk banks collect donated breast milk for "
            "sick and premature babies. Contact a milk bank if you would like to donate.\n\n"
            "Keep in mind that pumping extra to have more to give can drive your supply up "
            "without need, and making too much raises the risk of mastitis. It is best to give "
            "milk you truly have over, rather than pumping more."
        ),
        related=("overproduction", "storing", "how_much"),
    ),
    # -- everyday topics, from the source notes in locales/sources/ ---------------------------
    Topic(
        id="cleaning",
        icon="🫧",
        title=N_("Cleaning pump parts"),
        # TRANSLATORS: source: cleaning.md: "Wash your hands before pumping."
        # TRANSLATORS: source: cleaning.md: "After each use, take the kit apart"
        # TRANSLATORS: source: cleaning.md: "Rinse the parts under running water"
        # TRANSLATORS: source: cleaning.md: "Wash them with soap and hot water"
        # TRANSLATORS: source: cleaning.md: "Rinse again, and let the parts air-dry"
        # TRANSLATORS: source: cleaning.md: "For extra germ removal, sanitise"
        # TRANSLATORS: source: cleaning.md: "Sanitising is most important if"
        # TRANSLATORS: source: cleaning.md: "If the baby is in hospital, follow"
        body=N_(
            "Wash your hands before you pump. After each use, take the pump kit apart and clean "
            "the parts that touch milk as soon as you can:\n"
            "• Rinse them under running water.\n"
            "• Wash them in hot, soapy water in a basin kept for baby feeding things, not "
            "straight in the sink, or in the dishwasher if the maker allows it.\n"
            "• Rinse again and let them air-dry fully on a clean towel or rack.\n\n"
            "For extra protection, sanitise them at least once a day: boil them for 5 "
            "minutes, steam them, or use the dishwasher's sanitising setting. This matters most "
            "if your baby is under 2 months, was born early or has a weakened immune system. In "
            "hospital, follow the ward's rules."
        ),
        related=("how_to_pump", "storing", "pump_choice"),
    ),
    Topic(
        id="pumping_at_work",
        icon="💼",
        title=N_("Pumping at work"),
        # TRANSLATORS: source: pumping_at_work.md: "Talking with the employer"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Aim to pump every 2-3 hours"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Frequency of Pumping: Pumping too"
        # TRANSLATORS: source: milk-storage-facts-en.md: "A cool bag with frozen ice packs keeps"
        # TRANSLATORS: source: milk-storage-facts-en.md: "Label each container with the date"
        # TRANSLATORS: source: pumping_at_work.md: "A worker who nurses her child"
        # TRANSLATORS: source: pumping_at_work.md: "A worker with an agreed working"
        # TRANSLATORS: source: pumping_at_work.md: "The act speaks of nursing"
        body=N_(
            "• Before you go back, agree with your employer on a private place to pump and on "
            "breaks.\n"
            "• Pump about as often as your baby feeds; pumping too seldom can tell your body to "
            "make less.\n"
            "• Keep milk in a fridge, or up to 24 hours in a cool bag with frozen ice packs, "
            "labelled with the date.\n\n"
            "In Norway, the Working Environment Act (§ 12-8) gives a nursing mother the right to "
            "the time off she needs for it. With a working day of 7 hours or more, up to one "
            "hour a day is paid until the child is one year old. The law speaks of nursing, so "
            "agree with your employer how you use the time to pump."
        ),
        related=("time_away", "storing", "how_to_pump"),
    ),
    Topic(
        id="medicines",
        icon="💊",
        title=N_("Medicines, alcohol and coffee"),
        # TRANSLATORS: source: medicines.md: "Most medicines can be used while"
        # TRANSLATORS: source: medicines.md: "Ask a doctor or pharmacist before"
        # TRANSLATORS: source: medicines.md: "Tryggmammamedisin.no answers"
        # TRANSLATORS: source: medicines.md: "Alcohol passes into breast milk"
        # TRANSLATORS: source: medicines.md: "If a parent does drink, waiting"
        # TRANSLATORS: source: medicines.md: "Alcohol leaves the milk as it leaves"
        # TRANSLATORS: source: medicines.md: "Caffeine in moderate amounts"
        body=N_(
            "Medicines: most can be used while you breastfeed or pump, but not all. Ask a doctor "
            "or pharmacist before you take anything, also medicines sold without a "
            "prescription, and say that you pump. In Norway, tryggmammamedisin.no (RELIS) answers "
            "questions about medicines and breastfeeding.\n\n"
            "Alcohol passes into your milk, and not drinking is the safest choice. If you do "
            "drink, wait at least 2 hours after one drink before you pump milk for your baby, "
            "longer after more. Pumping and throwing the milk away does not make the alcohol "
            "leave faster.\n\n"
            "Caffeine: moderate amounts, about 2–3 cups of coffee a day, are usually fine."
        ),
        related=("seek_help", "storing", "hard_work"),
    ),
    Topic(
        id="stopping",
        icon="📉",
        title=N_("Stopping or cutting down"),
        # TRANSLATORS: source: stopping.md: "Stopping gradually is easier on"
        # TRANSLATORS: source: pumping-guide-nb.txt: "For noen kan det være vanskelig å finne"
        # TRANSLATORS: source: stopping.md: "Drop one feed or pumping session"
        # TRANSLATORS: source: stopping.md: "If the breasts feel full and"
        # TRANSLATORS: source: stopping.md: "Watch for a hard, painful or red"
        body=N_(
            "Stepping down slowly is kinder to your breasts than stopping all at once, and "
            "lowers the risk of blocked ducts and mastitis.\n"
            "• Drop one session at a time, or make one shorter first.\n"
            "• Wait a few days, until your breasts feel settled, before the next step.\n"
            "• If your breasts feel full and uncomfortable, express just a little, enough to "
            "feel comfortable.\n"
            "• Check your breasts for hard or sore areas.\n\n"
            "If you get a fever or feel ill, or have a red, hot or hard area in the breast, "
            "contact a doctor."
        ),
        related=("hard_work", "overproduction", "night_pumping"),
        # TRANSLATORS: source: pumping-guide-nb.txt: "Be om oppfølging av helsesykepleier"
        care=N_("Your health visitor can help you plan how to stop, in a good way."),
    ),
    Topic(
        id="night_pumping",
        icon="🌙",
        title=N_("Pumping at night"),
        # TRANSLATORS: source: night_pumping.md: "In the early weeks, while"
        # TRANSLATORS: source: night_pumping.md: "Long gaps between sessions"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis du ikke har barnet ditt hos deg"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Om du etter to-tre uker er kommet opp"
        # TRANSLATORS: source: night_pumping.md: "Once supply is settled, some"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Frequency of Pumping: Pumping too"
        body=N_(
            "In the early weeks, while your supply builds, night sessions matter: prolactin, the "
            "hormone that drives milk making, is higher at night, and long gaps can lower "
            "supply. While your baby cannot nurse, the guidance is to express every 2–3 hours, "
            "at least 6–8 times in 24 hours.\n\n"
            "Once your supply has settled at what your baby needs, you may be able to drop the "
            "night session. Do it gradually: make it shorter for a few nights first, and watch "
            "whether your daily amount holds. Pumping too seldom can tell your body to make "
            "less, so if your amount falls, you can bring the session back."
        ),
        related=("run_out", "stopping", "premature"),
    ),
    Topic(
        id="warming_combining",
        icon="♨️",
        title=N_("Warming and combining milk"),
        # TRANSLATORS: source: warming_combining.md: "Milk does not have to be"
        # TRANSLATORS: source: warming_combining.md: "To warm it, stand the closed"
        # TRANSLATORS: source: milk-storage-facts-en.md: "Never in a microwave (hot spots can burn"
        # TRANSLATORS: source: warming_combining.md: "The fat can separate"
        # TRANSLATORS: source: warming_combining.md: "Test the temperature on"
        # TRANSLATORS: source: milk-storage-facts-en.md: "Thaw the oldest milk first"
        # TRANSLATORS: source: warming_combining.md: "Fresh milk can be added"
        # TRANSLATORS: source: warming_combining.md: "The careful way is to combine"
        body=N_(
            "Milk does not need warming; your baby can drink it cold or at room temperature. To "
            "warm it, stand the closed bottle in warm water, or hold it under warm running "
            "water. Never use a microwave, which makes hot spots that can burn, nor the stove. "
            "Swirl gently to mix the fat back in, and test a drop on your wrist.\n\n"
            "Thaw the oldest milk first: overnight in the fridge, or in lukewarm water.\n\n"
            "To combine milk from different sessions, cool the fresh milk in the fridge first, "
            "then add it to the cold milk; never add warm milk to frozen milk. Combine milk from "
            "the same day, and go by the date of the oldest."
        ),
        related=("storing", "time_away", "pumping_at_work"),
    ),
    Topic(
        id="twins",
        icon="👶",
        title=N_("Milk for twins"),
        # TRANSLATORS: source: twins.md: "Making milk for two babies is"
        # TRANSLATORS: source: milk-supply-after-pumping-en.txt: "Breast milk production operates"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Hvis du ikke har barnet ditt hos deg"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Pumping av begge bryst samtidig"
        # TRANSLATORS: source: pumping-guide-nb.txt: "Etter dette trenger en fullammet baby"
        body=N_(
            "Your body can make milk for more than one baby: supply follows demand, so the more "
            "milk is removed, the more you make.\n"
            "• Pump often, about every 2–3 hours and at least 6–8 times in 24 hours, while your "
            "babies cannot nurse.\n"
            "• Pumping both breasts at once takes half the time.\n"
            "• The amounts in these tips, like {need_low}–{need_high} a day, are for one baby. "
            "For twins, a rule of thumb is about twice that."
        ),
        related=("how_much", "raising_supply", "how_to_pump"),
        care=CARE_LACTATION,
    ),
)

TOPICS_BY_ID: dict[str, Topic] = {topic.id: topic for topic in TOPICS}


@dataclass(frozen=True)
class TopicGroup:
    """One page of the /tips menu: with some 30 topics, one keyboard of them all would be too
    long to scan on a phone, so the menu shows these groups and a group shows its topics."""

    id: str
    icon: str
    title: str  # a catalogue message
    topic_ids: tuple[str, ...]


TOPIC_GROUPS: tuple[TopicGroup, ...] = (
    TopicGroup(
        "help",
        "🩺",
        N_("Worries and getting help"),
        ("seek_help", "mastitis", "blood_in_milk", "low_mood", "hard_work", "premature"),
    ),
    TopicGroup(
        "pumping",
        "🔧",
        N_("Pumping and pumps"),
        ("how_to_pump", "let_down", "pump_choice", "flange_fit", "hand_expression", "cleaning"),
    ),
    TopicGroup(
        "supply",
        "📊",
        N_("Milk supply and amounts"),
        (
            "how_much",
            "pumped_volume",
            "raising_supply",
            "power_pumping",
            "run_out",
            "overproduction",
            "night_pumping",
            "twins",
        ),
    ),
    TopicGroup(
        "milk",
        "🥛",
        N_("Storing and giving milk"),
        ("storing", "warming_combining", "time_away", "donating"),
    ),
    TopicGroup(
        "life",
        "📅",
        N_("Everyday life and stopping"),
        ("pumping_at_work", "medicines", "to_nursing", "stopping", "why_pump"),
    ),
)

GROUPS_BY_ID: dict[str, TopicGroup] = {group.id: group for group in TOPIC_GROUPS}


def topics_in(group: TopicGroup) -> tuple[Topic, ...]:
    """The group's topics in menu order. An id with no topic yet (one being written on another
    branch) is left out rather than shown broken."""
    return tuple(TOPICS_BY_ID[i] for i in group.topic_ids if i in TOPICS_BY_ID)


def topic_group(group_id: str) -> TopicGroup | None:
    return GROUPS_BY_ID.get(group_id)


# The figures the tips quote, in millilitres; shown in the chat's unit.
VOLUMES_ML = {
    "per_hour": 30,
    "need_month": 750,
    "need_low": 750,
    "need_high": 800,
    "need_max": 1000,
    "portion_low": 60,
    "portion_high": 120,
}


def topic(topic_id: str) -> Topic | None:
    return TOPICS_BY_ID.get(topic_id)


# -- milk for time away ------------------------------------------------------------------------

ML_PER_HOUR_AWAY = 30
MARGIN_SHARE = 0.25  # a quarter on top ...
MARGIN_MIN_ML = 30  # ... and never less than one hour's worth
MAX_HOURS_AWAY = 24


@dataclass(frozen=True)
class AwayMilk:
    """How much milk to leave: the time away at 30 ml an hour, plus a margin. Millilitres;
    `unit` says how to show them, and `base`, `margin`, `total` are in that unit."""

    hours: float
    base_ml: float
    margin_ml: float
    unit: Unit

    @property
    def total_ml(self) -> float:
        return self.base_ml + self.margin_ml

    @property
    def base(self) -> float:
        return ml_to_unit(self.base_ml, self.unit)

    @property
    def margin(self) -> float:
        return ml_to_unit(self.margin_ml, self.unit)

    @property
    def total(self) -> float:
        return ml_to_unit(self.total_ml, self.unit)


def milk_for_time_away(hours: float, unit: Unit) -> AwayMilk:
    """30 ml per hour away, plus a margin of a quarter (at least 30 ml), rounded up to 10 ml."""
    if not 0 < hours <= MAX_HOURS_AWAY:
        raise ValueError(f"hours away must be more than 0 and at most {MAX_HOURS_AWAY}")
    base = ML_PER_HOUR_AWAY * hours
    margin = math.ceil(max(MARGIN_MIN_ML, base * MARGIN_SHARE) / 10) * 10
    return AwayMilk(hours=hours, base_ml=base, margin_ml=margin, unit=unit)


def parse_hours(text: str) -> float | None:
    """`8h`, `8 t`, `8`, `2.5 h`, `2,5 timer`, `8h30`, `8:30`, `90 min` -> hours; else None."""
    span = parse_duration(text, bare_unit=timedelta(hours=1))
    return None if span is None else span / timedelta(hours=1)


def shown_total_ml(milk: AwayMilk) -> float:
    """The total as the sum of the two parts as they are shown (ounces to one decimal), so the
    numbers in the answer add up."""
    decimals = 1 if milk.unit == Unit.OZ else 0
    parts = round(milk.base, decimals) + round(milk.margin, decimals)
    return unit_to_ml(parts, milk.unit)
