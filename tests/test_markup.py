"""User-chosen text is shown as text, never as markup."""

from __future__ import annotations

from ui.markup import plain


def test_links_images_and_directives_are_escaped():
    name = "![x](https://tracker.example/p.png) :red[boo] $x$.gif"
    out = plain(name)
    assert "![" not in out and "](" not in out and ":red[" not in out
    assert out.replace("\\", "") == name


def test_one_line_and_bounded():
    assert plain("a\nb\tc") == "a b c"
    assert len(plain("x" * 500).replace("\\", "")) == 80
