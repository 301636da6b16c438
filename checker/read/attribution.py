"""Who asserts a sentence: its reporting cue, the source it names, who relayed it, and the asserted content.

Cues are found with patterns over general words only (verbs of saying, source nouns, prepositions), in Arabic
(«ذكرت صحيفة التايمز أن …», «وفق …», «نقل … عن مسؤولين قولهم …», «قال مصدر لوكالة رويترز إن …»), English
("X said …", "X told Reuters that …", "…, police said.", "according to X") and a few French and Spanish
forms ("selon X", "según X", «a déclaré», «ha dicho»). :func:`find_attribution` is the entry point;
:mod:`checker.read.claims` applies it to every sentence of a report.
"""

from __future__ import annotations

import re

from ..text.arabic import DIACRITICS

QUOTES = "\"“”«»'‘’"  #: quotation marks that may open or close a quote or a source name

# Reporting verbs (Arabic past/present, English; French and Spanish past forms) and how they assert.
_VERBS = {
    "said": "قال|قالت|يقول|تقول|أضاف|أضافت|تابع|تابعت|أوضح|أوضحت|أشار|أشارت|لفت|لفتت|صرح|صرحت|"
            "اعتبر|اعتبرت|رأى|رأت|كشف|كشفت|أعلن|أعلنت|قالوا|أعلنوا|أوضحوا|said|says|say|stated|added|told|announced|"
            "déclaré|indiqué|affirmé|dit|dijo|dicho|declaró|afirmó|indicó|señaló|aseguró",
    "reported": "ذكر|ذكرت|ذكرته|أفاد|أفادت|نقل|نقلت|أورد|أوردت|نشر|نشرت|reported|reports|wrote|"
                "rapporté|informé|informó|publicó",
    "confirmed": "أكد|أكدت|يؤكد|تؤكد|أكدوا|confirmed|confirms|confirmé|confirmó",
    "denied": "نفى|نفت|ينفي|تنفي|نفوا|أنكر|أنكرت|كذب|كذبت|denied|denies|rejected|démenti|nié|negó|desmintió",
}
_VERB_KIND = {v: kind for kind, verbs in _VERBS.items() for v in verbs.split("|")}
_W = r"(?<![\w\u0600-\u06ff])"  # start of a word (Arabic or Latin)
_E = r"(?![\w\u0600-\u06ff])"
_VERB = _W + r"(?:و|ف)?(?P<verb>" + "|".join(sorted(_VERB_KIND, key=len, reverse=True)) + ")" + _E
_THAT = (r"(?:[،,:]?\s*(?:أن|إن|أنه|إنه|أنها|إنها|بأن|that|que)" + _E
         + r"|\s*:|[،,]\s*[\"“«]|\s*(?:إلى|على)\s*[\"“«])")
_LEAD = r"^(?:[^،,.:]{0,40}[،,]\s*)?(?:لكن\s+|كما\s+|وقد\s+|قد\s+)?(?:و?كانت?\s+)?"
_DENIAL_OBJECT = r"(?:أي|وجود|صحة|ما\s|تقارير|الأنباء|أنباء|any\b|reports\b)"

QUOTING = re.compile(
    r"(?P<via>[^.!?؟:]{0,80}?)\s*" + _W + r"(?:و|ف)?(?:نقل|نقلت|نقلا|نقلاً|نقلته)" + _E
    + r"\s*(?P<mid>[^.!?؟]{0,80}?)\s*" + _W + r"عن\s+(?P<src>[^.!?؟:]{2,90}?)\s*"
    r"(?:[،,][^،,]{0,60}[،,]\s*)?(?:قول(?:هما|هم|ها|ه)\s*[،,]?\s*(?:إنه|أنه|إن|أن|:)?"
    r"|[،,]?\s*(?:أن|إن|بأن)" + _E + "|:)"
)
VERB_FIRST = re.compile(_LEAD + _VERB + r"(?:\s+(?:إلى|على|عن)(?=\s))?"
                        + r"(?:\s+(?!(?:أن|إن|بأن)\s)(?P<src>[^.!?؟:]{1,100}?))?" + _THAT)
DENIAL = re.compile(_LEAD + _W + r"(?:و|ف)?(?P<verb>نفى|نفت|ينفي|تنفي|نفوا|denied|denies)" + _E
                    + r"\s+(?P<src>[^.!?؟:]{2,100}?)\s+" + _DENIAL_OBJECT)
_AUX = r"(?:(?:a|ont|avait|ha|han|había)\s+)?"  # «a déclaré», «ha dicho»: the auxiliary is not the source
SUBJECT_FIRST = re.compile(_LEAD + r"(?P<src>[^.:!?؟]{2,100}?)\s+" + _AUX + _VERB + r"(?:\s+(?:إلى|على))?" + _THAT,
                           re.I)
_AR_VERB = "|".join(v for v in sorted(_VERB_KIND, key=len, reverse=True) if not v.isascii())
ACCORDING = re.compile(
    _W + r"(?:(?:و?وفق(?:ا|اً)?|و?بحسب|حسب)\s*ل?ما\s+(?P<verb>" + _AR_VERB + r")(?:ه|ها)?" + _E + "|"
    r"و?وفق(?:ا|اً)?\s*(?:ل|لـ)?|و?بحسب|حسب|according to|as reported by|selon|d['’]après|según|de acuerdo con)"
    r"\s*[\"“”«]?(?P<src>[^،,.!?؟]{2,60})", re.I
)
_TIME = re.compile(r"(?:^|\s)(?:في\s+(?:تقرير|تصريح|تصريحات|بيان|حديث|مقابلة)\S*(?:\s+(?:لها|له|صحافية|صحفية))?|أمس|"
                   r"اليوم|الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد|حينها|كذلك|أيضا|أيضاً|"
                   r"yesterday|today)(?=\s|$)")
_LEADING = re.compile(r"^(?:لكن|و|ف|من جهت(?:ه|ها|هم)|ما)\s+")

# English cues without «that»: "X said the vessel sank", "X told Reuters the …", "…, police said.".
# A bare "X said Y" is read as a quote only when X looks like a source and Y looks like a clause.
_EN_SAY = r"(?P<verb>said|says|say|told|tells|reported|reports|added|stated|wrote|announced|confirmed|denied)\b"
# who is told: a name ("Reuters", "the BBC", not "Reuters Monday") or an audience, which relays nothing
_AUDIENCE = r"reporters|journalists|lawmakers|parliament|the press|(?:a|the) (?:news|press) conference"
_EN_TOLD = (r"(?:(?:(?<=told)|(?<=tells)|\s+to)\s+(?P<to>(?:the\s+)?[A-Z][\w'’.&-]*"
            r"(?:\s+(?:of\s+)?(?![A-Z]\w*day\b)[A-Z][\w'’.&-]*)*"
            r"|" + _AUDIENCE + r"|state (?:media|television|radio|TV)))?")
_EN_WHEN = (r"(?:\s+(?:in (?:a|an|its|his|her|their) (?:statement|interview|post|briefing|report)|on [A-Z][\w-]*"
            r"|(?:late|early|earlier) [A-Z]\w*|[A-Z]\w*day|yesterday|today|by (?:phone|telephone|email)"
            r"|on condition of anonymity)){0,3}")
EN_CUE = re.compile(_LEAD + r"(?P<src>[^.:!?؟,;\"“”«»]{2,60}?)\s+" + _EN_SAY + _EN_TOLD + _EN_WHEN
                    + r"(?P<that>,?\s+that\b|\s*:)?\s*")
_CLOSE = "\"”’»"
TRAILING = re.compile(r"(?P<cut>[,،]\s*[" + _CLOSE + r"]?|[" + _CLOSE + r"]\s*[,،])\s*(?P<src>[^,،.!?;:\"“”«»]{2,60}?)"
                      r"\s+" + _EN_SAY + _EN_TOLD + _EN_WHEN + r"\s*[.!?]?[" + _CLOSE + r"]?\s*$")
_SOURCE_NOUN = re.compile(r"police|officials?|witness(?:es)?|ministry|minister|spokes(?:man|woman|person)|agency|"
                          r"residents?|sources?|authority|authorities|army|military|government|guard|rescuers|medics|"
                          r"doctors|prosecutors?|office|department|commission|council|service|statement", re.I)
_NAME_GLUE = {"of", "the", "for", "and", "al", "el", "de"}
_PRONOUN = {"he", "she", "they", "it", "we"}
_NOT_SOURCE = {"and", "but", "or", "which", "who", "as", "what", "that", "than", "while", "because", "if"}
# Finite verbs that open a reported clause; regular past tenses are recognised by "-ed".
_FINITE = re.compile(r"is|are|was|were|had|has|have|will|would|could|can|may|might|must|should|did|does|do|"
                     r"sank|fled|fell|struck|hit|took|left|went|came|began|broke|shot|rose|lost|won|sent|met|made|"
                     r"held|gave|saw|found|ran|led|kept|paid|sold|built|fought|caught|spread|became")
_NOT_SUBJECT = {"nothing", "something", "anything", "everything", "little", "much", "so", "yes", "no", "goodbye",
                "hello", "sorry", "thanks", "of", "about", "to", "for", "with", "on", "in", "at"}
_DETERMINER = {"a", "an", "the", "its", "his", "her", "their", "our", "this", "these", "those", "some", "no", "any"}


_TOLD_AR = re.compile(r"\sلـ?\s?[" + QUOTES + r"](.+)$|\sل((?:وكالة|صحيفة|جريدة|قناة|موقع|شبكة|إذاعة|تلفزيون)\s.+)$")
_LATIN = "A-Za-zÀ-ÿ"


def _clean_source(raw: str) -> tuple[str, str | None]:
    """Trim a captured source phrase; return ``(source, told_to)`` («… لـ"الشرق الأوسط"» is who was told)."""
    src, told = raw, None
    if m := _TOLD_AR.search(src):
        src, told = src[: m.start()], re.sub("[" + QUOTES + "]", "", m.group(1) or m.group(2)).strip(" ،,")
    src = re.sub(r"^[lLdD]['’](?=\w)", "", src.strip())  # «selon l'AFP»: the elided article is not the name
    # quotes go; an apostrophe inside a Latin word stays ("the ship's captain")
    src = re.sub(rf"[\"“”«»‘]|['’](?![{_LATIN}])|(?<![{_LATIN}])['’]", "", src)
    src = re.split(r"\s*[،,]\s*", src.strip(" ،,:-–"))[0]  # drop appositions: «ألكسندر ميكيف، رئيس …»
    src = _TIME.sub(" ", src)
    while (m := _LEADING.match(src)):
        src = src[m.end():]
    src = re.sub(r"\s+(?:إلى|على|عن)$", "", " ".join(src.split()))
    return src.strip(), told


def _strip_marks(text: str) -> tuple[str, list[int]]:
    """Remove diacritics and tatweel, keeping a map from stripped to original offsets."""
    kept = [(i, ch) for i, ch in enumerate(text) if not DIACRITICS.match(ch)]
    return "".join(ch for _, ch in kept), [i for i, _ in kept] + [len(text)]


def find_attribution(sentence: str) -> tuple[str, str, str | None, int, int] | None:
    """Find the reporting cue of a sentence.

    Returns:
        ``(source, how, via, body_start, body_end)`` where the body is the
        asserted content (before a closing "…, police said." and after an
        opening «ذكرت X أن»), or ``None`` when the sentence quotes nobody.
        An empty ``source`` means the verb has no subject («وقال: …»): the
        speaker of the previous sentence continues.
    """
    plain, where = _strip_marks(sentence)
    according = ACCORDING.search(plain)
    found = _quoting(plain) or _relayed(
        _cue(plain, (VERB_FIRST, DENIAL)) or _english(plain) or _cue(plain, (SUBJECT_FIRST,)) or _trailing(plain),
        according, plain)
    if found is None and according:
        found = _according(according, plain)
    if found is None:
        return None
    source, how, via, start, end = found
    start = end - len(plain[start:end].lstrip(" ،,:"))  # the body starts at its first word
    return source, how, via, where[start], where[end]


_Cue = tuple[str, str, str | None, int, int]  # source, how, via, body start and end in the stripped sentence


def _quoting(plain: str) -> _Cue | None:
    """«نقلت الوكالة عن مسؤولين قولهم إن …»: the source, and who relays it."""
    if not (m := QUOTING.search(plain)):
        return None
    src, _ = _clean_source(m.group("src"))
    via = _clean_source(m.group("mid"))[0] or _clean_source(m.group("via"))[0]
    return src, "reported", via if via and len(via.split()) <= 7 else None, m.end(), len(plain)


def _cue(plain: str, patterns: tuple[re.Pattern, ...]) -> _Cue | None:
    """The first of ``patterns`` that finds a source of at most nine words, or a subjectless verb."""
    for pattern in patterns:
        m = pattern.search(plain)
        if not m:
            continue
        src, told = _clean_source(m.group("src") or "")
        if len(src.split()) > 9:
            continue
        kind = _VERB_KIND.get(m.group("verb"), _VERB_KIND.get(m.group("verb").lower(), "said"))
        if not src and told:
            src, told = told, None
        return src, kind, told, m.end() if pattern is not DENIAL else m.end("src"), len(plain)
    return None


def _english(plain: str) -> _Cue | None:
    """"X told Reuters that …", "X said in a statement that …", and, without «that», "Witnesses said the …"."""
    m = EN_CUE.search(plain)
    if not m:
        return None
    src, verb, via = _clean_source(m.group("src"))[0], m.group("verb"), m.group("to")
    if verb in ("told", "tells") and not via:  # "He told the story of …" reports nothing
        return None
    if m.group("that") is None and (verb in ("reports", "wrote", "denied") or not _sourcelike(src)
                                    or not _opens_clause(plain[m.end():])):
        return None
    if not src or len(src.split()) > 9:
        return None
    return src, _VERB_KIND.get(verb, "said"), _via(via), m.end(), len(plain)


def _trailing(plain: str) -> _Cue | None:
    """A cue closing the sentence ("…, police said.", '"…," he told Reuters.'): the body ends before it."""
    m = TRAILING.search(plain)
    if not m:
        return None
    src = _clean_source(m.group("src"))[0]
    words = src.lower().split()
    speaker = words and len(words) <= 5 and words[0] in _DETERMINER | {"one"} and not _PRONOUN.intersection(words[1:])
    if not (_sourcelike(src) or speaker):  # "…, the story he told." is no cue
        return None
    start = len(plain) - len(plain.lstrip(" " + QUOTES))
    return src, _VERB_KIND.get(m.group("verb"), "said"), _via(m.group("to")), start, _before(plain, m.start())


def _according(according: re.Match, plain: str) -> _Cue:
    """«وبحسب X، …» opens the body; "…, according to X." closes it; one in mid-sentence leaves it whole."""
    verb = according.group("verb")
    src, _ = _clean_source(according.group("src"))
    how = _VERB_KIND.get(verb, "reported") if verb else "reported"
    if according.start() == 0:
        return src, how, None, according.end(), len(plain)
    return src, how, None, 0, _before(plain, according.start()) if _closes(according, plain) else len(plain)


def _relayed(found: _Cue | None, according: re.Match | None, plain: str) -> _Cue | None:
    """A cue followed by "according to Y" («بحسب Y»): Y relays it, and a closing one leaves the body."""
    if not (found and found[0] and according and according.start() > found[3]):
        return found
    src, how, via, start, end = found
    via = via or _clean_source(according.group("src"))[0]
    return src, how, via, start, _before(plain, according.start()) if _closes(according, plain) else end


def _closes(match: re.Match, plain: str) -> bool:
    """Whether ``match`` ends the sentence (only a full stop or a quote after it)."""
    return not plain[match.end():].strip(" .!?؟" + QUOTES)


def _before(plain: str, cut: int) -> int:
    """Where the body ends before a cue at ``cut``: without the comma and quotes that join them."""
    return len(plain[:cut].rstrip(" ،," + QUOTES))


def _via(told: str | None) -> str | None:
    """Who was told: "Reuters", "state television"; an audience ("reporters") relays nothing."""
    told = told or ""
    if told.endswith(".") and "." not in told[:-1]:  # "told Reuters." ends the sentence; "the U.S." keeps its dots
        told = told[:-1]
    if not told or re.fullmatch(_AUDIENCE, told):
        return None
    return told


def _sourcelike(phrase: str) -> bool:
    """A short subject that names a source: a pronoun, a source noun («the interior ministry») or a name."""
    words = phrase.split()
    if not 0 < len(words) <= 6 or words[0].lower() in _NOT_SOURCE:
        return False
    if (len(words) == 1 and words[0].lower() in _PRONOUN) or _SOURCE_NOUN.fullmatch(words[-1]):
        return True
    return all(w[0].isupper() or w.lower() in _NAME_GLUE for w in words) and words[-1][0].isupper()


def _opens_clause(rest: str) -> bool:
    """Whether ``rest`` reads as a reported clause («the vessel was overloaded»), not an object («nothing about»)."""
    words = [w.strip(".!?" + QUOTES) for w in re.split(r"[,;:]\s|\s[-–—]\s", rest, maxsplit=1)[0].split()]
    if len(words) < 2 or words[0].lower() in _NOT_SUBJECT:
        return False
    # the verb follows a subject; "-ed" after a determiner is an adjective ("an unexpected loss")
    return any(_FINITE.fullmatch(w.lower()) or (len(w) > 4 and w.islower() and w.endswith("ed")
                                                 and prev.lower() not in _DETERMINER)
               for prev, w in zip(words, words[1:]))
