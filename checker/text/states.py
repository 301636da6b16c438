"""States and extents a claim asserts, as language-independent concepts (Arabic, English, French).

Typed rules need to know that «لقي حتفه», "was killed" and « a été tué » say one thing, and that "alive"
says another; that "the whole fleet" and « une partie » disagree in extent; that "reopened" and
«لا يزال مغلقا» are opposite states. Each lexicon maps phrases of general words to a concept; a claim's
facts keep the concept as ``key`` and their span. Nothing here names a particular event.
"""

from __future__ import annotations

from functools import lru_cache

from .arabic import ARABIC, Token, tokens
from .facts import Fact

# A person's (or a group's) state at one time: two of these for one participant cannot both hold.
STATUS = {
    "dead": ["killed", "dead", "died", "die", "dies", "death", "deaths", "perished", "slain", "lost their lives",
             "قتل", "قتلت", "قتلوا", "قضي", "قضوا", "قتلي", "قتيل", "قتيلا", "مقتل", "مصرع", "لقي حتفه", "لقوا حتفهم",
             "توفي", "وفاه", "مات",
             "tué", "tués", "tuée", "mort", "morts", "morte", "décédé", "décédés", "décès", "péri", "ont péri"],
    "alive": ["alive", "survived", "survivor", "survivors", "unharmed", "safe", "safely", "in good health",
              "على قيد الحياه", "نجا", "نجوا", "ناجين", "ناجون", "سالما", "سالمين", "بصحه جيده",
              "vivant", "vivants", "en vie", "survécu", "rescapé", "rescapés", "survivant", "survivants",
              "accounted for", "found alive", "retrouvé vivant", "retrouvés vivants", "sain et sauf", "sains et saufs",
              "en bonne santé", "indemne", "indemnes"],
    "missing": ["missing", "unaccounted", "disappeared", "مفقود", "مفقودين", "فقدان", "فقد", "disparu", "disparus",
                "introuvable", "introuvables"],
    "held": ["held", "detained", "captive", "captives", "in custody", "still held", "imprisoned",
             "محتجز", "محتجزين", "محتجزا", "معتقل", "معتقلين", "رهن الاحتجاز", "اسير", "اسري",
             "détenu", "détenus", "retenu", "retenus", "otage", "captif", "emprisonné"],
    "released": ["released", "freed", "set free", "افرج", "افرجت", "اطلق سراح", "اطلقت سراح", "اطلاق سراح", "الافراج",
                 "الافراج عن",
                 "محررين", "libéré", "libérés", "libérée", "libération", "relâché", "relâchés"],
    "escaped": ["escaped", "fled", "فر", "فرار", "هرب", "هروب", "évadé", "évadés", "évasion", "enfui"],
    "arrested": ["arrested", "apprehended", "اعتقل", "اعتقلت", "اعتقلوا", "اعتقال", "اوقف", "اوقفت", "اوقفوا",
                 "توقيف", "القي القبض", "القبض علي",
                 "arrêté", "arrêtés", "interpellé", "interpellés", "placé en garde à vue"],
    "injured": ["injured", "wounded", "hurt", "اصيب", "اصيبوا", "اصابه", "جريح", "جرحي", "مصاب", "مصابين", "blessé",
                "blessés"],
}
# Pairs of states that cannot both describe one participant at one time.
STATUS_CONFLICTS = {frozenset(p) for p in [("dead", "alive"), ("dead", "missing"), ("missing", "alive"),
                                             ("missing", "arrested"), ("held", "released"), ("held", "escaped"),
                                             ("dead", "injured"), ("dead", "arrested"), ("released", "escaped")]}

# How much of something an action touched.
EXTENT = {
    "all": ["all", "entire", "entirely", "whole", "fully", "completely", "totally", "every", "all of",
            "كل", "كامل", "بالكامل", "كليا", "جميع", "كافه", "برمته", "باكمله",
            "tout", "toute", "tous", "toutes", "entièrement", "totalement", "complètement", "ensemble", "intégralité"],
    "part": ["some", "part", "partly", "partially", "partial", "only", "half", "section", "one section",
             "بعض", "جزء", "جزيي", "جزييا", "فقط", "وحده", "وحدها", "نصف", "قسم",
             "partiellement", "partie", "seulement", "seul", "seule", "seuls", "seules", "uniquement", "moitié",
             "quelques", "partiel", "tronçon"],
}

# Opposite poles of one scale, across languages: an increase against a decrease, open against closed.
POLES = {
    "trend": (["rose", "rise", "rises", "risen", "increased", "increase", "up", "grew", "higher", "gained", "surged",
               "ارتفع", "ارتفعت", "ارتفاع", "زاد", "زادت", "زياده", "صعود", "نمو",
               "hausse", "augmenté", "augmentation", "progressé", "progression", "grimpé", "haussé"],
              ["fell", "fall", "falls", "fallen", "decreased", "decrease", "down", "dropped", "declined", "lower",
               "انخفض", "انخفضت", "انخفاض", "تراجع", "تراجعت", "هبوط", "هبط",
               "baisse", "baissé", "diminué", "diminution", "reculé", "recul", "chuté", "chute"]),
    "open": (["open", "opened", "reopened", "reopen", "resumed", "restarted", "back in service", "operating",
              "فتح", "افتتاح", "اعيد فتح", "اعاده فتح", "استئناف", "استانف", "استؤنف",
              "ouvert", "rouvert", "réouverture", "repris", "remis en service", "fonctionne", "fonctionnait"],
             ["closed", "shut", "shutdown", "halted", "suspended", "stopped", "remains closed", "remained shut",
              "اغلاق", "مغلق", "مغلقا", "مغلقه", "توقف", "اوقف", "تعليق", "علق",
              "fermé", "fermée", "fermeture", "suspendu", "suspendue", "suspension", "à l'arrêt", "arrêté"]),
    "outcome": (["won", "win", "accepted", "approved", "agreed", "succeeded", "confirmed",
                 "فاز", "فوز", "وافق", "وافقت", "قبول", "نجح", "نجاح", "اكد", "اكدت",
                 "gagné", "accepté", "approuvé", "confirmé", "réussi"],
                ["lost", "lose", "rejected", "refused", "failed", "denied",
                 "خسر", "خساره", "رفض", "رفضت", "فشل", "نفي", "نفت",
                 "perdu", "rejeté", "refusé", "échoué", "démenti", "nié"]),
}


# What a figure counts, by the noun after it (or the state near it: "11 killed", « 29 blessés », «قتيلا»).
COUNTED = {
    "people": ["people", "persons", "person", "civilians", "residents", "passengers", "workers", "miners", "dockers",
               "employees", "staff", "children", "soldiers", "fighters", "members", "migrants", "pilgrims",
               "hostages", "prisoners", "detainees", "crew",
               "personnes", "civils", "habitants", "passagers", "ouvriers", "mineurs", "employés", "salariés",
               "enfants", "soldats", "combattants", "membres", "migrants", "otages", "prisonniers", "détenus",
               "شخص", "شخصا", "اشخاص", "مدني", "مدنيا", "مدنيين", "راكب", "راكبا", "ركاب", "عامل", "عاملا", "عمال",
               "موظف", "موظفا", "موظفين", "طفل", "طفلا", "اطفال", "جندي", "جنديا", "جنود", "عنصر", "عنصرا",
               "عناصر", "مهاجر", "مهاجرا", "مهاجرين", "رهينه", "رهائن", "اسير", "اسيرا", "اسري", "سجين", "سجينا",
               "سجناء", "بحارا", "بحاره", "صيادا", "صيادين", "منجمي", "عمال مناجم"],
    "vessels": ["ships", "vessels", "boats", "ferries", "tankers", "navires", "bateaux", "cargos", "porte-conteneurs",
                "سفن", "سفينه", "سفينة", "قوارب", "قارب", "ناقلات", "بواخر"],
    "vehicles": ["trucks", "lorries", "vehicles", "cars", "camions", "véhicules", "voitures", "شاحنه", "شاحنات",
                 "سيارات", "مركبات", "aircraft", "planes", "avions", "طائرات", "drones", "مسيرات"],
    "money": ["dollars", "euros", "pounds", "dinars", "dirhams", "francs", "دولار", "يورو", "دينار", "درهم", "جنيه",
              "usd", "eur", "$", "€"],
    "share": ["percent", "per cent", "%", "pour cent", "بالمئه", "بالمائه", "في المئه", "في المائه"],
    "days": ["days", "jours", "يوما", "ايام", "weeks", "semaines", "اسابيع", "hours", "heures", "ساعه", "ساعات"],
    "age": ["years old", "year old", "ans", "عاما", "سنه", "عام"],
    "weight": ["tons", "tonnes", "tonne", "طن", "اطنان", "barrels", "barils", "برميل", "براميل", "litres", "لتر"],
    "containers": ["containers", "conteneurs", "حاويه", "حاويات", "teu", "evp"],
}


# Words that name a death toll: a bare figure after one counts the dead.
TOLL_WORDS = {"toll", "bilan", "حصيله", "حصيلة"}


def _key(phrase: str) -> tuple[str, ...]:
    """A phrase as the token keys it is matched on: Arabic by stem (clitics off), other scripts lowercased."""
    return tuple(t.stem if ARABIC.match(t.norm) else t.norm for t in tokens(phrase))


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[tuple[str, ...], str]]:
    tables: dict[str, dict[tuple[str, ...], str]] = {"status": {}, "extent": {}, "pole": {}, "counted": {}}
    for concept, phrases in COUNTED.items():
        tables["counted"].update({_key(p): concept for p in phrases})
    for concept, phrases in STATUS.items():
        tables["status"].update({_key(p): concept for p in phrases})
    for concept, phrases in EXTENT.items():
        tables["extent"].update({_key(p): concept for p in phrases})
    for scale, (plus, minus) in POLES.items():
        tables["pole"].update({_key(p): f"{scale}+" for p in plus})
        tables["pole"].update({_key(p): f"{scale}-" for p in minus})
    return tables


def read_states(toks: list[Token]) -> dict[str, list[Fact]]:
    """``{"status": [...], "extent": [...], "pole": [...]}``: the concepts ``toks`` assert, longest phrase first."""
    keys = [t.stem if ARABIC.match(t.norm) else t.norm for t in toks]
    found: dict[str, list[Fact]] = {"status": [], "extent": [], "pole": [], "counted": []}
    for kind, table in _tables().items():
        longest = max(len(k) for k in table)
        used: set[int] = set()
        for i in range(len(toks)):
            for n in range(min(longest, len(toks) - i), 0, -1):
                concept = table.get(tuple(keys[i:i + n]))
                if concept and not used & set(range(i, i + n)):
                    span = (toks[i].start, toks[i + n - 1].end)
                    found[kind].append(Fact(kind, concept, " ".join(t.text for t in toks[i:i + n]), span))
                    used.update(range(i, i + n))
                    break
    return found


def what_counts(figure: Fact, states: dict[str, list[Fact]], toks: list[Token], window: int = 4) -> str:
    """What ``figure`` counts: the state right after it ("11 killed", « 29 blessés ») or the counted noun after
    it («178 راكبا», "32 navires"), else the state nearest to it within ``window`` tokens ("12 people were
    killed": people who died). "" when nothing says."""
    at = [i for i, t in enumerate(toks) if figure.span[0] <= t.start < figure.span[1]]
    if not at:
        return ""
    first, last = at[0], at[-1]
    skip = {"de", "d", "of", "des", "du", "من"}
    following = [k for k in range(last + 1, min(len(toks), last + 5)) if toks[k].norm not in skip][:2]
    after = {toks[k].start for k in following}
    for fact in states["counted"] + states["status"]:
        if fact.span[0] in after and fact.kind == "status":
            return "people:" + fact.key
    noun = next((f.key for f in states["counted"] if f.span[0] in after), "")
    if not noun and any(toks[k].norm in TOLL_WORDS or toks[k].stem in TOLL_WORDS for k in range(first)):
        return "people:dead"  # "the death toll rose to 31", « le bilan s'élève à 31 », «ارتفعت حصيلة القتلى إلى 31»
    near = [(abs(i - first), f.key) for f in states["status"] for i, t in enumerate(toks)
            if t.start == f.span[0] and abs(i - first) <= window]
    state = min(near)[1] if near else ""
    if noun and noun != "people":
        return noun
    return "people:" + state if state else noun
