"""What the owner puts in the theme and the Markdown cannot run scripts or publish outside files.

- `javascript:` (and other non-web) links and images in about.md and topic descriptions render as
  their text; raw HTML shows as written, so no script or event handler reaches a page;
- a link in static/ to a file outside the static folder stops the build, naming the link, before
  anything is written; a link to a file inside the folder is published as that file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
from conftest import REPO_ROOT, run_sitegen
from test_safety_config import make_site

HOSTILE_MARKDOWN = """Read [click me](javascript:alert(1)) and [entity](&#106;avascript:alert(2))
and [reference][r] and ![pixel](javascript:alert(3)) and [data](data:text/html,x).

<script>alert(4)</script> <img src=x onerror="alert(5)"> <a href="javascript:alert(6)">raw</a>

Good: [the arXiv](https://arxiv.org/), [mail](mailto:owner@example.org), [topics](../topics/).

[r]: JavaScript:alert(7)
"""


def _dangerous(page: Path) -> list[str]:
    """Every link, image source or attribute on the page that could run code."""
    tree = lxml.html.fromstring(page.read_bytes())
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{element.tag} {name}={value}")
            if name in ("href", "src") and value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{element.tag} {name}={value}")
        if element.tag == "script" and "alert" in (element.text or ""):
            found.append(f"script {element.text}")
    return found


def _links(page: Path) -> dict[str, str]:
    tree = lxml.html.fromstring(page.read_bytes())
    return {a.text_content(): a.get("href") for a in tree.iter("a")}


def test_hostile_markdown_in_about_and_topic_descriptions_renders_as_text(tmp_path: Path) -> None:
    description = HOSTILE_MARKDOWN.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    topics = f'[topics.diffusion]\ntitle = "Diffusion"\ndescription = "{description}"\nany = ["diffusion"]\n'
    config = make_site(tmp_path, topics=topics)
    (tmp_path / "about.md").write_text(HOSTILE_MARKDOWN, encoding="utf-8")
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    output = tmp_path / "output"
    for page in (
        output / "about" / "index.html",
        output / "topics" / "diffusion" / "index.html",
        output / "topics" / "index.html",
    ):
        assert _dangerous(page) == [], page
        text = lxml.html.fromstring(page.read_bytes()).text_content()
        # The words stay readable: a refused link becomes its text, raw HTML shows as written.
        assert "click me" in text and "<script>alert(4)</script>" in text, page
        links = _links(page)
        assert "click me" not in links and "reference" not in links and "raw" not in links
        assert links["the arXiv"] == "https://arxiv.org/" and links["mail"] == "mailto:owner@example.org"
        assert links["topics"] == "../topics/"


def test_a_static_link_to_a_file_outside_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    static = tmp_path / "theme-static"
    shutil.copytree(REPO_ROOT / "static", static)
    secret = tmp_path / "secret.txt"
    secret.write_text("the owner's private key", encoding="utf-8")
    (static / "notes.txt").symlink_to(secret)
    config = make_site(tmp_path / "site")
    config.write_text(
        config.read_text(encoding="utf-8").replace((REPO_ROOT / "static").as_posix(), static.as_posix()), encoding="utf-8"
    )
    result = run_sitegen(config, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{static / 'notes.txt'}: a link to {secret}, outside the static folder" in result.stderr
    assert "copy the file into the static folder instead, or remove the link" in result.stderr
    assert not (tmp_path / "site" / "output").exists()

    # A linked folder outside is refused the same way; links inside the folder are followed.
    (static / "notes.txt").unlink()
    (static / "alias.css").symlink_to(static / "style.css")
    (static / "same").symlink_to(static, target_is_directory=True)  # a loop: walked once
    result = run_sitegen(config, "build")
    assert result.returncode == 0, result.stderr
    published = tmp_path / "site" / "output" / "static"
    assert (published / "alias.css").read_bytes() == (static / "style.css").read_bytes()
    assert not any("private key" in path.read_text(errors="replace") for path in published.rglob("*") if path.is_file())
    (static / "outside").symlink_to(tmp_path, target_is_directory=True)
    result = run_sitegen(config, "build")
    assert result.returncode == 1 and f"{static / 'outside'}: a link to {tmp_path}, outside the static folder" in result.stderr
