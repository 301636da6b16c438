"""Word lists of general language facts (Arabic, English, French): place-type nouns, months, weekdays,
relative dates, number words, negation, reluctance, antonyms, stopwords. Nothing names a particular event.
"""

from __future__ import annotations

# Nouns that introduce a named place: «قاعدة رامشتاين», «مطار معيتيقة», "Ramstein Air Base".
PLACE_TYPES = {"قاعده", "مطار", "ميناء", "مدينه", "بلده", "قريه", "منطقه", "محافظه", "ولايه", "اقليم", "جزيره",
               "مرفا", "معسكر", "سجن", "مستشفي", "ساحل", "سواحل", "مضيق", "خليج", "نهر", "قاعدتي", "base", "airport",
               "port", "city", "town", "village", "province", "region", "island", "harbour", "harbor", "camp",
               "ville", "région", "aéroport", "île", "prison", "hôpital", "quartier", "commune", "localité",
               "district", "préfecture", "wilaya", "terminal"}

_GENERIC_ADJ = {"البحر", "الساحل", "الشرق", "الغرب", "الشمال", "الجنوب", "الشرقي", "الغربي", "الشمالي", "الجنوبي",
                "الشرقيه", "الغربيه", "الشماليه", "الجنوبيه", "شرقي", "غربي", "شمالي", "جنوبي", "الحدود", "العاصمه",
                "البلاد", "المنطقه",
                "المدينه", "الداخل", "الخارج", "بحر", "حدود", "عاصمه", "بلاد",
                "عسكريه", "عسكري", "جويه", "جوي", "بحريه", "بحري",
                "دوليه", "دولي", "رئيسيه", "رئيسي", "جديده",
                "جديد", "كبيره", "كبير", "اجنبيه", "اجنبي", "دائمه", "دائم", "سريه", "محليه", "قريبه", "ساحليه",
                "military", "air", "naval", "international", "new", "main", "foreign", "permanent", "the", "of",
                "internationale", "militaire", "aérienne", "aérien", "navale", "maritime", "principal",
                "principale", "nouveau", "nouvelle"}

MONTHS = {
    **{m: i for i, m in enumerate(["يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس", "سبتمبر",
                                   "اكتوبر", "نوفمبر", "ديسمبر"], 1)},
    **{m: i for i, m in enumerate(["كانون الثاني", "شباط", "اذار", "نيسان", "ايار", "حزيران", "تموز", "اب",
                                   "ايلول", "تشرين الاول", "تشرين الثاني", "كانون الاول"], 1)},
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"], 1)},
    **{m: i for i, m in enumerate(["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                   "septembre", "octobre", "novembre", "décembre"], 1)},
}

WEEKDAYS = {"الاثنين": 1, "الثلاثاء": 2, "الاربعاء": 3, "الخميس": 4, "الجمعه": 5, "السبت": 6, "الاحد": 7,
            "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7,
            "lundi": 1, "mardi": 2, "mercredi": 3, "jeudi": 4, "vendredi": 5, "samedi": 6, "dimanche": 7}
# Days relative to the report's date: (words, shift in days).
DAY_SHIFTS = {"امس": -1, "البارحه": -1, "yesterday": -1, "hier": -1, "اليوم": 0, "today": 0, "tonight": 0,
              "aujourd": 0, "غدا": 1, "tomorrow": 1, "demain": 1}

# Relative dates: (unit, shift) from the report's date. A leading «و»/«ب»/«ف» is stripped before lookup.
RELATIVE_DATES = {
    **{f"{unit} {word}": (kind, shift)
       for kind, units in (("year", ("العام", "السنه", "عام")), ("month", ("الشهر", "شهر")))
       for unit in units
       for words, shift in ((("الماضي", "الماضيه", "المنصرم", "المنصرمه", "السابق"), -1),
                            (("الحالي", "الحاليه", "الجاري", "الجاريه"), 0),
                            (("المقبل", "المقبله", "القادم", "القادمه"), 1))
       for word in words},
    "هذا العام": ("year", 0), "هذه السنه": ("year", 0), "هذا الشهر": ("month", 0),
    "last year": ("year", -1), "this year": ("year", 0), "next year": ("year", 1),
    "last month": ("month", -1), "this month": ("month", 0), "next month": ("month", 1),
    "an dernier": ("year", -1), "année dernière": ("year", -1), "cette année": ("year", 0),
    "mois dernier": ("month", -1), "ce mois": ("month", 0), "mois prochain": ("month", 1),
}

SCALES = {"الف": 1e3, "آلاف": 1e3, "الاف": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليار": 1e9, "مليارات": 1e9,
          "بليون": 1e9, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "ترليون": 1e12,
          "millions": 1e6, "billions": 1e9, "thousands": 1e3, "mille": 1e3, "milliard": 1e9, "milliards": 1e9}

NUMBER_WORDS = {"واحد": 1, "اثنان": 2, "اثنين": 2, "ثلاثه": 3, "اربعه": 4, "خمسه": 5, "سته": 6, "سبعه": 7,
                "ثمانيه": 8, "تسعه": 9, "عشره": 10, "ثلاث": 3, "اربع": 4, "خمس": 5, "ثماني": 8, "تسع": 9,
                "مئه": 100, "مائه": 100,
                "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "dozen": 12, "eleven": 11, "twelve": 12,
                "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                "nineteen": 19, "hundred": 100,
                "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
                "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "cent": 100,
                "احد عشر": 11, "اثنا عشر": 12}
# Round figures that say "about": "a dozen", « une trentaine », «عشرات» (value, and that it is approximate).
APPROXIMATE_NUMBERS = {"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
                       "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "dozens": 24,
                       "dozen": 12, "dizaines": 20, "centaines": 200, "عشرات": 20, "مئات": 200, "hundreds": 200}

# Tens, which take a unit after them ("twenty-six") or, in Arabic, before them («ستة وعشرون»).
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
        **{w: 10 * n for n, pair in enumerate([
            ("عشرون", "عشرين"), ("ثلاثون", "ثلاثين"), ("اربعون", "اربعين"), ("خمسون", "خمسين"), ("ستون", "ستين"),
            ("سبعون", "سبعين"), ("ثمانون", "ثمانين"), ("تسعون", "تسعين")], 2) for w in pair}}

# Strong negation: the claim asserts that something is not so.
NEGATIONS = {"لم", "لن", "ليس", "ليست", "لا", "عدم", "نفي", "ينفي", "تنفي", "نفت", "نفوا", "نافيا", "ينفون",
             "never", "not", "no", "none", "nobody", "denied", "denies", "deny", "without",
             "nor", "isn", "wasn", "aren", "weren", "didn", "doesn", "don", "hasn", "haven", "won",
             "pas", "jamais", "aucun", "aucune", "nie", "nié", "nient", "dément", "démenti", "démentent", "sans"}

# Words that mark a figure as a revision of an earlier one: "the toll rose to 31", « s'alourdit à 17 »,
# «ارتفعت حصيلة … إلى». A changed figure with one of these is an update, not a contradiction.
UPDATE_MARKERS = {"rose", "rises", "risen", "climbed", "climbs", "increased", "revised", "updated", "now", "new",
                  "latest", "alourdi", "alourdit", "désormais", "passe", "passé", "revu", "nouveau", "dernier",
                  "ارتفعت", "ارتفع", "ترتفع", "يرتفع", "جديده", "جديد", "محدثه", "الاخيره", "حاليا"}

# Weak negative stance: reluctance or refusal, which agrees with a denial but does not contradict an assertion.
RELUCTANCE = {"يتردد", "تتردد", "تردد", "متردد", "يرفض", "ترفض", "رفض", "رفضت", "يعارض", "تعارض", "يعارضون",
              "معارضه", "reluctant", "refuses", "refused", "opposes", "opposed", "hesitant"}

ANTONYMS = [
    ("ارتفع", "انخفض"), ("ارتفاع", "انخفاض"), ("ارتفعت", "انخفضت"), ("زياده", "تراجع"), ("زاد", "تراجع"),
    ("ارتفعت", "تراجعت"), ("ارتفاع", "تراجع"), ("استمرار", "توقف"), ("استمر", "توقف"), ("يستمر", "يتوقف"),
    ("اعلي", "ادني"), ("اكبر", "اصغر"), ("اكثر", "اقل"), ("فوز", "خساره"), ("فاز", "خسر"), ("نجاح", "فشل"),
    ("نجح", "فشل"), ("قبول", "رفض"), ("وافق", "رفض"), ("وافقت", "رفضت"), ("فتح", "اغلاق"), ("افتتاح", "اغلاق"),
    ("صعود", "هبوط"), ("تقدم", "تاخر"), ("انتصار", "هزيمه"), ("حرب", "سلام"), ("دخول", "خروج"), ("بدايه", "نهايه"),
    ("rise", "fall"), ("rose", "fell"), ("increase", "decrease"), ("increased", "decreased"), ("higher", "lower"),
    ("up", "down"), ("won", "lost"), ("win", "lose"), ("accepted", "rejected"), ("accept", "reject"),
    ("open", "closed"), ("opened", "closed"), ("more", "fewer"), ("gain", "loss"), ("success", "failure"),
    ("continue", "stop"), ("continued", "stopped"), ("approved", "rejected"), ("alive", "dead"), ("survived", "died"),
]

_ANTONYM: dict[str, set[str]] = {}
for _a, _b in ANTONYMS:
    _ANTONYM.setdefault(_a, set()).add(_b)
    _ANTONYM.setdefault(_b, set()).add(_a)

STOPWORDS = set("""
في من الي علي عن مع ان انه انها ان او ثم قد كان كانت كما التي الذي الذين هذا هذه ذلك تلك هناك هنا بعد قبل
حتي خلال عند بين حول ضد منذ لدي لها له لهم هو هي هم نحن كل بعض اي ايضا وقال قال قالت ذكرت ذكر اضاف اشار
اكد تم يتم وفق بحسب حسب مثل غير الا اذا لكن بل وهو وهي وقد فقد ما ماذا لماذا كيف متي اين يكون تكون جدا
the a an of to in on at by for with from and or but that this these those is are was were be been being
it its as has have had will would can could may might said says told according which who whom what when
le la les un une des du de d l et ou en au aux dans sur par pour avec qui que qu est sont était été a ont
ce cette ces son sa ses leur leurs il elle ils elles se s y ne selon plus après avant lors depuis ainsi
""".split())
