"""readable_tex: TeX in real paper titles and abstracts becomes readable Unicode, money stays money."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.render.templating import make_environment
from sitegen.tex import readable_tex
from sitegen.text import clean_line, clean_paragraphs

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT.parent / "shared" / "data" / "hf-daily-papers"

# (source as the services send it, what a reader should see). Most are real titles or abstract
# fragments from Hugging Face Daily Papers (both the `paper.title` and item `title` spellings).
CASES = [
    # The examples.
    (r"$\alpha$-divergence", "α-divergence"),
    (r"\textit{X}", "X"),
    (r"$\mathcal{O}(n^2)$", "O(n²)"),
    ("SWE-Lancer: Can Frontier LLMs Earn $1 Million from Real-World Freelance Software Engineering?",
     "SWE-Lancer: Can Frontier LLMs Earn $1 Million from Real-World Freelance Software Engineering?"),
    ("costs $5 and $10", "costs $5 and $10"),
    # Real titles with math spans.
    (r"$VILA^2$: VILA Augmented VILA", "VILA²: VILA Augmented VILA"),
    (r"$\nabla^2$DFT: A Universal Quantum Chemistry Dataset", "∇²DFT: A Universal Quantum Chemistry Dataset"),
    (r"$\textbf{Only-IF}$:Revealing the Decisive Effect", "Only-IF:Revealing the Decisive Effect"),
    (r"$\textit{Trans-LoRA}$: towards data-free Transferable", "Trans-LoRA: towards data-free Transferable"),
    (r"$\text{Transformer}^2$: Self-adaptive LLMs", "Transformer²: Self-adaptive LLMs"),
    (r"$γ-$MoD: Exploring Mixture-of-Depth Adaptation", "γ-MoD: Exploring Mixture-of-Depth Adaptation"),
    (r"$μ$LO: Compute-Efficient Meta-Generalization", "μLO: Compute-Efficient Meta-Generalization"),
    (r"$τ$-bench: A Benchmark for Tool-Agent-User Interaction", "τ-bench: A Benchmark for Tool-Agent-User Interaction"),
    (r"A Simple and Effective $L_2$ Norm-Based Strategy", "A Simple and Effective L₂ Norm-Based Strategy"),
    (r"Free$^2$Guide: Gradient-Free Path Integral Control", "Free²Guide: Gradient-Free Path Integral Control"),
    (r"LLM$\times$MapReduce: Simplified Long-Sequence Processing", "LLM×MapReduce: Simplified Long-Sequence Processing"),
    (r"Look Every Frame All at Once: Video-Ma$^2$mba for", "Look Every Frame All at Once: Video-Ma²mba for"),
    (r"One-step Diffusion Models with $f$-Divergence Distribution Matching", "One-step Diffusion Models with f-Divergence Distribution Matching"),
    (r"Implicit Neural Representation (SL$^{2}$A-INR)", "Implicit Neural Representation (SL²A-INR)"),
    (r"Top-$nσ$: Not All Logits Are You Need", "Top-nσ: Not All Logits Are You Need"),
    (r"UI2Code$^\text{N}$, a visual language model", "UI2Codeᴺ, a visual language model"),
    (r"planning with A$^*$ search", "planning with A* search"),
    (r"neural network, $\pi^3$, reconstructs", "neural network, π³, reconstructs"),
    (r"The framework $\Psi$-Sampler uses SMC", "The framework Ψ-Sampler uses SMC"),
    (r"evaluation metric, $CoT$-$Pass@K$.", "evaluation metric, CoT-Pass@K."),
    (r"complexity to \( O(n^2) \) and eliminates", "complexity to O(n²) and eliminates"),
    (r"employing the \( L_{1,2}-norm \) to", "employing the L₁,₂-norm to"),
    # Real titles where the site lost the dollars but kept the scripts.
    ("AT^2PO: Agentic Turn-based Policy Optimization", "AT²PO: Agentic Turn-based Policy Optimization"),
    ("DR^{3}-Eval: Towards Realistic and Reproducible Deep Research", "DR³-Eval: Towards Realistic and Reproducible Deep Research"),
    ("Codebook Size 2^{128} for Unified Multimodal", "Codebook Size 2¹²⁸ for Unified Multimodal"),
    ("Mega-ASR: Towards In-the-wild^2 Speech Recognition", "Mega-ASR: Towards In-the-wild² Speech Recognition"),
    ("UI2Code^N: A Visual Language Model", "UI2Codeᴺ: A Visual Language Model"),
    ("V_{0.5}: Generalist Value Model as a Prior", "V₀.₅: Generalist Value Model as a Prior"),
    ("π^3: Scalable Permutation-Equivariant Visual Geometry Learning", "π³: Scalable Permutation-Equivariant Visual Geometry Learning"),
    ("including LoRA, (IA)^3, and prompt tuning", "including LoRA, (IA)³, and prompt tuning"),
    ("would require 10^{26} parameters", "would require 10²⁶ parameters"),
    ("an F_1 of 60.48%", "an F₁ of 60.48%"),
    # Real text-mode TeX.
    (r"AutoCoder: Enhancing Code Large Language Model with \textsc{AIEV-Instruct}", "AutoCoder: Enhancing Code Large Language Model with AIEV-Instruct"),
    (r"A Minimal Denoising Network\ for Time Series", "A Minimal Denoising Network for Time Series"),
    (r"Efficient Disaggregated Prefill \& Decode Inference", "Efficient Disaggregated Prefill & Decode Inference"),
    (r"\$OneMillion-Bench: How Far are Language Agents", "$OneMillion-Bench: How Far are Language Agents"),
    (r"extends Schr\"odinger Bridge Matching", "extends Schrödinger Bridge Matching"),
    (r"However, na\"{\i}vely running the low-rank", "However, naïvely running the low-rank"),
    (r"Spain's ``Bolet\'{\i}n Oficial del Estado'' (BOE)", "Spain's “Boletín Oficial del Estado” (BOE)"),
    (r"we introduce T\"ULU 3, a family", "we introduce TÜLU 3, a family"),
    (r"of DeepSeek-R1 vis-\`a-vis cognitive phenomena", "of DeepSeek-R1 vis-à-vis cognitive phenomena"),
    (r"ACM-8B raises GPT-4o\'s content scores by 45\% and", "ACM-8B raises GPT-4o's content scores by 45% and"),
    (r"free energy ({\Delta}G) of the binding", "free energy (ΔG) of the binding"),
    (r"accuracy in 360{\deg} unbounded scenes", "accuracy in 360° unbounded scenes"),
    (r"a large-scale dataset--{\em DeepSpeak}--of real", "a large-scale dataset--DeepSpeak--of real"),
    (r"scaling a {\it Shallow UNet}, with no", "scaling a Shallow UNet, with no"),
    (r"E\textsuperscript{2}R-FLOPs evaluates LLM-based", "E²R-FLOPs evaluates LLM-based"),
    (r"with 2.3\times greater token efficiency", "with 2.3× greater token efficiency"),
    (r"retaining \textgreater 96\% of reasoning", "retaining > 96% of reasoning"),
    (r"available at \url{https://github.com/bytedance/SALMONN/}.", "available at https://github.com/bytedance/SALMONN/."),
    (r"Available at \href{https://huggingface.co/x}{the hub}.", "Available at the hub."),
    (r"field adapters (\ie, MOFA-Adapters) and translation, \etc. However", "field adapters (i.e., MOFA-Adapters) and translation, etc. However"),
    (r"code, \LaTeX, coordinates", "code, LaTeX, coordinates"),
    (r"than a wide range of \~8B ARs", "than a wide range of ~8B ARs"),
    (r"fixes to \$32,000 feature implementations", "fixes to $32,000 feature implementations"),
    # More math Unicode can say.
    (r"$x_{t+1} = x_t - \eta \nabla f(x_t)$", "xₜ₊₁ = xₜ - η ∇ f(xₜ)"),
    (r"$\mathbb{R}^{d}$", "ℝᵈ"),
    (r"$\mathbf{W} \in \mathbb{R}^{n \times m}$", r"$\mathbf{W} \in \mathbb{R}^{n \times m}$"),  # no superscript ×
    (r"$O(n \log n)$ time", "O(n log n) time"),
    (r"$\frac{1}{2}$ and $\frac{a+b}{2}$", "1/2 and (a+b)/2"),
    (r"$\sqrt{n}$ and $\sqrt[3]{x}$", "√n and ∛x"),
    (r"$\left( a \right)$", "( a )"),
    (r"$a \not= b$", "a ≠ b"),
    (r"$\hat{y}$", "ŷ"),
    (r"$360^\circ$ view", "360° view"),
    (r"$W^{-1}$", "W⁻¹"),
    (r"$\leq 2$ and $\geq 3$ and $\approx 4$", "≤ 2 and ≥ 3 and ≈ 4"),
    (r"$\epsilon$-greedy and $\varepsilon$", "ϵ-greedy and ε"),
    # Spans Unicode cannot say keep their source text.
    (r"$\pi_{RL}$: Online RL", r"$\pi_{RL}$: Online RL"),
    (r"$\mathcal{X}_{\text{train}}^{\top}$ data", r"$\mathcal{X}_{\text{train}}^{\top}$ data"),
    (r"$\frac{1}{2}$ with \method and \ModelName~outperforms", r"1/2 with \method and \ModelName~outperforms"),
    (r"$\unknowncommand{x}$ stays", r"$\unknowncommand{x}$ stays"),
    (r"$textbf{specialist} and textbf{generalist}$", r"$textbf{specialist} and textbf{generalist}$"),
    (r"$a^$", r"$a^$"),
    (r"$x}$", r"$x}$"),
    (r"$\frac{1}$", r"$\frac{1}$"),
    # Money, prices and other literal dollars.
    ("Fixing 7,400 Bugs for 1$: Cheap Crash-Site Program Repair", "Fixing 7,400 Bugs for 1$: Cheap Crash-Site Program Repair"),
    ("Paper-to-Page Crafting for Under $0.1", "Paper-to-Page Crafting for Under $0.1"),
    ("Training a Commercial-Level Video Generation Model in $200k", "Training a Commercial-Level Video Generation Model in $200k"),
    ("between $5-$10 per task", "between $5-$10 per task"),
    ("$5 and 10$ per hour", "$5 and 10$ per hour"),
    ("from $100 to $200k, i.e. $ 3", "from $100 to $200k, i.e. $ 3"),
    ("a lone $ sign", "a lone $ sign"),
    # Things that look like scripts but are not.
    ("see my_model_v2 and file_1.txt", "see my_model_v2 and file_1.txt"),
    ("https://github.com/a/b_2", "https://github.com/a/b_2"),
    ("π_RL: Online RL Fine-tuning", "π_RL: Online RL Fine-tuning"),
    ("Visual AI Index (V_AI)", "Visual AI Index (V_AI)"),
    ("R^textbf{2AI}: Towards Resistant", "R^textbf{2AI}: Towards Resistant"),
    ("360^{circ} coverage and R^{mtimes n}", "360^{circ} coverage and R^{mtimes n}"),
    ("FaSTA^*: Fast-Slow Toolpath Agent", "FaSTA^*: Fast-Slow Toolpath Agent"),
    ("^2 at the start and a ^ caret", "^2 at the start and a ^ caret"),
    ("Plain title: no TeX at all, 50% & <b>", "Plain title: no TeX at all, 50% & <b>"),
    ("{curly} braces without commands", "{curly} braces without commands"),
    (r"an unclosed \textbf{group", r"an unclosed \textbf{group"),
    ("ends with a backslash \\", "ends with a backslash \\"),
]


@pytest.mark.parametrize(("source", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_readable_tex(source: str, expected: str) -> None:
    assert readable_tex(source) == expected


def test_tex_filter_in_templates_escapes_the_result() -> None:
    env = make_environment(ROOT / "templates")
    template = env.from_string("<h1>{{ title|tex }}</h1>")
    assert template.render(title=r"$\alpha$ <script> \& \textit{X}") == "<h1>α &lt;script&gt; &amp; X</h1>"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing|tex }}").render()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab $\\^_{}[]()αx12 \n\t%&'`\"~") + ["\\alpha", "\\frac", "\\textbf", "$$", "\\("])).map("".join))
def test_never_fails_and_plain_text_is_untouched(text: str) -> None:
    result = readable_tex(text)
    assert isinstance(result, str)
    plain = text.replace("\\", "").replace("$", "").replace("^", "").replace("_", "").replace("`", "")
    assert readable_tex(plain) == plain


@pytest.mark.skipif(not ARCHIVE.is_dir(), reason=f"{ARCHIVE} not present (real Hugging Face archive)")
def test_whole_real_archive_converts_without_losing_text() -> None:
    """Every real title and abstract converts; converted spans lose their `$`, money keeps it."""
    seen = 0
    for path in sorted(ARCHIVE.glob("*.json")):
        for item in json.loads(path.read_bytes()):
            for raw in (item["paper"]["title"], item.get("title", "")):
                title = clean_line(raw)
                result = readable_tex(title)
                seen += 1
                # Nothing is dropped wholesale: every letter of a title survives somewhere.
                assert len(result) >= len(title) // 2, (title, result)
                if "$" not in title and "\\" not in title:
                    assert "$" not in result
            abstract = clean_paragraphs(item["paper"].get("summary"))
            assert readable_tex(abstract).count("\n\n") == abstract.count("\n\n")
    assert seen > 1000
