"""The `query` language: terms combined with AND, OR, NOT and parentheses.

    title:"diffusion model" AND (video OR 3D) AND NOT survey

Precedence: NOT binds tighter than AND, AND tighter than OR; terms side by side mean AND;
quotes make a phrase (`"world model"`), `field:` limits a term, a quoted phrase or a group
(`title:(video OR 3D)`), `re:"..."` is a regular expression. Operators are written in capitals;
lower-case `and`/`or`/`not` are a syntax error rather than a silent search for the word.
Every error carries the 1-based column it points at.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.rules.nodes import And, Leaf, Node, Not, Or
from sitegen.rules.terms import FIELDS, RuleError, make_term, split_field

_OPERATORS = ("AND", "OR", "NOT")
_STOP = frozenset('()"')
# Bounds on what one query may hold: the parser, the matcher and the generated predicate
# (engine.py) all recurse over the structure, so its depth must stay far below Python's limits.
MAX_QUERY_LENGTH = 10_000  # characters
MAX_NESTING = 30  # parentheses and NOTs inside each other


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "term", "group" (`field:(`), "end"
    start: int  # 0-based offset in the query
    end: int
    field: str | None = None
    term_body: str = ""
    quoted: bool = False

    @property
    def column(self) -> int:
        return self.start + 1

    def describe(self) -> str:
        if self.kind == "end":
            return "the end of the query"
        if self.kind in ("(", ")"):
            return f'"{self.kind}"'
        return self.kind if self.kind in _OPERATORS else "a term"


def parse_query(query: str, fields: tuple[str, ...]) -> Node:
    """Parse `query`; unscoped terms are looked for in `fields`. Raises RuleError with a column."""
    if len(query) > MAX_QUERY_LENGTH:
        raise RuleError(f"the query is {len(query):,} characters long; at most {MAX_QUERY_LENGTH:,} are allowed")
    return _Parser(query, _tokenize(query), fields).parse()


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, i, i + 1))
            i += 1
        elif char == '"':
            body, end = _read_quoted(query, i)
            tokens.append(_Token("term", i, end, term_body=body, quoted=True))
            i = end
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _STOP:
                j += 1
            word = query[i:j]
            if j < n and query[j] == '"' and word.endswith(":"):
                tokens.append(_prefixed_phrase(query, i, j))
                i = tokens[-1].end
            elif j < n and query[j] == '"':
                raise RuleError('a quote inside a word; put quotes around a whole phrase, as in title:"diffusion model"', j + 1)
            elif j < n and query[j] == "(" and word.endswith(":"):
                field = word[:-1]
                if field not in FIELDS:
                    raise RuleError(f'"{word}(" needs a field name before the colon ({", ".join(FIELDS)})', i + 1)
                tokens.append(_Token("group", i, j + 1, field=field))
                i = j + 1
            else:
                tokens.append(_word_token(word, i, j))
                i = j
    tokens.append(_Token("end", n, n))
    return tokens


def _word_token(word: str, start: int, end: int) -> _Token:
    if word in _OPERATORS:
        return _Token(word, start, end)
    if word.lower() in ("and", "or", "not"):
        raise RuleError(
            f'"{word}": write AND, OR and NOT in capitals; to search for the word itself, quote it ("{word}")',
            start + 1,
        )
    return _Token("term", start, end, term_body=word)


def _read_quoted(query: str, start: int) -> tuple[str, int]:
    """The text between the quote at `start` and its closing quote (`\\"` is a literal quote)."""
    chars: list[str] = []
    i = start + 1
    while i < len(query):
        if query[i] == "\\" and i + 1 < len(query) and query[i + 1] == '"':
            chars.append('"')
            i += 2
        elif query[i] == '"':
            if not "".join(chars).strip():
                raise RuleError("empty quotes", start + 1)
            return "".join(chars), i + 1
        else:
            chars.append(query[i])
            i += 1
    raise RuleError("this quote is never closed", start + 1)


def _prefixed_phrase(query: str, start: int, quote: int) -> _Token:
    """`title:"..."`, `re:"..."` or `title:re:"..."`."""
    prefix = query[start:quote]
    names = prefix[:-1].split(":")
    field = None
    is_regex = names[-1] == "re"
    if is_regex:
        names = names[:-1]
    if len(names) > 1 or (names and names[0] not in FIELDS):
        raise RuleError(f'"{prefix}" is not a field prefix; fields are {", ".join(FIELDS)}', start + 1)
    if names:
        field = names[0]
    body, end = _read_quoted(query, quote)
    return _Token("term", start, end, field=field, term_body=("re:" + body) if is_regex else body, quoted=not is_regex)


class _Parser:
    def __init__(self, query: str, tokens: list[_Token], fields: tuple[str, ...]) -> None:
        self.query = query
        self.tokens = tokens
        self.position = 0
        self.fields = fields
        self.depth = 0  # open parentheses
        self.nesting = 0  # open parentheses and NOTs, bounded by MAX_NESTING

    def enter(self, token: _Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise RuleError(f"parentheses and NOTs nest more than {MAX_NESTING} deep here; simplify the query", token.column)

    def peek(self) -> _Token:
        return self.tokens[self.position]

    def advance(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def span(self, start: int) -> str:
        return self.query[start : self.tokens[self.position - 1].end].strip()

    def parse(self) -> Node:
        node = self.parse_or(None)
        token = self.peek()
        if token.kind == ")":
            raise RuleError('")" has no matching "("', token.column)
        if token.kind != "end":  # cannot happen: every other token starts an operand or operator
            raise RuleError(f"unexpected {token.describe()}", token.column)
        return node

    def parse_or(self, scope: str | None) -> Node:
        start = self.peek().start
        children = [self.parse_and(scope)]
        while self.peek().kind == "OR":
            after = self.advance()
            children.append(self.parse_and(scope, after))
        return children[0] if len(children) == 1 else Or(tuple(children), self.span(start))

    def parse_and(self, scope: str | None, after: _Token | None = None) -> Node:
        start = self.peek().start
        children = [self.parse_not(scope, after)]
        while self.peek().kind in ("AND", "NOT", "term", "(", "group"):
            operator = self.advance() if self.peek().kind == "AND" else None
            children.append(self.parse_not(scope, operator))
        return children[0] if len(children) == 1 else And(tuple(children), self.span(start))

    def parse_not(self, scope: str | None, after: _Token | None) -> Node:
        if self.peek().kind == "NOT":
            start = self.advance()
            self.enter(start)
            child = self.parse_not(scope, start)
            self.nesting -= 1
            return Not(child, self.span(start.start))
        return self.parse_atom(scope, after)

    def parse_atom(self, scope: str | None, after: _Token | None) -> Node:
        token = self.advance()
        if token.kind == "term":
            return self.leaf(token, scope)
        if token.kind in ("(", "group"):
            if self.peek().kind == ")":
                raise RuleError("empty parentheses", token.column)
            self.depth += 1
            self.enter(token)
            node = self.parse_or(token.field or scope)
            closing = self.advance()
            if closing.kind != ")":
                raise RuleError('this "(" is never closed', token.column)
            self.depth -= 1
            self.nesting -= 1
            return node
        where = f" after {after.kind}" if after is not None and after.kind in _OPERATORS else ""
        if token.kind == ")" and self.depth == 0 and after is None:
            raise RuleError('")" has no matching "("', token.column)
        raise RuleError(f"expected a term or \"(\"{where}, found {token.describe()}", token.column)

    def leaf(self, token: _Token, scope: str | None) -> Leaf:
        text = self.query[token.start : token.end]
        try:
            if token.quoted or token.field or token.term_body.startswith("re:"):
                field, body = token.field, token.term_body
            else:
                field, body = split_field(token.term_body)
            term = make_term(text, field or scope, body, quoted=token.quoted)
        except RuleError as error:
            raise RuleError(error.message, token.column) from None
        return Leaf(term, (term.field,) if term.field else self.fields, text)
