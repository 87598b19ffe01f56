"""Every rule of the topic language (README, "Topic rules"), as a table of positive and negative cases.

Each case is checked by both the fast tagger and the reference matcher (rules_helpers.in_topic),
so the table also proves the two agree.
"""

from __future__ import annotations

import pytest
from rules_helpers import in_topic, paper, topic

T, A = "title", "abstract"

# (case name, topic rules, paper fields, expected)
CASES = [
    # whole words, case-insensitive
    ("word in title", {"any": ["diffusion"]}, {T: "Diffusion Models Beat GANs"}, True),
    ("word in abstract", {"any": ["diffusion"]}, {A: "We study diffusion."}, True),
    ("part of a longer word", {"any": ["diffusion"]}, {T: "Nondiffusion baselines"}, False),
    ("word followed by a hyphen", {"any": ["transformer"]}, {T: "Transformer-based parsing"}, True),
    ("any case", {"any": ["Diffusion"]}, {T: "DIFFUSION"}, True),
    ("absent", {"any": ["diffusion"]}, {T: "Autoregressive models"}, False),
    # acronyms are case-sensitive
    ("RL matches RL", {"any": ["RL"]}, {A: "We fine-tune with RL."}, True),
    ("RL does not match world", {"any": ["RL"]}, {A: "A world model of the real world."}, False),
    ("RL does not match WORLD", {"any": ["RL"]}, {T: "WORLD MODELS"}, False),
    ("RL does not match rl", {"any": ["RL"]}, {A: "the rl objective"}, False),
    ("RL does not match RLHF", {"any": ["RL"]}, {A: "Trained with RLHF."}, False),
    ("LLM matches LLMs", {"any": ["LLM"]}, {A: "LLMs can reason."}, True),
    ("LLM does not match Llm", {"any": ["LLM"]}, {A: "Llm is a word here"}, False),
    ("GAN does not match the name Gan", {"any": ["GAN"]}, {A: "Following Gan et al., we"}, False),
    ("GAN matches GANs", {"any": ["GAN"]}, {T: "Diffusion Models Beat GANs"}, True),
    ("SAM does not match Sam", {"any": ["SAM"]}, {A: "Sam Altman said"}, False),
    ("SAM matches SAM", {"any": ["SAM"]}, {A: "We prompt SAM with boxes."}, True),
    ("one capital is not an acronym", {"any": ["3D"]}, {T: "3d reconstruction"}, True),
    ("acronym with a hyphen", {"any": ["GPT-4"]}, {A: "compared with GPT4 and"}, True),
    ("acronym is accent-insensitive", {"any": ["ÉLAN"]}, {A: "the ELAN corpus"}, True),
    # plurals of the last word
    ("bias matches bias", {"any": ["bias"]}, {A: "social bias in"}, True),
    ("bias matches biases", {"any": ["bias"]}, {A: "social biases in"}, True),
    ("bias does not match biased", {"any": ["bias"]}, {A: "a biased sample"}, False),
    ("plural with s", {"any": ["transformer"]}, {T: "Transformers"}, True),
    ("plural with es", {"any": ["approach"]}, {A: "two approaches"}, True),
    ("plural of a phrase's last word", {"any": ["language model"]}, {A: "large language models"}, True),
    ("no plural of an inner word", {"any": ["language model"]}, {A: "languages model"}, False),
    ("a plural term does not match the singular", {"any": ["agents"]}, {A: "an agent"}, False),
    # hyphen, space or nothing inside a term
    ("pre-training: hyphen", {"any": ["pre-training"]}, {A: "large-scale pre-training"}, True),
    ("pre-training: space", {"any": ["pre-training"]}, {A: "pre training data"}, True),
    ("pre-training: nothing", {"any": ["pre-training"]}, {A: "pretraining data"}, True),
    ("pre-training: capitals", {"any": ["pre-training"]}, {T: "Pre-Training at Scale"}, True),
    ("pre-training: en dash", {"any": ["pre-training"]}, {A: "pre–training data"}, True),
    ("pre-training: spaced hyphen", {"any": ["pre-training"]}, {A: "pre - training"}, True),
    ("pre-training: line break", {"any": ["pre-training"]}, {A: "pre-\ntraining"}, True),
    ("pre-training is not pre-trained", {"any": ["pre-training"]}, {A: "a pre-trained model"}, False),
    ("space in a term matches a hyphen", {"any": ["chain of thought"]}, {A: "Chain-of-Thought prompting"}, True),
    ("three words run together", {"any": ["chain-of-thought"]}, {A: "chainofthought"}, True),
    ("a phrase does not cross a comma", {"any": ["language model"]}, {A: "language, model"}, False),
    ("a phrase does not cross a full stop", {"any": ["language model"]}, {A: "a language. Model"}, False),
    ("words in another order", {"any": ["language model"]}, {A: "model language"}, False),
    ("no hyphen in the term, none implied", {"any": ["pretraining"]}, {A: "pre-training"}, False),
    # accents and Unicode case folding
    ("accent in the text", {"any": ["naive"]}, {T: "Naïve Bayes Revisited"}, True),
    ("accent in the term", {"any": ["café"]}, {A: "the cafe dataset"}, True),
    ("sharp s folds to ss", {"any": ["strasse"]}, {A: "die Straße data"}, True),
    ("ligature", {"any": ["fine-tuning"]}, {A: "efficient ﬁne-tuning"}, True),
    ("Greek capitals", {"any": ["αλφα"]}, {A: "ΑΛΦΑ"}, True),
    # prefix wildcard
    ("wildcard: reasoning", {"any": ["reason*"]}, {A: "multi-step reasoning"}, True),
    ("wildcard: reasoners", {"any": ["reason*"]}, {A: "strong reasoners"}, True),
    ("wildcard: the bare prefix", {"any": ["reason*"]}, {A: "for this reason"}, True),
    ("wildcard is a prefix, not a substring", {"any": ["reason*"]}, {A: "high treason"}, False),
    ("wildcard on a phrase's last word", {"any": ["reasoning model*"]}, {A: "reasoning modeling"}, True),
    ("wildcard phrase needs the first word", {"any": ["reasoning model*"]}, {A: "models"}, False),
    ("wildcard on an acronym stays case-sensitive", {"any": ["LLM*"]}, {A: "llm-based"}, False),
    ("wildcard on an acronym", {"any": ["LLM*"]}, {A: "LLM-based agents"}, True),
    # punctuation inside a word
    ("C++ matches C++", {"any": ["C++"]}, {A: "written in C++."}, True),
    ("C++ does not match C", {"any": ["C++"]}, {A: "written in C."}, False),
    ("dotted version", {"any": ["Llama-3.1"]}, {A: "we fine-tune Llama 3.1 8B"}, True),
    ("dotted version differs", {"any": ["Llama-3.1"]}, {A: "we fine-tune Llama 3.2 8B"}, False),
    # field scoping
    ("title: matches the title", {"any": ["title:benchmark"]}, {T: "A New Benchmark"}, True),
    ("title: ignores the abstract", {"any": ["title:benchmark"]}, {A: "a new benchmark"}, False),
    ("abstract: ignores the title", {"any": ["abstract:benchmark"]}, {T: "A New Benchmark"}, False),
    ("authors:", {"any": ["authors:Yann LeCun"]}, {"authors": ("Ada Lovelace", "Yann LeCun")}, True),
    (
        "a phrase does not span two authors",
        {"any": ["authors:Lovelace Yann"]},
        {"authors": ("Ada Lovelace", "Yann LeCun")},
        False,
    ),
    ("org: matches the organization's name", {"any": ["org:meta"]}, {"organization": ("facebook", "Meta AI")}, True),
    ("org: is not the abstract", {"any": ["org:meta"]}, {A: "meta learning"}, False),
    ("keywords:", {"any": ["keywords:world model"]}, {"ai_keywords": ("world models", "video generation")}, True),
    ("categories:", {"any": ["categories:cs.CL"]}, {"categories": ("cs.CL", "cs.AI")}, True),
    ("categories: other category", {"any": ["categories:cs.CL"]}, {"categories": ("cs.CV",)}, False),
    ("the topic's fields: title only", {"any": ["diffusion"], "fields": ["title"]}, {A: "diffusion"}, False),
    (
        "the topic's fields: keywords",
        {"any": ["robot*"], "fields": ["keywords"]},
        {"ai_keywords": ("robotic manipulation",)},
        True,
    ),
    ("a scoped term ignores the topic's fields", {"any": ["abstract:diffusion"], "fields": ["title"]}, {A: "diffusion"}, True),
    # any / all / none
    ("none overrides any", {"any": ["diffusion"], "none": ["survey"]}, {T: "A Survey of Diffusion Models"}, False),
    ("none not present", {"any": ["diffusion"], "none": ["survey"]}, {T: "Diffusion Models"}, True),
    ("none scoped to the title", {"any": ["diffusion"], "none": ["title:benchmark"]}, {T: "Diffusion", A: "a benchmark"}, True),
    (
        "none scoped to the title, in the title",
        {"any": ["diffusion"], "none": ["title:benchmark"]},
        {T: "Diffusion Benchmark"},
        False,
    ),
    ("empty any: every paper", {"none": ["survey"]}, {T: "Anything at all"}, True),
    ("empty any, none matches", {"none": ["survey"]}, {T: "A survey"}, False),
    ("all: alternative 1", {"any": ["video"], "all": ["LLM | language model"]}, {A: "video LLMs"}, True),
    ("all: alternative 2", {"any": ["video"], "all": ["LLM | language model"]}, {A: "video language models"}, True),
    ("all: missing", {"any": ["video"], "all": ["LLM | language model"]}, {A: "video diffusion"}, False),
    ("all: every entry", {"all": ["video", "audio"]}, {A: "video and audio"}, True),
    ("all: one entry missing", {"all": ["video", "audio"]}, {A: "video only"}, False),
    ("any with | alternatives", {"any": ["speech | audio"]}, {A: "audio tokens"}, True),
    # regular expressions
    ("re: matches", {"any": [r"re:\bo[1-4]\b"]}, {A: "OpenAI o1 and o3"}, True),
    ("re: is case-insensitive", {"any": [r"re:\bo[1-4]\b"]}, {A: "O1 style"}, True),
    ("re: no match", {"any": [r"re:\bo[1-4]\b"]}, {A: "o5 and oo1"}, False),
    ("re: scoped to a field", {"any": [r"title:re:^towards\b"]}, {T: "Towards AGI", A: "x"}, True),
    ("re: scoped, other field", {"any": [r"title:re:^towards\b"]}, {T: "AGI", A: "towards AGI"}, False),
    ("re: as the last alternative keeps its |", {"all": [r"LLM | re:gpt-?(4|5)"]}, {A: "we use gpt5"}, True),
    # upvotes and categories
    ("min_upvotes: enough", {"any": ["diffusion"], "min_upvotes": 10}, {T: "Diffusion", "upvotes": 10}, True),
    ("min_upvotes: too few", {"any": ["diffusion"], "min_upvotes": 10}, {T: "Diffusion", "upvotes": 9}, False),
    ("min_upvotes: unknown counts as 0", {"any": ["diffusion"], "min_upvotes": 1}, {T: "Diffusion", "upvotes": None}, False),
    ("categories: one of them", {"categories": ["cs.CL", "cs.LG"]}, {"categories": ("cs.AI", "cs.LG")}, True),
    ("categories: none of them", {"categories": ["cs.CL"]}, {"categories": ("cs.CV",)}, False),
    ("categories: an archive", {"categories": ["cs"]}, {"categories": ("cs.CV",)}, True),
    ("categories: a paper without categories", {"categories": ["cs.CL"]}, {"categories": ()}, False),
    ("categories and terms", {"any": ["parsing"], "categories": ["cs.CL"]}, {A: "parsing", "categories": ("cs.CL",)}, True),
    # query
    (
        "query: example",
        {"query": 'title:"diffusion model" AND (video OR 3D) AND NOT survey'},
        {T: "Diffusion Models for Images"},
        False,
    ),
    (
        "query: example matches",
        {"query": 'title:"diffusion model" AND (video OR 3D) AND NOT survey'},
        {T: "Diffusion Models", A: "for 3D"},
        True,
    ),
    (
        "query: NOT excludes",
        {"query": 'title:"diffusion model" AND (video OR 3D) AND NOT survey'},
        {T: "Diffusion Models: a survey", A: "video"},
        False,
    ),
    ("query: phrase is in sequence", {"query": '"world model"'}, {A: "model of the world"}, False),
    ("query: adjacent terms mean AND", {"query": "world model"}, {A: "model of the world"}, True),
    ("query: AND binds tighter than OR (1)", {"query": "audio OR speech AND music"}, {A: "audio"}, True),
    ("query: AND binds tighter than OR (2)", {"query": "audio OR speech AND music"}, {A: "speech"}, False),
    ("query: NOT binds tighter than AND", {"query": "NOT audio speech"}, {A: "speech"}, True),
    ("query: NOT binds tighter than AND (2)", {"query": "NOT audio speech"}, {A: "audio speech"}, False),
    ("query: parentheses", {"query": "(audio OR speech) AND music"}, {A: "speech music"}, True),
    ("query: field group", {"query": "title:(video OR audio)"}, {T: "x", A: "video"}, False),
    ("query: field group matches", {"query": "title:(video OR audio)"}, {T: "audio"}, True),
    ("query: acronym and wildcard", {"query": "RL AND reason*"}, {A: "RL for reasoning"}, True),
    ("query: quoted operator word", {"query": '"and"'}, {A: "this and that"}, True),
    ("query: with min_upvotes", {"query": "video", "min_upvotes": 5}, {A: "video", "upvotes": 4}, False),
]


@pytest.mark.parametrize(("rules", "fields", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(rules: dict, fields: dict, expected: bool) -> None:
    assert in_topic(topic(**rules), paper(**fields)) is expected
