"""Tables for `sitegen.text.tex`: what each TeX command or script character reads as in Unicode.

Kept apart from the converter so the converter reads as logic and the tables as data. Only
commands that have one unambiguous Unicode reading are here; anything else stays TeX source.
"""

from __future__ import annotations

GREEK: dict[str, str] = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "ϖ",
    "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ",
    "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}

# Symbols and operators that read the same inside and outside math.
SYMBOLS: dict[str, str] = {
    **GREEK,
    "times": "×", "cdot": "⋅", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆",
    "circ": "∘", "bullet": "•", "cdots": "⋯", "ldots": "…", "dots": "…", "vdots": "⋮",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "sim": "∼", "simeq": "≃", "cong": "≅", "equiv": "≡", "propto": "∝", "ll": "≪", "gg": "≫",
    "leqslant": "⩽", "geqslant": "⩾", "lesssim": "≲", "gtrsim": "≳", "prec": "≺", "succ": "≻",
    "infty": "∞", "nabla": "∇", "partial": "∂", "sum": "∑", "prod": "∏", "int": "∫",
    "oint": "∮", "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "supset": "⊃",
    "subseteq": "⊆", "supseteq": "⊇", "cup": "∪", "cap": "∩", "setminus": "∖",
    "forall": "∀", "exists": "∃", "nexists": "∄", "emptyset": "∅", "varnothing": "∅",
    "neg": "¬", "lnot": "¬", "land": "∧", "wedge": "∧", "lor": "∨", "vee": "∨",
    "oplus": "⊕", "otimes": "⊗", "odot": "⊙", "top": "⊤", "bot": "⊥", "perp": "⊥",
    "parallel": "∥", "mid": "∣", "vdash": "⊢", "models": "⊨",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔",
    "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⟹", "iff": "⟺",
    "mapsto": "↦", "uparrow": "↑", "downarrow": "↓", "longrightarrow": "⟶", "rightleftharpoons": "⇌",
    "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "hbar": "ℏ", "ell": "ℓ", "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ", "wp": "℘", "prime": "′",
    "angle": "∠", "triangle": "△", "square": "□", "surd": "√", "checkmark": "✓",
    "dagger": "†", "ddagger": "‡", "dag": "†", "ddag": "‡", "sharp": "♯", "flat": "♭",
    "deg": "°", "textdegree": "°", "degree": "°", "S": "§", "P": "¶", "copyright": "©",
    "textregistered": "®", "texttrademark": "™", "pounds": "£", "euro": "€", "texteuro": "€",
    "textgreater": ">", "textless": "<", "textbar": "|", "textbackslash": "\\",
    "textasciitilde": "~", "textasciicircum": "^", "textendash": "–", "textemdash": "—",
    "textbullet": "•", "textperiodcentered": "·", "textquotedblleft": "“", "textquotedblright": "”",
    "textquoteleft": "‘", "textquoteright": "’", "ldquo": "“", "rdquo": "”",
    "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX",
    # Conventional abbreviation macros of computer-vision paper templates.
    "eg": "e.g.", "ie": "i.e.", "etc": "etc.", "etal": "et al.", "vs": "vs.", "wrt": "w.r.t.", "cf": "cf.",
    # Bits of text that only mean spacing or a hint to TeX.
    "allowbreak": "", "quad": " ", "qquad": " ", "enspace": " ", "nobreak": "", "relax": "",
}

# Text-mode letters without an accent command.
TEXT_LETTERS: dict[str, str] = {
    "i": "ı", "j": "ȷ", "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ",
    "OE": "Œ", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł",
}

# Operator names print as their name in upright letters.
OPERATORS = frozenset(
    [
        "log", "ln", "lg", "exp", "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
        "max", "min", "arg", "argmax", "argmin", "sup", "inf", "lim", "liminf", "limsup", "det", "dim", "ker", "gcd", "lcm", "Pr",
        "mod", "bmod", "pmod", "trace", "tr", "rank", "diag", "softmax", "sign", "sgn", "var", "Var", "Cov", "KL",
    ]
)

# Escaped characters: "\%" is a percent sign, and so on.
ESCAPES: dict[str, str] = {
    "%": "%", "&": "&", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", "|": "‖",
    " ": " ", ",": "\u2009", ";": " ", ":": " ", ">": " ", "!": "", "/": "", "-": "", "\\": " ",
}

# Accent commands and the combining character each adds (then NFC composes where Unicode can).
ACCENTS: dict[str, str] = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "b": "\u0331", "d": "\u0323",
}
MATH_ACCENTS: dict[str, str] = {
    "hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305", "tilde": "\u0303",
    "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308", "check": "\u030c",
    "breve": "\u0306", "acute": "\u0301", "grave": "\u0300",
}

# Commands whose one argument is shown as it is (emphasis and fonts carry no meaning in a feed).
WRAPPERS = frozenset(
    [
        "text", "textrm", "textit", "textbf", "textsf", "texttt", "textsc", "textup", "textmd", "textsl", "textnormal", "emph",
        "underline", "mbox", "hbox", "fbox", "mathrm", "mathit", "mathbf", "mathsf", "mathtt", "mathcal", "mathscr", "mathfrak",
        "mathnormal", "boldsymbol", "bm", "pmb", "operatorname", "url", "uline",
    ]
)
# Font switches ("{\em word}"): they change style only, so they vanish.
SWITCHES = frozenset([
    "em", "it", "bf", "rm", "sc", "tt", "sl", "sf", "itshape", "bfseries", "scshape", "ttfamily", "rmfamily", "upshape",
    "normalfont", "displaystyle", "textstyle", "scriptstyle",
])
# Sizing around delimiters (\left( ... \right)): the delimiter is what shows.
DELIMITER_SIZES = frozenset([
    "left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
])

DOUBLE_STRUCK: dict[str, str] = {
    "R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ", "H": "ℍ", "1": "𝟙",
}

SUPERSCRIPTS: dict[str, str] = {
    **dict(zip("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾", strict=True)),
    "−": "⁻", "n": "ⁿ", "i": "ⁱ",
    **dict(zip("abcdefghjklmoprstuvwxyz", "ᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", strict=True)),
    **dict(zip("ABDEGHIJKLMNOPRTUVW", "ᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ", strict=True)),
    **dict(zip("αβγδεθφχ", "ᵅᵝᵞᵟᵋᶿᵠᵡ", strict=True)),
    # Not raised, but read right: x^* is "x*", f^\prime is "f′", 360^\circ is "360°".
    "*": "*", "∗": "*", "′": "′", "∘": "°", "°": "°", "†": "†", "‡": "‡", ".": ".", ",": ",", " ": "",
}
SUBSCRIPTS: dict[str, str] = {
    **dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", strict=True)),
    "−": "₋",
    **dict(zip("aehijklmnoprstuvx", "ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)),
    **dict(zip("βγρφχ", "ᵦᵧᵨᵩᵪ", strict=True)),
    ".": ".", ",": ",", " ": "",
}
