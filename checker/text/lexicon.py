"""Word lists of general language facts (Arabic, English, French): place-type nouns, months, weekdays,
relative dates, number words, negation, reluctance, antonyms, stopwords. Nothing names a particular event.
"""

from __future__ import annotations

# Nouns that introduce a named place: «قاعدة رامشتاين», «مطار معيتيقة», "Ramstein Air Base".
PLACE_TYPES = {"قاعده", "مطار", "ميناء", "مدينه", "بلده", "قريه", "منطقه", "محافظه", "ولايه", "اقليم", "جزيره",
               "مرفا", "معسكر", "سجن", "مستشفي", "ساحل", "سواحل", "مضيق", "خليج", "نهر", "قاعدتي", "base", "airport",
               "port", "city", "town", "village", "province", "region", "island", "harbour", "harbor", "camp"}

_GENERIC_ADJ = {"البحر", "الساحل", "الشرق", "الغرب", "الشمال", "الجنوب", "الحدود", "العاصمه", "البلاد", "المنطقه",
                "المدينه", "الداخل", "الخارج", "بحر", "حدود", "عاصمه", "بلاد",
                "عسكريه", "عسكري", "جويه", "جوي", "بحريه", "بحري",
                "دوليه", "دولي", "رئيسيه", "رئيسي", "جديده",
                "جديد", "كبيره", "كبير", "اجنبيه", "اجنبي", "دائمه", "دائم", "سريه", "محليه", "قريبه", "ساحليه",
                "military", "air", "naval", "international", "new", "main", "foreign", "permanent", "the", "of"}

MONTHS = {
    **{m: i for i, m in enumerate(["يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس", "سبتمبر",
                                   "اكتوبر", "نوفمبر", "ديسمبر"], 1)},
    **{m: i for i, m in enumerate(["كانون الثاني", "شباط", "اذار", "نيسان", "ايار", "حزيران", "تموز", "اب",
                                   "ايلول", "تشرين الاول", "تشرين الثاني", "كانون الاول"], 1)},
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"], 1)},
}

WEEKDAYS = {"الاثنين": 1, "الثلاثاء": 2, "الاربعاء": 3, "الخميس": 4, "الجمعه": 5, "السبت": 6, "الاحد": 7,
            "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7}

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
}

SCALES = {"الف": 1e3, "آلاف": 1e3, "الاف": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليار": 1e9, "مليارات": 1e9,
          "بليون": 1e9, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "ترليون": 1e12}

NUMBER_WORDS = {"واحد": 1, "اثنان": 2, "اثنين": 2, "ثلاثه": 3, "اربعه": 4, "خمسه": 5, "سته": 6, "سبعه": 7,
                "ثمانيه": 8, "تسعه": 9, "عشره": 10, "ثلاث": 3, "اربع": 4, "خمس": 5, "ثماني": 8, "تسع": 9,
                "مئه": 100, "مائه": 100,
                "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "dozen": 12, "eleven": 11, "twelve": 12,
                "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                "nineteen": 19, "hundred": 100}

# Tens, which take a unit after them ("twenty-six") or, in Arabic, before them («ستة وعشرون»).
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90, **{w: 10 * n for n, pair in enumerate([
            ("عشرون", "عشرين"), ("ثلاثون", "ثلاثين"), ("اربعون", "اربعين"), ("خمسون", "خمسين"), ("ستون", "ستين"),
            ("سبعون", "سبعين"), ("ثمانون", "ثمانين"), ("تسعون", "تسعين")], 2) for w in pair}}

# Strong negation: the claim asserts that something is not so.
NEGATIONS = {"لم", "لن", "ليس", "ليست", "لا", "عدم", "نفي", "ينفي", "تنفي", "نفت", "نفوا", "نافيا", "ينفون",
             "never", "not", "no", "none", "nobody", "denied", "denies", "deny", "without",
             "nor", "isn", "wasn", "aren", "weren", "didn", "doesn", "don", "hasn", "haven", "won"}

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
""".split())
