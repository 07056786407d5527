"""People named in an article: their name forms, bound descriptions, roles and country.

No English NER model can be installed here, so people are found with rules over one pass of
word tokens and the word lists in `data/persons.toml`: a capitalised sequence becomes a person
when it holds a known given name, follows a title or role ("President X", "politician X",
"the Deputy Director of Y, X"), stands in apposition to a role ("X, senior researcher at Y"),
follows "according to", or is the subject of a speech verb ("X said"). Actor mentions (the
`mentions` step) are never names. Every later form of a known person (surname alone, title +
surname, transliteration variants, small typos of a long surname) and every bound description
("the president", "the expert", "the new Kazakh leader") is merged into that person; people
who share a surname but differ in given name stay apart.

Unnamed office holders that the text qualifies with a country ("the President of Russia") are
kept as description-only persons (key `office:<noun>:<ISO3>`); other unbound descriptions are
dropped. Text inside `skip` spans (boilerplate) never introduces a person, but a mention
there of a person named elsewhere in the article is attached to them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate
from typing import Any

from .errors import ConfigError
from .personnames import NameLists, default_lists, fold_name, given_compatible, surname_typo
from .persontext import (
    ORG_PREPOSITIONS,
    PARA_WINDOW,
    Doc,
    Role,
    chain_before,
    document,
    is_former,
    predicate_roles,
    read_role,
    role_noun,
    tok_at,
)
from .pipeline import Resources, step
from .records import Article, Mention, Person, Span

__all__ = [
    "NameLists",
    "default_lists",
    "find_persons",
    "fold_name",
    "given_compatible",
    "persons_step",
    "surname_typo",
]

# --------------------------------------------------------------------------- name candidates


@dataclass(frozen=True, slots=True)
class _Cand:
    """A name written with enough evidence to introduce a person."""

    first: int  # token indices, inclusive
    last: int
    given: tuple[str, ...]  # folded given names (empty: surname only)
    surname: str  # folded
    surname_first: bool


def _word_kind(word: str, lists: NameLists) -> str:
    """The kind of a token outside any actor mention, which its text alone decides."""
    if not word[0].isupper() or any(map(str.isdigit, word)):
        return "X"
    low = word.casefold().rstrip(".")
    if low in lists.honorifics or role_noun(low, lists) or low in lists.modifiers:
        return "T"
    if low in lists.stop or (len(word) > 1 and word.isupper()):
        return "X"
    return "N"


def _runs(doc: Doc, lists: NameLists) -> list[tuple[int, int]]:
    """Maximal sequences of capitalised tokens (with inner particles) in one sentence.

    Read from the token columns, not `Tok`s: runs are sought around every capital, and most
    of what they touch (sentence openers, country names) is never looked at again."""
    cols, runs = doc.toks.cols, list[tuple[int, int]]()
    words, gaps, poss, n = cols.words, cols.gaps, cols.poss, len(cols.words)
    firsts, honorifics, particles = doc.sentence_firsts, lists.honorifics, lists.particles
    end = -1  # last token of the previous run
    for i in doc.capitals:  # only capitalised tokens start a run
        if i <= end:
            continue
        j = i
        while j + 1 < n:
            gap, following = gaps[j + 1], words[j + 1]
            if not following[0].isupper() and (gap != " " or following.casefold() not in particles):
                break  # the usual end: a lower-case word that is no particle ("said", "in")
            if gap != " " and gap != "\u00a0":
                dotted = gap == ". " and (len(words[j]) == 1 or words[j].casefold() in honorifics)
                if not dotted:
                    break
            if j in poss or j + 1 in firsts:
                break
            if words[j + 1][0].isupper():
                j += 1
            else:  # "von der Leyen", "bin Salman": particles between capitals
                m = j + 1
                while m < n and m - j <= 3 and gap == " " and words[m].casefold() in particles:
                    m += 1
                    gap = gaps[m] if m < n else ""
                if m == j + 1 or m >= n or not words[m][0].isupper() or gap != " ":
                    break
                j = m
        runs.append((i, j))
        end = j
    return runs


def _speech_after(doc: Doc, lists: NameLists, j: int) -> bool:
    """Token j is followed by a speech verb, perhaps after an adverb or two (read from the
    columns: these words are rarely looked at again)."""
    cols = doc.toks.cols
    for x in range(j + 1, min(j + 4, len(cols.words))):
        gap = cols.gaps[x]
        if not gap.isspace() or "\n" in gap or cols.sents[x] != cols.sents[j]:
            return False
        low = cols.words[x].casefold()
        if low in lists.speech:
            return True
        if low not in lists.adverbs and not low.endswith("ly"):
            return False
    return False


def _skip_affiliation(doc: Doc, j: int) -> int:
    """Last token of "of/from/at [the] Capitalised Words" right after token j, else j."""
    cols = doc.toks.cols
    words, gaps, n, x = cols.words, cols.gaps, len(cols.words), j + 1
    if x >= n or words[x].casefold() not in ("of", "from", "at") or gaps[x] != " ":
        return j
    x += 1
    if x < n and words[x].casefold() == "the":
        x += 1
    end = j
    while x < n and gaps[x] == " ":
        if words[x][0].isupper():
            end = x
        elif words[x].casefold() not in ("of", "and", "for"):
            break
        x += 1
    return end


def _name_from(
    doc: Doc, lists: NameLists, seg: list[int], cued: Callable[[], bool]
) -> _Cand | None:
    """The person's name inside a segment of name-like tokens, if there is evidence.

    `cued` (costly: it reads the words around) is asked only for a name with no known given
    name. Read from the token columns: most segments are one word that names nobody."""
    cols = doc.toks.cols
    words, given = cols.words, lists.given
    named = [x for x in seg if words[x].casefold() not in lists.particles]
    if not named:
        return None
    if len(named) >= 2:  # a known given name before the last word
        gi = next(
            (k for k, x in enumerate(named[:-1])
             if fold_name(words[x]) in given or fold_name(words[x].split("-")[0]) in given),
            None,
        )  # fmt: skip
        if gi is not None:
            return _cand(words, named[gi : gi + 4])
        first = fold_name(words[named[0]])
        if first in lists.surname_first and first not in given:
            return _Cand(named[0], named[1], (fold_name(words[named[1]]),), first, True)
    if not cued():
        return None
    if len(named) == 1 or (len(named) == 2 and len(words[named[0]]) == 1):
        tail = named[-1:]
    elif len(named) >= 3 and len(words[named[-2]]) == 1:
        tail = named[-3:]
    else:
        tail = named[-2:]
    head = tail[0]  # (head 0 after leading spaces compares with the last token, as it did)
    at_start = cols.starts[head] == 0 or cols.sents[head - 1] != cols.sents[head]
    if at_start and doc.lower_word(words[head].casefold()):
        return None  # "Diplomats said": a common word that happens to start the sentence
    return _cand(words, tail)


def _cand(words: Sequence[str], tail: Sequence[int]) -> _Cand:
    """A given-names-then-surname candidate from the tokens `tail`."""
    return _Cand(
        tail[0], tail[-1], tuple(fold_name(words[x]) for x in tail[:-1]),
        fold_name(words[tail[-1]]), False,
    )  # fmt: skip


_KINDS_KEPT = 20_000  # words whose kind is remembered across articles


def _segments(doc: Doc, lists: NameLists) -> list[tuple[list[int], int, int]]:
    """(token indices of name-like words, run start, run end) for every run.

    Computed once per article: both finding the candidates and linking the mentions walk
    the same segments. Read from the columns, with each word's kind worked out once."""
    out = []
    cols, kinds = doc.toks.cols, lists.word_kinds
    if len(kinds) > _KINDS_KEPT:
        kinds.clear()
    words, actors = cols.words, cols.actors

    def kind(x: int) -> str:
        if actors[x] is not None:  # inside an actor mention
            return "X"
        word = words[x]
        if (known := kinds.get(word, "")) == "":
            known = kinds[word] = _word_kind(word, lists)
        return known

    for a, b in _runs(doc, lists):
        if a == b:  # most runs are one capitalised word
            if kind(a) == "N":
                out.append(([a], a, b))
            continue
        seg: list[int] = []
        for x in range(a, b + 1):
            word = words[x]
            if not word[0].isupper() and word.casefold() in lists.particles:
                if seg:
                    seg.append(x)
                continue
            if kind(x) == "N":
                seg.append(x)
            elif seg:
                out.append((seg, a, b))
                seg = []
        if seg:
            out.append((seg, a, b))
    return out


def _apposition_start(doc: Doc, last: int) -> int | None:
    """First token after "Name, " (skipping an age: "Name, 54, a virologist"), if any."""
    cols, x = doc.toks.cols, last + 1
    n = len(cols.words)
    if x >= n or not doc.gap(x).startswith(", ") or cols.sents[x] != cols.sents[last]:
        return None
    if cols.words[x].isdigit() and x + 1 < n and doc.gap(x + 1) == ", ":
        x += 1
    return x


def _cued(doc: Doc, lists: NameLists, seg: list[int], run_a: int, run_b: int) -> bool:
    """Evidence around a name-like segment that it names a person.

    The words around the name are read from the columns (a casefold stands for `Tok.low`):
    most segments have no cue, and a `Tok` for each neighbour cost more than the tests."""
    cols = doc.toks.cols
    n, first, last = len(cols.words), seg[0], seg[-1]
    before = first - 1
    low_before = cols.words[before].casefold() if before >= 0 else ""
    if before >= 0 and cols.sents[before] == cols.sents[first]:
        title = low_before.rstrip(".")
        if (role_noun(title, lists) or title in lists.honorifics) and (
            before >= run_a or cols.gaps[first] == " "
        ):
            return True  # "President X", "politician X", "Dr. X"
    if first >= 2 and low_before == "to" and cols.words[first - 2].casefold() == "according":
        return True
    if last != run_b:
        return False
    words = [x for x in seg if cols.words[x].casefold() not in lists.particles]
    # a lone "Gazprom said", "Kazakhstan Temir Zholy said" or "of the Carnegie Endowment
    # believes" is as likely an organisation
    org_like = (
        (first > run_a and cols.actors[first - 1] is not None)
        or (first == run_a and first >= 1 and low_before in ORG_PREPOSITIONS)
        or (
            first == run_a
            and first >= 2
            and low_before == "the"
            and cols.words[first - 2].casefold() in ORG_PREPOSITIONS
        )
    )
    if len(words) >= 2 and not org_like and _speech_after(doc, lists, _skip_affiliation(doc, last)):
        return True  # "X Y said", "X Y of the Z Institute said"
    appos = _apposition_start(doc, last)
    if appos is not None and read_role(doc, lists, appos, loose=True):
        return True  # "X, senior researcher at Y,"
    followed_by_of = last + 1 < n and cols.words[last + 1].casefold() == "of"
    if (
        len(words) >= 2
        and not followed_by_of
        and (
            first == run_a
            or cols.actors[first - 1] is not None
            or _word_kind(cols.words[first - 1], lists) == "X"
        )
    ):
        if (len(words) >= 3 or not org_like) and chain_before(doc, lists, first, last):
            return True  # "the Deputy Director of Y, X Z", "Doctor of Sciences X Z"
        given = cols.words[words[0]]
        if len(words) == 2 and "-" in given and given[given.index("-") + 1 :][:1].isupper():
            return True  # hyphenated given names: "Jean-Claude X", "Kassym-Jomart X"
    return False


def _recurring_surnames(doc: Doc, lists: NameLists, segs: Sequence[list[int]]) -> set[str]:
    """Words that stand alone mid-sentence and also close a two-word capitalised name."""
    words, alone, firsts = doc.toks.cols.words, Counter[str](), set()
    for seg in segs:
        if len(seg) == 1 and seg[0] > 0 and seg[0] not in doc.sentence_firsts:
            alone[words[seg[0]]] += 1
        elif len(seg) == 2:
            firsts.add(words[seg[0]])
    return {w for w in alone if w not in firsts and not doc.lower_word(w)}


Segments = list[tuple[list[int], int, int]]


def _evidence(
    doc: Doc, lists: NameLists, seg: list[int], run_a: int, run_b: int, recurring: set[str]
) -> bool:
    """Cues around the segment, or a surname the text also writes alone."""
    words = doc.toks.cols.words
    return _cued(doc, lists, seg, run_a, run_b) or (
        len(seg) == 2 and words[seg[1]] in recurring and words[seg[0]] not in recurring
    )


def _never() -> bool:
    return False


def _always() -> bool:
    return True


def _candidates(
    doc: Doc, lists: NameLists, segments: Segments, extra: Sequence[tuple[int, int]]
) -> list[_Cand]:
    """Names with evidence: a given name, a title/role before, apposition, a speech verb."""
    toks, cands = doc.toks, []
    recurring = _recurring_surnames(doc, lists, [seg for seg, _, _ in segments])
    cols = toks.cols
    for seg, run_a, run_b in segments:
        if cols.paras[seg[0]] in doc.headline_paras:
            continue  # headline capitals prove nothing
        # chrome only yields names with a known given name
        skip = cols.skip[seg[0]]
        cued = _never if skip else partial(_evidence, doc, lists, seg, run_a, run_b, recurring)
        cand = _name_from(doc, lists, seg, cued)
        if cand:
            cands.append(cand)
    for start, end in extra:
        seg = doc.capitals_in(start, end)
        cand = _name_from(doc, lists, seg, cued=_always) if seg else None
        if cand:
            cands.append(cand)
    return cands


# --------------------------------------------------------------------------- people


@dataclass
class _Ment:
    start: int
    end: int
    para: int
    quote: int
    skip: bool
    kind: str  # "name" or "desc"
    tok: int = -1  # first token of a name mention
    full: bool = False
    sent: int = -1  # sentence of the first token (read for every description bound)


@dataclass
class _P:
    givens: list[str] = field(default_factory=list)
    surnames: list[str] = field(default_factory=list)
    surname_first: bool = False
    mentions: list[_Ment] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    office: tuple[str, str] | None = None

    def surname_match(self, folded: str) -> bool:
        if folded in self.surnames:
            return True  # else only a long surname can be a typo of one (see surname_typo)
        if len(folded) >= 7:
            for s in self.surnames:
                if surname_typo(s, folded):
                    return True
        return False

    def given_match(self, folded: Sequence[str]) -> bool:
        if not folded or not self.givens:
            return True
        return any(given_compatible(g, folded[0]) for g in self.givens)

    @property
    def country(self) -> str | None:
        return next(
            (r.country for r in sorted(self.roles, key=lambda r: r.start) if r.country), None
        )


def _cluster(cands: Sequence[_Cand]) -> list[_P]:
    """Group the evidenced names: same surname (or a typo of it) and compatible given name."""
    persons: list[_P] = []
    for c in sorted(cands, key=lambda c: (not c.given, c.first)):
        if not c.surname:
            continue  # nothing left after folding (digits, symbols)
        matches = [p for p in persons if p.surname_match(c.surname)]
        if c.given:
            exact = [p for p in matches if p.givens and p.given_match(c.given)]
            loose = [p for p in matches if not p.givens]
            target = exact[0] if exact else (loose[0] if len(loose) == 1 else None)
        else:
            target = matches[0] if len(matches) == 1 else None
            if len(matches) > 1:
                continue  # a bare surname shared by two people: decided when linking
        if target is None:
            target = _P(surname_first=c.surname_first)
            persons.append(target)
        if c.given and c.given[0] not in target.givens:
            target.givens.append(c.given[0])
        if c.surname not in target.surnames:
            target.surnames.append(c.surname)
    return persons


def _title(word: str, lists: NameLists) -> bool:
    """An honorific or role noun, as written before a surname ("Dr.", "President")."""
    low = word.casefold().rstrip(".")
    return low in lists.honorifics or low in lists.role_class


class _SurnameOwners:
    """The people whose surname (or a typo of it, `surname_typo`) a folded word is,
    remembered until some person gains a surname form.

    Most words name nobody; the set of all surnames and of the (first three, last two
    letters) that a typo must share with a long surname answer those without asking every
    person."""

    def __init__(self, persons: Sequence[_P]) -> None:
        self.persons = persons
        self.changed()

    def changed(self) -> None:
        surnames = [s for p in self.persons for s in p.surnames]
        self.exact = set(surnames)
        self.typo_keys = {(s[:3], s[-2:]) for s in surnames if len(s) >= 7}
        self.memo: dict[str, list[int]] = {}

    def __call__(self, folded: str) -> list[int]:
        owners = self.memo.get(folded)
        if owners is None:
            if folded in self.exact or (
                len(folded) >= 7 and (folded[:3], folded[-2:]) in self.typo_keys
            ):
                owners = [n for n, p in enumerate(self.persons) if p.surname_match(folded)]
            else:
                owners = []
            self.memo[folded] = owners
        return owners


def _link(doc: Doc, lists: NameLists, segments: Segments, persons: list[_P]) -> None:
    """Record every written form of the known people, left to right (from the columns)."""
    cols = doc.toks.cols
    text_of, paras = cols.words, cols.paras
    last_seen: dict[int, int] = {}
    owners_of = _SurnameOwners(persons)
    for seg, run_a, _run_b in segments:
        words = [x for x in seg if text_of[x].casefold() not in lists.particles]
        k = 0
        while k < len(words):
            x = words[k]
            folded = fold_name(text_of[x])
            owners = owners_of(folded)
            if not owners:
                k += 1
                continue
            sentence_start = x == 0 or x in doc.sentence_firsts
            if len(words) == 1 and sentence_start and doc.lower_word(text_of[x].casefold()):
                k += 1  # "Rice exports fell" where the text also writes "rice"
                continue
            head = k
            givens = {g for n in owners for g in persons[n].givens}
            while head > 0 and (
                (prev := fold_name(text_of[words[head - 1]])) in lists.given
                or prev in givens
                or (len(text_of[words[head - 1]]) == 1 and head > 1)  # "George W. Bush"
            ):
                head -= 1
            while head < k and len(text_of[words[head]]) == 1:
                head += 1  # an initial with no given name before it
            given = tuple(fold_name(text_of[w]) for w in words[head:k])
            first_tok = words[head]
            # surname-first names: "Xi Jinping" - the given name follows
            if persons[owners[0]].surname_first and k + 1 < len(words):
                given = (fold_name(text_of[words[k + 1]]),)
            if given:
                fitting = [n for n in owners if persons[n].givens and persons[n].given_match(given)]
                fitting = fitting or [n for n in owners if not persons[n].givens]
                if not fitting:
                    k += 1
                    continue  # another person who shares the surname
            elif k > 0 and words[k - 1] == x - 1 and paras[x] not in doc.headline_paras:
                k += 1
                continue  # "Unknown Surname": perhaps someone else of that name
            else:
                fitting = owners
            if len(fitting) > 1:
                pos, chosen = max((last_seen.get(n, -1), n) for n in fitting)
                if pos < 0 or paras[x] - paras[pos] > 1:
                    k += 1
                    continue
            else:
                chosen = fitting[0]
            surname_first = persons[chosen].surname_first and bool(given) and head == k
            last_tok = words[k + 1] if surname_first else x
            start_tok = first_tok
            if not given and first_tok - 1 >= run_a and _title(text_of[first_tok - 1], lists):
                start_tok = first_tok - 1  # "President Tokayev", "Expert Kazantsev"
            while (
                start_tok > 0
                and text_of[start_tok - 1].casefold() in lists.particles
                and cols.gaps[start_tok] == " "
                and cols.sents[start_tok - 1] == cols.sents[start_tok]
            ):
                start_tok -= 1  # "von der Leyen"
            mention = _Ment(
                cols.starts[start_tok], cols.ends[last_tok], paras[start_tok],
                cols.quote[start_tok], cols.skip[start_tok], "name", first_tok, bool(given),
                cols.sents[start_tok],
            )  # fmt: skip
            persons[chosen].mentions.append(mention)
            if folded not in persons[chosen].surnames:
                persons[chosen].surnames.append(folded)
                owners_of.changed()
            last_seen[chosen] = last_tok
            k = words.index(last_tok) + 1 if last_tok in words else k + 1


def _collect_roles(doc: Doc, lists: NameLists, persons: list[_P]) -> None:
    """Roles written around the name mentions; the name tokens block a role chain."""
    blocked: set[int] = set()
    for p in persons:
        for m in p.mentions:
            a = tok_at(doc, m.start)
            b = tok_at(doc, m.end - 1)
            blocked.update(range(a, b + 1))
    frozen = frozenset(blocked)
    for p in persons:
        for m in p.mentions:
            if m.skip:
                continue
            a, b = m.tok, tok_at(doc, m.end - 1)
            p.roles.extend(chain_before(doc, lists, a, b, frozen))
            appos = _apposition_start(doc, b)
            if appos is not None:
                role = read_role(doc, lists, appos, loose=True)
                if role:
                    p.roles.append(role)
            p.roles.extend(predicate_roles(doc, lists, b))


# --------------------------------------------------------------------------- descriptions


@dataclass(frozen=True, slots=True)
class _Desc:
    start: int
    end: int
    noun: str
    cls: str
    former: bool
    ordinal: str | None
    current: bool
    country: str | None
    para: int
    quote: int


def _descriptions(doc: Doc, lists: NameLists, persons: Sequence[_P]) -> list[_Desc]:
    """Definite descriptions of one person: "the president", "the new Kazakh leader"."""
    taken = [(r.start, r.end) for p in persons for r in p.roles]
    taken += [(m.start, m.end) for p in persons for m in p.mentions]
    overlaps_taken = _overlap_test(taken)
    out = []
    pattern = lists.description_ascii if doc.ascii else lists.description
    for match in pattern.finditer(doc.text):
        if match.group("generic"):
            continue  # "the leader of the nation": a title, not a reference
        start, end = (
            match.start(),
            match.end("noun") if match.group("comp") is None else (match.end("comp")),
        )
        noun_words = match.group("noun").casefold().split()
        noun = noun_words[-1]
        det = doc.text[start : match.end("det")] if match.group("det") is not None else ""
        if det.lower() in ("his", "her") and noun != "counterpart":
            continue
        if overlaps_taken(start, end) or doc.in_skip(start, end):
            continue
        country = None
        if match.group("poss") is not None:  # "X's": the possessor is a country
            codes = doc.actors_in(start, match.end("poss"))
            if not codes:
                continue
            country = codes[0]
        codes = doc.actors_in(start, end)
        country = country or (codes[0] if codes else None)
        mods = [w.casefold() for w in match.group("mods").split()] + noun_words[:-1]
        if any(m.endswith(("'s", "’s")) for m in mods):
            continue
        cls = role_noun(noun, lists) or "neutral"
        para = doc.toks.cols.paras[tok_at(doc, start)]
        out.append(
            _Desc(
                start, end, noun.removeprefix("ex-"), cls,
                noun.startswith("ex-") or any(is_former(m, lists) for m in mods),
                next((m for m in mods if m in lists.ordinals), None),
                bool(set(mods) & lists.current), country, para, doc.quote_of(start),
            )
        )  # fmt: skip
    return out


def _overlap_test(spans: Sequence[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test of whether [start, end) overlaps one of `spans`: the spans are sorted once,
    then the ones starting before `end` are found by bisect and the furthest end among them
    (a running maximum) is compared with `start`, instead of a scan of all per question."""
    ordered = sorted(spans)
    starts = [s for s, _ in ordered]
    reach = list(accumulate((e for _, e in ordered), max, initial=-1))

    def overlaps(start: int, end: int) -> bool:
        return reach[bisect_left(starts, end)] > start

    return overlaps


_OFFICE = ("head", "government")


def _level(desc: _Desc, p: _P, generic: frozenset[str] = frozenset()) -> int:
    """How well a description fits a person: 3 shares new/current, 2 same noun, 1 same class,
    0 nothing known, -1 contradiction (other country, office vs expert, former vs sitting,
    two different government posts: "the commissioner" is not the minister)."""
    country = p.country
    if desc.country and country and desc.country != country:
        return -1
    classified = [r for r in p.roles if r.cls != "neutral"]
    if not classified:
        return 0
    best = -1
    for r in classified:
        same_kind = (
            r.noun == desc.noun
            or r.cls == desc.cls
            or (desc.noun == "counterpart" and r.cls in _OFFICE)
        )
        if same_kind and r.former != desc.former and desc.cls == "head" and r.cls == "head":
            return -1  # a past holder is not "the president"
        if same_kind and desc.ordinal and r.ordinal and desc.ordinal != r.ordinal:
            return -1
        loose = desc.noun in generic or r.noun in generic
        if r.noun == desc.noun or (desc.noun == "counterpart" and r.cls in _OFFICE):
            level = 2
        elif r.cls == desc.cls and (desc.cls != "government" or loose):
            level = 1
        elif desc.cls == "neutral" or (r.cls in _OFFICE and desc.cls in _OFFICE and loose):
            level = 0
        else:
            continue
        if level >= 1 and desc.current and r.current:
            level = 3
        best = max(best, level)
    return best


def _bind(doc: Doc, lists: NameLists, persons: list[_P], descs: Sequence[_Desc]) -> None:
    """Join each description to the person it refers to, or to an unnamed office holder."""
    deferred = []
    for d in descs:
        chosen = _antecedent(doc, d, persons, lists.generic)
        if chosen is None and d.para in doc.headline_paras:
            deferred.append(d)  # a headline describes someone the article names below
            continue
        _attach_or_office(doc, lists, persons, chosen, d)
    for d in deferred:
        fits = [p for p in persons if p.mentions and _level(d, p, lists.generic) >= 1]
        chosen = min(fits, key=lambda p: p.mentions[0].start) if fits else None
        _attach_or_office(doc, lists, persons, chosen, d)


def _attach_or_office(
    doc: Doc, lists: NameLists, persons: list[_P], chosen: _P | None, d: _Desc
) -> None:
    """Attach to the chosen person; an unbound office of a named country is a person too."""
    if chosen is None:
        if not (d.country and d.cls in _OFFICE) or d.noun == "counterpart":
            return
        chosen = next((p for p in persons if p.office == (d.noun, d.country)), None)
        if chosen is None:
            chosen = _P(office=(d.noun, d.country))
            persons.append(chosen)
    _attach(doc, lists, chosen, d)


def _antecedent(doc: Doc, d: _Desc, persons: Sequence[_P], generic: frozenset[str]) -> _P | None:
    """The person a description refers to: the most recent fitting one named in an earlier
    sentence (of the narrative, or of the same quotation), within a few paragraphs."""
    d_sent = doc.sentence_at(d.start)
    scored = []
    for p in persons:
        seen = [
            m for m in p.mentions
            if m.sent < d_sent and (m.quote < 0 or m.quote == d.quote)
            and d.para - m.para <= PARA_WINDOW and not (m.skip and m.kind == "name")
        ]  # fmt: skip
        if not seen:
            continue
        level = _level(d, p, generic)
        if level >= 0:
            scored.append((level, max(m.start for m in seen), d.para - seen[-1].para, p))
    if not scored:
        return None
    top = [s for s in scored if s[0] == 3] or [s for s in scored if s[0] >= 1]
    if top:
        return max(top, key=lambda s: s[1])[3]
    near = [s for s in scored if s[2] <= 1]
    return max(near, key=lambda s: s[1])[3] if near else None


def _attach(doc: Doc, lists: NameLists, p: _P, d: _Desc) -> None:
    sent = doc.sentence_at(d.start)
    p.mentions.append(_Ment(d.start, d.end, d.para, d.quote, False, "desc", sent=sent))
    p.mentions.sort(key=lambda m: m.start)
    phrase = doc.text[d.start : d.end]
    text = _without_determiner(phrase)
    # a stripped determiner (text then differs): the role starts at the next word
    start = d.start if text == phrase else d.end - len(phrase.split(None, 1)[-1])
    p.roles.append(
        Role(text, start, d.end, d.noun, d.cls, d.former, d.ordinal, d.current, d.country)
    )


def _without_determiner(phrase: str) -> str:
    """A description as a role's text or a label: "the president" says "president".

    A phrase opening with "the", "his" or "her" gives its other words joined by single
    spaces; any other phrase is returned as written."""
    words = phrase.split()
    return " ".join(words[1:]) if words[0].casefold() in ("the", "his", "her") else phrase


# --------------------------------------------------------------------------- output


def _canonical(doc: Doc, p: _P) -> tuple[str, str]:
    """(display name, corpus key) from the most frequent full name form."""
    names = [m for m in p.mentions if m.kind == "name"]
    if not names:
        noun, country = p.office or ("person", "")
        label = _without_determiner(doc.text[p.mentions[0].start : p.mentions[0].end])
        return label[:1].upper() + label[1:], f"office:{noun}:{country}"
    starts = doc.toks.cols.starts
    forms = [doc.text[starts[m.tok] : m.end] for m in names if m.full]  # full names first
    if not forms:
        forms = [doc.text[starts[m.tok] : m.end] for m in names]
    name = max(forms, key=forms.count)  # the most frequent; on a tie, the first written
    words = name.split()
    if p.surname_first or len(words) == 1:
        key = fold_name(name)
    else:
        surname_at = next(
            (k for k, w in enumerate(words) if k and fold_name(w) in p.surnames), len(words) - 1
        )
        key = fold_name(" ".join([words[0], *words[surname_at:]]))
    return name, key


def _emit(doc: Doc, persons: Sequence[_P]) -> tuple[Person, ...]:
    kept = [
        p for p in persons
        if any(not m.skip for m in p.mentions)
    ]  # fmt: skip
    kept.sort(key=lambda p: min(m.start for m in p.mentions if not m.skip))
    out = []
    for n, p in enumerate(kept, 1):
        name, key = _canonical(doc, p)
        mentions = sorted({(m.start, m.end) for m in p.mentions})
        aliases = list(dict.fromkeys(doc.text[s:e] for s, e in mentions))
        roles = sorted(p.roles, key=lambda r: r.start)
        for r in roles:
            if r.alias and r.text not in aliases:
                aliases.append(r.text)
        out.append(
            Person(
                id=f"p{n}",
                name=name,
                aliases=tuple(aliases),
                roles=tuple(
                    dict.fromkeys(r.text.removeprefix("the ").removeprefix("The ") for r in roles)
                ),
                country=p.country,
                key=key,
                spans=tuple(Span(s, e) for s, e in mentions),
            )
        )
    return tuple(out)


def find_persons(
    text: str,
    *,
    mentions: Sequence[Mention] = (),
    skip: Sequence[Any] = (),
    names: NameLists | None = None,
    extra: Sequence[tuple[int, int]] = (),
) -> tuple[Person, ...]:
    """The people of one article, each with all its name forms, descriptions and roles.

    `mentions` are the actor mentions (never names; their codes give countries), `skip`
    the boilerplate spans (objects with start/end or pairs), `extra` spans of further name
    candidates (e.g. PERSON entities of a spaCy model).
    """
    lists = names or default_lists()
    spans = [(s.start, s.end) if hasattr(s, "start") else (s[0], s[1]) for s in skip]
    doc = document(text, mentions, spans)
    segments = _segments(doc, lists)
    persons = _cluster(_candidates(doc, lists, segments, extra))
    _link(doc, lists, segments, persons)
    _collect_roles(doc, lists, persons)
    _bind(doc, lists, persons, _descriptions(doc, lists, persons))
    return _emit(doc, persons)


# --------------------------------------------------------------------------- pipeline step


def _spacy_persons(resources: Resources, text: str) -> list[tuple[int, int]]:
    """PERSON entities of the user's spaCy model, when `spacy_model` is set and installed."""
    model_name = resources.options.get("spacy_model")
    if not model_name:
        return []

    def load(_: Resources) -> Any:
        import spacy

        try:
            nlp = spacy.load(model_name)
        except OSError:
            raise ConfigError(
                f"spaCy model {model_name!r} is not installed (pip install it, or pass the "
                "path of a saved model); without --spacy-model, persons come from rules only"
            ) from None
        if "ner" not in nlp.pipe_names:
            raise ConfigError(f"spaCy model {model_name!r} has no 'ner' component")
        return nlp

    nlp = resources.get(f"spacy_model:{model_name}", load)
    return [(e.start_char, e.end_char) for e in nlp(text).ents if e.label_ == "PERSON"]


@step("persons", provides="persons", requires=("mentions",))
def persons_step(
    article: Article, records: Mapping[str, tuple[Any, ...]], resources: Resources
) -> tuple[Person, ...]:
    """People of one article, using the mentions step's actor spans."""
    lists = resources.get("persons.names", lambda r: NameLists.load(r.options.get("persons_file")))
    return find_persons(
        article.text,
        mentions=records.get("mentions", ()),
        skip=article.boilerplate,
        names=lists,
        extra=_spacy_persons(resources, article.text),
    )
