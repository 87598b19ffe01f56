"""Run one job of a GitHub Actions workflow locally, from the YAML itself, the way a runner does.

Enough of the runner for our workflows, and strict about the rest: an expression or a `uses:`
it does not know is an error, so the workflow cannot grow something this runner silently skips.
- `run:` steps execute with `bash --noprofile --norc -eo pipefail` (GitHub's default shell) in
  the workspace, with the runner's variables (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, ...) set;
- `${{ inputs.X }}`, `${{ github.token }}`, `${{ github.X }}` (from the `github` context the test
  gives), `${{ secrets.NAME }}` (empty when not given, as on GitHub), `${{ steps.ID.outputs.K }}`
  are substituted, and
- `if:` conditions made of comparisons (`A == 'x'`, `A != B`) joined by `&&`, `||` and
  parentheses are evaluated (after an implicit success());
- `uses:` steps are handed to callables the test provides (checkout clones the bare origin).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
# A condition's tokens: parentheses, && and ||, == and !=, a 'literal', or a context path.
_TOKEN = re.compile(r"\s*(\(|\)|&&|\|\||==|!=|'[^']*'|[A-Za-z_][\w.-]*)")


@dataclass
class StepResult:
    name: str
    status: str  # "success", "failure" or "skipped"
    output: str = ""


@dataclass
class JobRun:
    steps: list[StepResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(step.status == "failure" for step in self.steps)

    def step(self, name: str) -> StepResult:
        return next(step for step in self.steps if step.name == name)

    def log(self) -> str:
        return "\n".join(f"--- {s.name}: {s.status}\n{s.output}" for s in self.steps)


UsesHandler = Callable[[Mapping[str, Any], dict[str, str]], None]


class ActionsCache:
    """A stand-in for actions/cache/restore and actions/cache/save, kept on disk across runs.

    As on GitHub: restore takes the entry with exactly `key`, else the newest entry whose key
    starts with one of `restore-keys` (in their order), and puts its files at `path`; a miss
    leaves `path` alone. save stores `path` under `key` unless that key is already taken
    (entries are immutable)."""

    def __init__(self, root: Path, workspace: Callable[[], Path]) -> None:
        self.root = root
        self.workspace = workspace
        self.keys: list[str] = []  # oldest first
        self.restored: list[str | None] = []  # the key each restore took, None on a miss

    def entry(self, key: str) -> Path:
        return self.root / key

    def restore(self, with_: Mapping[str, Any], env: dict[str, str]) -> None:
        prefixes = [line.strip() for line in str(with_.get("restore-keys", "")).splitlines() if line.strip()]
        found = with_["key"] if with_["key"] in self.keys else None
        for prefix in prefixes:
            if found is None:
                found = next((key for key in reversed(self.keys) if key.startswith(prefix)), None)
        self.restored.append(found)
        if found is not None:
            shutil.copytree(self.entry(found), self.workspace() / with_["path"], symlinks=True, dirs_exist_ok=True)

    def save(self, with_: Mapping[str, Any], env: dict[str, str]) -> None:
        source = self.workspace() / with_["path"]
        if with_["key"] in self.keys or not source.exists():
            return
        shutil.copytree(source, self.entry(with_["key"]), symlinks=True)
        self.keys.append(with_["key"])


def condition_holds(expression: str, github: Mapping[str, str]) -> bool:
    """An `if:` condition evaluated against a `github` context (for checking a workflow's guards)."""
    return _condition(expression, {"github": github, "inputs": {}, "steps": {}, "secrets": {}, "github.token": ""}, False)


def load_job(workflow: Path, job: str) -> dict[str, Any]:
    document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    return document["jobs"][job]


def workflow_inputs(workflow: Path) -> dict[str, Any]:
    document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    triggers = document.get("on", document.get(True))
    return triggers["workflow_dispatch"]["inputs"]


def run_job(
    job: Mapping[str, Any],
    *,
    workspace: Path,
    env: Mapping[str, str],
    inputs: Mapping[str, str],
    token: str,
    uses: Mapping[str, UsesHandler],
    run_overrides: Mapping[str, Callable[[dict[str, str]], str]] | None = None,
    timeout: float = 300,
    secrets: Mapping[str, str] | None = None,
    github: Mapping[str, str] | None = None,
) -> JobRun:
    """Execute the job's steps in order; `run_overrides` maps a step's exact script to a callable
    that stands in for it (for a step that would reach the internet, such as pip install)."""
    outputs: dict[str, dict[str, str]] = {}
    result = JobRun()
    runner_temp = workspace.parent / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    for index, step in enumerate(job["steps"]):
        name = step.get("name") or step.get("uses") or f"step {index}"
        context = {"inputs": inputs, "github.token": token, "steps": outputs, "secrets": secrets or {}, "github": github or {}}
        if not _condition(step.get("if"), context, result.failed):
            result.steps.append(StepResult(name, "skipped"))
            continue
        step_env = {**env, "RUNNER_TEMP": str(runner_temp)}
        step_env.update({key: _substitute(str(value), context) for key, value in (step.get("env") or {}).items()})
        if "uses" in step:
            action = step["uses"].split("@", 1)[0]
            if action not in uses:
                raise AssertionError(f"the test runner has no stand-in for `uses: {step['uses']}`")
            with_ = {key: _substitute(value, context) if isinstance(value, str) else value
                     for key, value in (step.get("with") or {}).items()}
            try:
                uses[action](with_, step_env)
            except subprocess.CalledProcessError as error:
                result.steps.append(StepResult(name, "failure", f"{error}\n{error.stderr}"))
                continue
            result.steps.append(StepResult(name, "success"))
            continue
        output_file = runner_temp / f"output-{index}"
        output_file.write_text("")
        step_env["GITHUB_OUTPUT"] = str(output_file)
        script = _substitute(step["run"], context)
        if run_overrides and step["run"] in run_overrides:
            text = run_overrides[step["run"]](step_env)
            result.steps.append(StepResult(name, "success", text))
            continue
        script_file = runner_temp / f"step-{index}.sh"
        script_file.write_text(script, encoding="utf-8")
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
            cwd=workspace,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if "id" in step:
            outputs[step["id"]] = _read_outputs(output_file)
        status = "success" if completed.returncode == 0 else "failure"
        result.steps.append(StepResult(name, status, completed.stdout + completed.stderr))
    return result


def _lookup(expression: str, context: Mapping[str, Any]) -> str:
    if expression == "github.token":
        return context["github.token"]
    match = re.fullmatch(r"inputs\.([A-Za-z_][\w-]*)", expression)
    if match:
        value = context["inputs"].get(match.group(1), "")
        return value
    match = re.fullmatch(r"secrets\.([A-Za-z_]\w*)", expression)
    if match:
        return context["secrets"].get(match.group(1), "")
    match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
    if match:
        return context["steps"].get(match.group(1), {}).get(match.group(2), "")
    match = re.fullmatch(r"github\.([\w.]+)", expression)
    if match and match.group(1) in context["github"]:
        return context["github"][match.group(1)]
    raise AssertionError(f"the test runner does not understand the expression {expression!r}")


def _substitute(text: str, context: Mapping[str, Any]) -> str:
    return _EXPRESSION.sub(lambda match: _lookup(match.group(1), context), text)


def _condition(expression: str | None, context: Mapping[str, Any], failed: bool) -> bool:
    if expression is None:
        return not failed
    inner = _EXPRESSION.fullmatch(expression.strip())
    expression = inner.group(1) if inner else expression.strip()
    tokens = _tokenize(expression)
    holds, rest = _disjunction(tokens, context)
    if rest:
        raise AssertionError(f"the test runner does not understand the condition {expression!r}")
    return holds and not failed


def _tokenize(expression: str) -> list[str]:
    tokens, position = [], 0
    while position < len(expression.rstrip()):
        match = _TOKEN.match(expression, position)
        if not match:
            raise AssertionError(f"the test runner does not understand the condition {expression!r}")
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def _disjunction(tokens: list[str], context: Mapping[str, Any]) -> tuple[bool, list[str]]:
    holds, tokens = _conjunction(tokens, context)
    while tokens[:1] == ["||"]:
        right, tokens = _conjunction(tokens[1:], context)
        holds = holds or right
    return holds, tokens


def _conjunction(tokens: list[str], context: Mapping[str, Any]) -> tuple[bool, list[str]]:
    holds, tokens = _comparison(tokens, context)
    while tokens[:1] == ["&&"]:
        right, tokens = _comparison(tokens[1:], context)
        holds = holds and right
    return holds, tokens


def _comparison(tokens: list[str], context: Mapping[str, Any]) -> tuple[bool, list[str]]:
    if tokens[:1] == ["("]:
        holds, tokens = _disjunction(tokens[1:], context)
        if tokens[:1] != [")"]:
            raise AssertionError("the test runner found an unclosed parenthesis in a condition")
        return holds, tokens[1:]
    if len(tokens) < 3 or tokens[1] not in ("==", "!="):
        raise AssertionError(f"the test runner expects a comparison in a condition, found {tokens[:3]}")
    left, right = (_operand(token, context) for token in (tokens[0], tokens[2]))
    return (left == right) if tokens[1] == "==" else (left != right), tokens[3:]


def _operand(token: str, context: Mapping[str, Any]) -> str:
    return token[1:-1] if token.startswith("'") else _lookup(token, context)


def _read_outputs(path: Path) -> dict[str, str]:
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and "=" not in line.split("<<", 1)[0]:
            key, delimiter = line.split("<<", 1)
            body = []
            for body_line in lines:
                if body_line == delimiter:
                    break
                body.append(body_line)
            outputs[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            outputs[key] = value
    return outputs
