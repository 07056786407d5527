"""Tokens and role phrases for `multivector.persons` (internal).

One pass of word tokens labelled with sentence, paragraph, quotation, boilerplate and actor
mention; readers for the role phrases written around a name ("the Deputy Director of X,
Name", "Name, senior researcher at Y", "Name was appointed minister of Z").
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate, compress, count, pairwise
from operator import itemgetter

from .personnames import NameLists
from .records import Mention
from .text import overlaps, paragraph_spans, sentence_spans

# An abbreviation ("U.S.": letter-dot pairs, two or more) or a word with inner hyphens and
# apostrophes. Written to open with a character class (the letter or digit both start with),
# which the engine uses to skip the spaces and punctuation in between at C speed; one group,
# for re.split. The branch for the common case (a second letter or digit) is tried first:
# an abbreviation needs a dot there. The quantifiers are possessive: nothing after them
# could match what they gave back, so the engine need not keep backtracking points.
_TOKEN = re.compile(
    r"([^\W_](?:[^\W_]++(?:[-'’][^\W_]++)*+|(?<=[^\W\d_])\.(?:[^\W\d_]\.)+|(?:[-'’][^\W_]++)*+))"
)
# The same pattern for plain-ASCII texts: there [^\W_] is [a-zA-Z0-9] and [^\W\d_] is
# [a-zA-Z], and ranges are tested from a bitmap, without a category lookup per character.
_TOKEN_ASCII = re.compile(
    r"([a-zA-Z0-9](?:[a-zA-Z0-9]++(?:[-'’][a-zA-Z0-9]++)*+|(?<=[a-zA-Z])\.(?:[a-zA-Z]\.)+"
    r"|(?:[-'’][a-zA-Z0-9]++)*+))"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_QUOTE_MARK = re.compile(r"[\"“”«»„]")
# Two literal patterns, not one with a class: the engine finds a literal with a fast substring
# search instead of testing every character against the class (three times faster).
_APOSTROPHE_S = (re.compile("'s"), re.compile("’s"))
CHAIN_WORDS = frozenset({"of", "the", "for", "at", "and", "under", "in", "on", "de", "du"})
DETERMINERS = frozenset({"the", "a", "an"})
_ISO3 = re.compile(r"[A-Z]{3}")
PARA_WINDOW = 4
_AS = frozenset({"as", "As", "aS", "AS", "aſ", "Aſ"})  # every word whose casefold is "as"
ORG_PREPOSITIONS = frozenset({"of", "at", "from", "by", "with", "for"})


@dataclass(slots=True)
class Tok:
    start: int
    end: int
    text: str
    low: str
    cap: bool
    poss: bool
    sent: int = 0
    para: int = 0
    quote: int = -1
    actor: str | None = None
    skip: bool = False
    index: int = -1  # in doc.toks


@dataclass
class Columns:
    """Per-token columns of an article, each built for all tokens at C speed (slices, maps,
    bisect). The rules read them directly (`words[i].casefold()` standing for `Tok.low`);
    a `Tok` is assembled from them only where a rule wants the whole token."""

    starts: list[int]
    ends: list[int]
    words: list[str]
    gaps: list[str]  # gaps[i]: the text between token i - 1 and token i
    poss: set[int]
    sents: list[int]  # sentence number (-1 before the first sentence)
    paras: list[int]  # paragraph number (-1 before the first paragraph)
    para_firsts: list[int]  # each paragraph's first token
    quote: list[int]
    actors: list[str | None]  # None: the token is outside every actor mention
    skip: list[bool]


class Tokens(dict[int, Tok]):
    """The article's tokens by index, each built on first lookup.

    Most tokens are lowercase function words that no rule ever looks at, so building a `Tok`
    for every one cost more than all the rules. As a dict, a repeated lookup stays in C;
    `__missing__` assembles a token from the columns. Indexing is list-like (negative
    indices count from the end, out of range raises IndexError); `len` is the token count.
    """

    def __init__(self, cols: Columns) -> None:
        super().__init__()
        self.cols = cols
        self.n = len(cols.starts)

    def __len__(self) -> int:
        return self.n

    def __missing__(self, i: int) -> Tok:
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(i)
        c = self.cols
        start, word = c.starts[i], c.words[i]
        tok = Tok(
            start, c.ends[i], word, word.casefold(), word[0].isupper(), i in c.poss,
            c.sents[i], c.paras[i],
            c.quote[i], c.actors[i], c.skip[i], i,
        )  # fmt: skip
        self[i] = tok
        return tok


@dataclass
class Doc:
    text: str
    toks: Tokens
    headline_paras: frozenset[int]
    capitals: list[int]  # indices of the capitalised tokens
    sentence_firsts: frozenset[int]  # i such that tokens i - 1 and i are in two sentences
    first_tokens: list[int]  # the same, sorted (with repeats)
    mentions: tuple[Mention, ...]
    skip: tuple[tuple[int, int], ...]
    quote_spans: list[tuple[int, int]]
    mention_ending: dict[int, Mention] = field(default_factory=dict)
    mention_starts: list[int] = field(default_factory=list)
    ascii: bool = False  # see plain_ascii
    starts: list[int] = field(default_factory=list)

    def sentence_at(self, pos: int) -> int:
        """Sentence of the token holding (or last starting before) character `pos`."""
        return self.toks.cols.sents[tok_at(self, pos)]

    def gap(self, i: int) -> str:
        """Text between token i - 1 and token i ("" before the first token)."""
        return self.toks.cols.gaps[i] if i > 0 else ""

    def next_sentence(self, i: int) -> int:
        """The first token after token i that opens a new sentence (len(toks) if none)."""
        k = bisect_right(self.first_tokens, i)
        return self.first_tokens[k] if k < len(self.first_tokens) else len(self.toks)

    def lower_word(self, word: str) -> bool:
        """The text writes `word` as a token starting in lower case ("rice", not "Rice")."""
        return word[0].islower() and word in self.words

    @functools.cached_property
    def words(self) -> frozenset[str]:
        """The token texts, as a set; built on the first question: most names need none."""
        return frozenset(self.toks.cols.words)

    def actors_in(self, start: int, end: int) -> list[str]:
        """ISO3 codes of the country-like mentions inside [start, end), in text order."""
        first = bisect_left(self.mention_starts, start)  # mentions are in start order
        last = bisect_right(self.mention_starts, end, first)
        return [
            m.actor
            for m in self.mentions[first:last]
            if m.end <= end
            and _ISO3.fullmatch(m.actor)
            and m.kind in ("country", "demonym", "metonym")
        ]

    def capitals_in(self, start: int, end: int) -> list[int]:
        """The capitalised tokens wholly inside [start, end), in order: bisected from the
        sorted columns, where an extra span (a model's entity) once tested every token."""
        lo = bisect_left(self.toks.cols.starts, start)  # the first starting at or after start
        hi = bisect_right(self.toks.cols.ends, end)  # tokens never overlap: ends are sorted
        caps = self.capitals
        return caps[bisect_left(caps, lo) : bisect_left(caps, hi)]

    def quote_of(self, pos: int) -> int:
        for n, (s, e) in enumerate(self.quote_spans):
            if s <= pos < e:
                return n
        return -1

    def in_skip(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps a skip span (one test, shared with the other steps)."""
        return overlaps(start, end, self.skip)


def _quote_spans(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quoted passages per paragraph; an unclosed quote runs to the paragraph's end.

    The marks are found in one scan of the text; a paragraph without any is skipped."""
    spans: list[tuple[int, int]] = []
    marks = [match.start() for match in _QUOTE_MARK.finditer(text)]
    if not marks:
        return spans
    for p_start, p_end in paragraphs:
        lo, hi = bisect_left(marks, p_start), bisect_left(marks, p_end)
        if lo == hi:
            continue
        open_at: int | None = None
        for pos in marks[lo:hi]:
            mark = text[pos]
            before = text[pos - 1] if pos > p_start else " "
            after = text[pos + 1] if pos + 1 < p_end else " "
            opening = mark in "“«„" or (
                mark == '"' and (before.isspace() or before in "([") and not after.isspace()
            )
            if opening:
                open_at = pos
            elif open_at is not None:
                spans.append((open_at, pos + 1))
                open_at = None
            elif mark in "”»":  # continuation of a quote opened in an earlier paragraph
                spans.append((p_start, pos + 1))
        if open_at is not None:
            spans.append((open_at, p_end))
    return spans


def _headline(text: str, words: Sequence[str], last_end: int) -> bool:
    """Title-case lines (headlines, labels): most long words capitalised, and no final full
    stop unless nearly every word is capitalised (the caller checks it is one sentence)."""
    long_words = [w for w in words if len(w) >= 4 and w[0].isalpha()]
    if len(long_words) < 3:
        return False
    share = sum(map(str.isupper, map(itemgetter(0), long_words))) / len(long_words)
    ends_sentence = text[last_end : last_end + 1] == "."
    return share >= (0.9 if ends_sentence else 0.6)


def _cover(starts: Sequence[int], spans: Sequence[tuple[int, int]]) -> list[int]:
    """For each position (sorted), the index of the first span ending after it, if that span
    holds it, else -1.

    Filled span by span with bisect rather than token by token, since an article has far
    fewer spans than tokens. A position is owned by span k when every earlier span ends at or
    before it (`reach`) and span k ends after it; it is labelled k when span k starts at or
    before it. For sorted disjoint spans that is simply the span holding the position.
    """
    out = [-1] * len(starts)
    reach = 0
    for k, (s, e) in enumerate(spans):
        lo, hi = bisect_left(starts, max(reach, s)), bisect_left(starts, e)
        if lo < hi:
            out[lo:hi] = [k] * (hi - lo)
        reach = max(reach, e)
    return out


def _actors(
    starts: Sequence[int], ends: Sequence[int], ordered: Sequence[Mention]
) -> list[str | None]:
    """For each token, the actor of the mention it overlaps (the first one, in start order,
    that ends after the token starts), else None; filled mention by mention with bisect."""
    n = len(starts)
    out: list[str | None] = [None] * n
    reach = 0
    for m in ordered:
        lo = bisect_right(ends, m.start)  # the first token ending after the mention starts,
        if lo < n and starts[lo] < reach:  # or after an earlier, overlapping mention's end
            lo = bisect_left(starts, reach)
        hi = bisect_left(starts, m.end, lo)
        if lo < hi:
            out[lo:hi] = [m.actor] * (hi - lo)
        if m.end > reach:
            reach = m.end
    return out


def _covered(starts: Sequence[int], spans: Sequence[tuple[int, int]]) -> list[bool]:
    """For each position (sorted), whether any of the spans holds it.

    The spans may overlap: each marks its own positions, so the union needs no merge."""
    out = [False] * len(starts)
    for s, e in spans:
        lo, hi = bisect_left(starts, s), bisect_left(starts, e)
        out[lo:hi] = [True] * (hi - lo)
    return out


def plain_ascii(text: str) -> bool:
    """Whether every letter, digit and space of the text is ASCII (quotes and dashes may not
    be). On such a text a pattern compiled with re.ASCII matches exactly as its Unicode
    version does (\\w, \\d, \\s and \\b agree on ASCII), and runs a fifth faster."""
    if text.isascii():
        return True  # the common case, answered in C without a scan for the other characters
    return not any(ch.isalnum() or ch.isspace() for ch in set(_NON_ASCII.findall(text)))


def _tokenize(text: str, ascii: bool) -> tuple[list[int], list[int], list[str], list[str]]:
    """Starts, ends, words and the gaps before each word (one more gap than words).

    `re.split` with the token pattern as its one group yields gap, word, gap, ..., gap in C;
    the running sum of their lengths gives every offset without a Python step per token.
    """
    parts = (_TOKEN_ASCII if ascii else _TOKEN).split(text)
    offsets = list(accumulate(map(len, parts), initial=0))
    return offsets[1:-1:2], offsets[2:-1:2], parts[1::2], parts[0::2]


def _possessives(
    text: str, starts: list[int], ends: list[int], words: list[str], gaps: list[str]
) -> set[int]:
    """Strip a possessive 's from the tokens that end with one (in place); which ones did.

    Found from the few "'s" in the text (a token holding one ends right after it), not by
    testing every token. The 's joins the gap after the token."""
    poss = set()
    found = [m.span() for pattern in _APOSTROPHE_S for m in pattern.finditer(text)]
    found.sort()  # in text order, as one scan found them: a token may hold two
    for start, end in found:
        n = bisect_left(ends, end)
        if n < len(ends) and ends[n] == end and starts[n] < start:
            poss.add(n)
            ends[n] -= 2
            words[n] = words[n][:-2]
            gaps[n + 1] = text[start:end] + gaps[n + 1]
    return poss


def _numbers(firsts: Sequence[int], n: int) -> list[int]:
    """For each of n tokens, the number of the last group (sentence, paragraph) whose first
    token (`firsts`, sorted) is at or before it, -1 if none; filled group by group."""
    out = [-1] * n
    for k, (lo, hi) in enumerate(pairwise([*firsts, n])):
        out[lo:hi] = [k] * (hi - lo)
    return out


def _headline_paras(text: str, cols: Columns, firsts: Sequence[int]) -> frozenset[int]:
    """Paragraphs written as headlines: one sentence of title-case words. Only the words of
    one-sentence paragraphs (no sentence's first token after their first) are looked at."""
    out = set()
    bounds = [*cols.para_firsts, len(cols.starts)]
    for para in range(len(cols.para_firsts)):
        lo, hi = bounds[para], bounds[para + 1]
        one_sentence = lo < hi and bisect_right(firsts, lo) == bisect_right(firsts, hi - 1)
        if one_sentence and _headline(text, cols.words[lo:hi], cols.ends[hi - 1]):
            out.add(para)
    return frozenset(out)


def document(text: str, mentions: Sequence[Mention], skip: Sequence[tuple[int, int]]) -> Doc:
    """Tokens with their sentence, paragraph, quote, skip and actor labels.

    Built column by column (positions, words, then each label filled span by span with
    bisect, or looked up with bisect); a token's `Tok` is made only when a rule reads it.
    """
    paragraphs = paragraph_spans(text)
    ordered = sorted(mentions, key=lambda m: m.start)
    ascii = plain_ascii(text)
    starts, ends, words, gaps = _tokenize(text, ascii)
    poss = _possessives(text, starts, ends, words, gaps)
    quotes = _quote_spans(text, paragraphs)
    skips = sorted((int(s), int(e)) for s, e in skip)
    actors = _actors(starts, ends, ordered)
    firsts = [bisect_left(starts, s) for s, _ in sentence_spans(text)]  # each one's first token
    para_firsts = [bisect_left(starts, s) for s, _ in paragraphs]
    cols = Columns(
        starts=starts,
        ends=ends,
        words=words,
        gaps=gaps,
        poss=poss,
        sents=_numbers(firsts, len(starts)),
        paras=_numbers(para_firsts, len(starts)),
        para_firsts=para_firsts,
        quote=_cover(starts, quotes),
        actors=actors,
        skip=_covered(starts, skips),
    )
    return Doc(
        text=text,
        toks=Tokens(cols),
        headline_paras=_headline_paras(text, cols, firsts),
        capitals=list(compress(count(), map(str.isupper, map(itemgetter(0), words)))),
        sentence_firsts=frozenset(firsts),
        first_tokens=firsts,
        mentions=tuple(ordered),
        skip=tuple(skips),
        quote_spans=quotes,
        mention_ending={m.end: m for m in ordered},
        mention_starts=[m.start for m in ordered],
        ascii=ascii,
        starts=starts,
    )


# --------------------------------------------------------------------------- role phrases


def role_noun(low: str, lists: NameLists) -> str | None:
    """The class of a role noun token ("ex-president" counts as president)."""
    if low in lists.role_class:
        return lists.role_class[low]
    if low.startswith("ex-") and low[3:] in lists.role_class:
        return lists.role_class[low[3:]]
    return None


def is_mod(cols: Columns, x: int, lists: NameLists) -> bool:
    """Token x may modify a role noun: a modifier, "ex-...", a capitalised content word or
    an actor ("Kazakh")."""
    word = cols.words[x]
    low = word.casefold()
    return (
        low in lists.modifiers
        or low.startswith("ex-")
        or (word[0].isupper() and low not in lists.function_words and low not in lists.time_words)
        or cols.actors[x] is not None
    )


def is_former(mod: str, lists: NameLists) -> bool:
    return mod in lists.former or mod.startswith("ex-")


@functools.lru_cache(maxsize=1024)  # an article's gaps are mostly " " and ", "
def gap_ok(gap: str) -> bool:
    """Inside a role phrase only spaces, commas and brackets separate words."""
    return "\n" not in gap and all(ch.isspace() or ch in ",()" for ch in gap)


def close_bracket(doc: Doc, start: int, end: int) -> int:
    """Extend a phrase over the ")" that closes a "(" inside it."""
    phrase = doc.text[start:end]
    if phrase.count("(") > phrase.count(")") and doc.text[end : end + 1] == ")":
        return end + 1
    return end


@dataclass(frozen=True, slots=True)
class Role:
    text: str
    start: int
    end: int
    noun: str
    cls: str
    former: bool
    ordinal: str | None
    current: bool
    country: str | None
    alias: bool = False  # "the leader of X, Name": the phrase also names the person


def _head_noun(low: Mapping[int, str], lists: NameLists, a: int, b: int) -> int | None:
    """The role noun of tokens a..b (`low`: their casefolded words): the first one before any
    "of/at/for", skipping nouns that are also modifiers ("chief researcher", "Deputy Director
    General")."""
    nouns = []
    for i in range(a, b + 1):
        if low[i] in CHAIN_WORDS:
            break
        if role_noun(low[i], lists):
            nouns.append(i)
    if not nouns:
        return next((i for i in range(a, b + 1) if role_noun(low[i], lists)), None)
    return next((i for i in nouns if low[i] not in lists.modifiers), nouns[0])


def make_role(doc: Doc, lists: NameLists, a: int, b: int) -> Role | None:
    """A role from tokens a..b: strip determiners and dangling words, find its noun.

    Reads the casefolded words of a..b once, from the columns, not as `Tok`s."""
    cols = doc.toks.cols
    low = dict(enumerate(map(str.casefold, cols.words[a : b + 1]), a))
    while a <= b and low[a] in DETERMINERS:
        a += 1
    while b >= a and (low[b] in CHAIN_WORDS or low[b] in DETERMINERS):
        b -= 1
    if a > b:
        return None
    noun_i = _head_noun(low, lists, a, b)
    if noun_i is None:
        return None
    noun = low[noun_i]
    cls = role_noun(noun, lists) or "neutral"
    lows = {low[x] for x in range(a, b + 1)}
    if noun == "head" and noun_i + 1 < b and low[noun_i + 1] == "of":
        rest = {low[x] for x in range(noun_i + 2, min(noun_i + 4, b + 1))}
        cls = "head" if rest & lists.head_of else cls  # "head of state", "head of the country"
    if cls == "neutral" and lows & lists.affiliation:
        cls = "expert"
    mods = [low[x] for x in range(a, noun_i)]
    former = noun.startswith("ex-") or any(m in lists.former or m.startswith("ex-") for m in mods)
    ordinal = next((m for m in mods if m in lists.ordinals), None)
    start, end = cols.starts[a], close_bracket(doc, cols.starts[a], cols.ends[b])
    before = doc.mention_ending.get(start - 1)
    if before is not None and doc.text[start - 1] == " ":
        start = before.start  # "U.S. President" where the tokenizer split "U.S."
    countries = doc.actors_in(start, end)
    return Role(
        text=doc.text[start:end],
        start=start,
        end=end,
        noun=noun.removeprefix("ex-"),
        cls=cls,
        former=former,
        ordinal=ordinal,
        current=bool(set(mods) & lists.current),
        country=countries[0] if countries else None,
    )


def chain_before(
    doc: Doc, lists: NameLists, i: int, last: int, blocked: frozenset[int] = frozenset()
) -> list[Role]:
    """Role phrases written right before the name in tokens i..last ("Deputy Director of X,
    Doctor of Y Name"). Across a comma only as an apposition: "the head of X, Name, said"."""
    # read from the columns: the walk back mostly stops at the first word ("said", "and")
    cols = doc.toks.cols
    sents, words, sent = cols.sents, cols.words, cols.sents[i]
    if "," in doc.gap(i):
        after = doc.text[cols.ends[last] : cols.ends[last] + 3]
        if not (
            any(ch in after for ch in ",.;")
            or last + 1 >= len(words)
            or sents[last + 1] != sents[last]
        ):
            return []
    j, leftmost = i - 1, None
    while j >= 0 and sents[j] == sent and j not in blocked and gap_ok(cols.gaps[j + 1]):
        word = words[j]
        low = word.casefold()
        if role_noun(low, lists) or low in lists.honorifics:
            leftmost = j
        elif not (  # is_mod, with `cap` alone enough (it is allowed here in any case)
            word[0].isupper()
            or low in lists.modifiers
            or low.startswith("ex-")
            or cols.actors[j] is not None
            or low in CHAIN_WORDS
            or low in lists.chain_nouns
            or word.isdigit()
        ):
            break
        j -= 1
    if leftmost is None:
        return []
    start = leftmost
    while (
        start - 1 >= 0
        and start - 1 not in blocked
        and sents[start - 1] == sent
        and is_mod(cols, start - 1, lists)
        and not doc.gap(start).strip()
    ):
        start -= 1
    # split at commas into separate roles; a piece without a role noun extends the previous
    pieces: list[list[int]] = [[start, start]]
    for k in range(start + 1, i):
        if "," in doc.gap(k):
            pieces.append([k, k])
        else:
            pieces[-1][1] = k
    roles: list[Role] = []
    for a, b in pieces:
        first = a + (words[a].casefold() in DETERMINERS)
        lead = range(first, min(b, first + 3) + 1)
        if roles and not any(role_noun(words[x].casefold(), lists) for x in lead):
            prev = roles.pop()
            merged = make_role(doc, lists, tok_at(doc, prev.start), b)
            if merged:
                roles.append(merged)
            continue
        role = make_role(doc, lists, a, b)
        if role:
            roles.append(role)
    det = start if words[start].casefold() == "the" else start - 1
    if roles and "," in doc.gap(i) and det >= 0 and words[det].casefold() == "the":
        final = roles[-1]  # "The leader of X, Name,": the description names the person too
        text = doc.text[cols.starts[det] : final.end]
        if len(text.split()) <= 6:
            roles[-1] = replace(final, alias=True, start=cols.starts[det], text=text)
    return roles


def tok_at(doc: Doc, pos: int) -> int:
    """Index of the token holding (or last starting before) character `pos`."""
    return max(bisect_right(doc.starts, pos) - 1, 0)


def read_role(doc: Doc, lists: NameLists, k: int, *, loose: bool) -> Role | None:
    """A role phrase starting at token k: [the] modifiers noun [of/at/for ...].

    `loose` (appositions) runs to the next comma or full stop; otherwise the phrase stops at
    the first word that is neither a name, a role word nor a linking word.
    """
    cols = doc.toks.cols  # read from the columns: most places hold no role phrase
    words, sents, n = cols.words, cols.sents, len(cols.words)
    j = k + (k < n and words[k].casefold() in DETERMINERS)
    noun = None
    for x in range(j, min(j + 5, n)):
        if (x > j and not gap_ok(doc.gap(x))) or (x > j and "," in doc.gap(x)):
            return None
        if role_noun(words[x].casefold(), lists):
            noun = x
            break
        if not is_mod(cols, x, lists):
            return None
    if noun is None:
        return None
    end = noun
    limit = min(noun + 30, n - 1)
    while end < limit:
        gap = doc.gap(end + 1)
        if sents[end + 1] != sents[noun] or "\n" in gap:
            break
        if loose:
            if any(ch in gap for ch in ',.;:!?"“”«»'):
                break
        else:
            low = words[end + 1].casefold()
            if not gap_ok(gap) or "," in gap or low in lists.time_words:
                break
            if not (
                words[end + 1][0].isupper()
                or low in CHAIN_WORDS
                or role_noun(low, lists)
                or low in lists.modifiers
                or low in lists.chain_nouns
            ):
                break
        end += 1
    if loose:
        after = doc.text[cols.ends[end] : cols.ends[end] + 2]
        if end + 1 < n and not any(ch in after for ch in ",.;)") and sents[end + 1] == sents[noun]:
            return None
    return make_role(doc, lists, j, end)


def predicate_roles(doc: Doc, lists: NameLists, b: int) -> list[Role]:
    """ "X was appointed president of Y", "X, who was the leader of Y", "X ... as the minister"."""
    toks, n, x = doc.toks, len(doc.toks), b + 1
    words, sents = toks.cols.words, toks.cols.sents  # columns: most names have no predicate
    if x < n and words[x].casefold() == "who":
        x += 1
    verbs = 0
    while x < n and words[x].casefold() in lists.predicate and sents[x] == sents[b] and verbs < 3:
        verbs += 1
        x += 1
    roles = []
    if verbs and x < n and sents[x] == sents[b]:
        role = read_role(doc, lists, x, loose=False)
        if role:
            roles.append(role)
    # "... as the Minister of Y" later in the same sentence, with no other name in between;
    # the words are searched as a slice of the column (a C-level set test) since most
    # sentences have no "as"
    limit = min(b + 25, n - 1, doc.next_sentence(b))
    if x < limit and not _AS.isdisjoint(words[x:limit]):
        y = next(y for y in range(x, limit) if words[y] in _AS)
        role = read_role(doc, lists, y + 1, loose=False)
        if role and (toks[y + 1].low in DETERMINERS or toks[y + 1].cap):
            roles.append(role)
    return roles
