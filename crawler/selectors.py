"""Seeds CSS selectors, compiled once, matched on a page's lxml tree without an XPath each.

The XPath parsel makes of a class selector (``.time``) tests every element of the page with
``concat``/``normalize-space``: tens of microseconds per selector, a dozen selectors a page.
Here one pass over the page's ``class`` and ``id`` values (``CandidateFinder``, built once per
source) finds every element any of the source's selectors could match, sorted by the class
name, id or class substring each selector's last step needs (``PageIndex``). A selector made
of tags, classes, ids, attribute tests and descendant or child combinators (all that seeds
use) is then checked on those few elements, ancestors right to left as a browser does. Any
other selector (pseudo-classes, sibling combinators, ``::text`` …) runs as the XPath parsel
gives it. Both give the same elements in document order: the tests compare them on every
saved page (replica, corpus, holdout, fixtures).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import cssselect
from cssselect.parser import Attrib, Class, CombinedSelector, Element, Hash
from lxml import etree
from parsel.csstranslator import css2xpath

_KEYED = ("class", "id")  # the attributes candidates are found by
_XPATH_SPACE = re.compile(r"[ \t\r\n]+")  # what normalize-space() splits on, nothing more


def element_text(element: Any) -> str:
    """An element's text nodes, each stripped, joined by spaces (empty ones left out)."""
    return " ".join(t.strip() for t in element.itertext() if t.strip())


def class_tokens(value: str) -> list[str]:
    """The classes of a ``class`` attribute as XPath's normalize-space() sees them."""
    if value.isascii() and value.isprintable():  # the usual case: blanks are spaces only
        return value.split()
    return [token for token in _XPATH_SPACE.split(value) if token]


# a document's class (id) values, and the elements that carry them, both in document order:
# the attribute axis is several times cheaper in libxml2 than a predicate on every element
_VALUES = {a: etree.XPath(f"descendant-or-self::*/@{a}", smart_strings=False) for a in _KEYED}
_OWNERS = {a: etree.XPath(f"descendant-or-self::*/@{a}/..") for a in _KEYED}


class CandidateFinder:
    """Every element a set of selectors could match, found once per page and sorted by the
    condition each selector's last step needs: a class name (``class``), a substring of the
    ``class`` attribute (``class*``, for ``[class*=…]``), an id (``id``). One pass over the
    page's class and id values, in Python, instead of an XPath per selector."""

    __slots__ = ("conditions", "tests")

    def __init__(self, selectors: list[CompiledSelector]) -> None:
        self.conditions = frozenset(s.condition for s in selectors if s.condition)
        self.tests: dict[str, tuple[re.Pattern[str], list[tuple[str, str]]]] = {}
        for attr in _KEYED:
            wanted = sorted(c for c in self.conditions if _attribute(c) == attr)
            if wanted:  # a value that may meet a condition contains its text
                screen = re.compile("|".join(re.escape(want) for _, want in wanted))
                self.tests[attr] = (screen, wanted)

    def find(self, root: Any) -> dict[tuple[str, str], list[Any]]:
        """The elements under ``root`` that meet each condition, in document order."""
        found: dict[tuple[str, str], list[Any]] = {c: [] for c in self.conditions}
        for attr, (screen, wanted) in self.tests.items():
            values = _VALUES[attr](root)
            hits = [n for n, value in enumerate(values) if screen.search(value)]
            owners = _OWNERS[attr](root) if hits else []
            for n in hits:
                value = values[n]
                tokens = class_tokens(value) if attr == "class" else []
                for condition in wanted:
                    if _meets(condition, value, tokens):
                        found[condition].append(owners[n])
        return found


def _attribute(condition: tuple[str, str]) -> str:
    return "id" if condition[0] == "id" else "class"


def _meets(condition: tuple[str, str], value: str, tokens: list[str]) -> bool:
    kind, want = condition
    if kind == "class":
        return want in tokens
    if kind == "class*":
        return want in value
    return value == want


class PageIndex:
    """The candidates of one document's root for a ``CandidateFinder``'s selectors."""

    __slots__ = ("found", "root")

    def __init__(self, root: Any, finder: CandidateFinder) -> None:
        self.root = root
        self.found = finder.find(root)


class _Step:
    """One compound selector (``td.font01``, ``#ozoom``, ``[class*=con_edit]``) as tests."""

    __slots__ = ("class_test", "classes", "ident", "tag", "tests")

    def __init__(self) -> None:
        self.tag: str | None = None
        self.ident: str | None = None
        self.classes: list[str] = []
        self.tests: list[tuple[str, Callable[[str], bool]]] = []
        self.class_test: str | None = None  # a substring of the class of any [class…] match

    def matches(self, element: Any) -> bool:
        if self.tag is not None and element.tag != self.tag:
            return False
        if self.ident is not None and element.get("id") != self.ident:
            return False
        if self.classes:
            value = element.get("class")
            if value is None:
                return False
            tokens = class_tokens(value)
            if any(name not in tokens for name in self.classes):
                return False
        for name, test in self.tests:
            value = element.get(name)
            if value is None or not test(value):
                return False
        return True


# attribute operators answered in Python, as cssselect translates them (an empty value for
# *= and ^=, or a blank one for ~=, matches nothing)
_OPERATORS: dict[str, Callable[[str], Callable[[str], bool]]] = {
    "exists": lambda want: lambda value: True,
    "=": lambda want: lambda value: value == want,
    "*=": lambda want: lambda value: bool(want) and want in value,
    "^=": lambda want: lambda value: bool(want) and value.startswith(want),
    "~=": lambda want: (
        lambda value: bool(want) and not _XPATH_SPACE.search(want) and want in class_tokens(value)
    ),
}


def _compound(tree: Any, step: _Step) -> bool:
    """Fill ``step`` from a cssselect compound; False for anything it cannot express."""
    if isinstance(tree, Element):
        if tree.namespace:
            return False
        if tree.element:
            step.tag = tree.element.lower()
        return True
    if isinstance(tree, Class):
        if not tree.class_name or _XPATH_SPACE.search(tree.class_name):
            return False
        step.classes.append(tree.class_name)
        return _compound(tree.selector, step)
    if isinstance(tree, Hash):
        if step.ident is not None and step.ident != tree.id:
            return False
        step.ident = tree.id
        return _compound(tree.selector, step)
    if isinstance(tree, Attrib):
        if tree.namespace or tree.operator not in _OPERATORS:
            return False
        want = tree.value.value if tree.value is not None else ""
        name = tree.attrib.lower()
        step.tests.append((name, _OPERATORS[tree.operator](want)))
        if name == "class":
            step.class_test = want if tree.operator == "*=" else ""
        return _compound(tree.selector, step)
    return False


def _condition(step: _Step) -> tuple[str, str] | None:
    """A condition (``CandidateFinder``) that every element matching ``step`` meets."""
    if step.ident is not None:
        return ("id", step.ident)
    if step.classes:
        return ("class", step.classes[0])
    return None if step.class_test is None else ("class*", step.class_test)


def compile_chain(css: str) -> list[tuple[str, _Step]] | None:
    """``css`` as (combinator to the left, step) pairs, left to right; None when the index
    cannot answer it (several selectors, pseudo-classes or -elements, sibling combinators)."""
    try:
        parsed = cssselect.parse(css)
    except cssselect.SelectorError:
        return None
    if len(parsed) != 1 or parsed[0].pseudo_element is not None:
        return None
    parts: list[tuple[str, Any]] = []  # right to left: (combinator on its left, compound)
    tree = parsed[0].parsed_tree
    while isinstance(tree, CombinedSelector):
        if tree.combinator not in (" ", ">"):
            return None
        parts.append((tree.combinator, tree.subselector))
        tree = tree.selector
    parts.append(("", tree))
    chain = []
    for combinator, compound in reversed(parts):
        step = _Step()
        if not _compound(compound, step):
            return None
        chain.append((combinator, step))
    return chain


def _chain_matches(element: Any, chain: list[tuple[str, _Step]], at: int) -> bool:
    """Whether ``element`` matches ``chain[: at + 1]`` (right to left, with backtracking)."""
    combinator, step = chain[at]
    if not step.matches(element):
        return False
    if at == 0:
        return True
    if combinator == ">":
        parent = element.getparent()
        return parent is not None and _chain_matches(parent, chain, at - 1)
    return any(_chain_matches(a, chain, at - 1) for a in element.iterancestors(etree.Element))


class CompiledSelector:
    """A seeds CSS selector compiled once, at spider build, not once per page."""

    __slots__ = ("chain", "condition", "css", "pseudo", "tag", "xpath")

    def __init__(self, css: str) -> None:
        self.css = css
        self.pseudo = "::" in css  # ::text / ::attr(x): the XPath yields strings
        self.xpath = etree.XPath(css2xpath(css))
        self.chain = None if self.pseudo else compile_chain(css)
        last = self.chain[-1][1] if self.chain else None
        self.condition = _condition(last) if last else None
        self.tag = last.tag if last else None

    def matches(self, root: Any, index: PageIndex | None = None) -> list[Any]:
        """What the selector selects under ``root``, in document order: from the candidates
        of ``index`` (of ``root``) or ``root``'s elements of one tag when it can, else by the
        XPath parsel would run."""
        if self.chain is None or index is None or index.root is not root:
            return self.xpath(root)
        if self.condition in index.found:
            pool: Any = index.found[self.condition]
        elif self.tag is not None:
            pool = root.iter(self.tag)
        else:
            return self.xpath(root)
        at = len(self.chain) - 1
        return [e for e in pool if _chain_matches(e, self.chain, at)]

    def text(self, match: Any) -> str:
        """The text of one match: a string as it is (``::text``), an element's text nodes."""
        return str(match) if self.pseudo else element_text(match)

    def texts(self, root: Any, index: PageIndex | None = None) -> Iterator[str]:
        return (self.text(match) for match in self.matches(root, index))

    def elements(self, root: Any, index: PageIndex | None = None) -> list[Any]:
        return [] if self.pseudo else self.matches(root, index)
