"""The page's address: parsing shared links (kind and hostile) and writing them back."""

from __future__ import annotations

import re

import pytest

import core
from core.samples import SAMPLES
from ui import address, locked
from ui.settings import DEFAULTS


def test_every_sample_has_a_short_name():
    assert set(address.SAMPLE_SLUGS.values()) == set(SAMPLES)
    for slug in address.SAMPLE_SLUGS:
        assert slug.isascii() and slug.isalnum() and slug.islower()


def test_a_link_sets_every_knob_it_names():
    params = {
        "k": "5", "space": "hsv", "metric": "manhattan", "algorithm": "kmeans",
        "init": "random", "seed": "42", "dither": "bayer", "no_black": "1", "no_white": "0",
        "hysteresis": "1.5", "damping": "0", "sample": "cat", "palette": "FF0000,00ff00",
    }
    parsed = address.parse(params)
    assert parsed.ignored == []
    assert parsed.values == {
        "k": 5, "space": "hsv", "metric": "manhattan", "algorithm": "kmeans",
        "init": "random", "seed": 42, "dither": "bayer", "no_black": True, "no_white": False,
        "hysteresis": 1.5, "damping": 0.0, "sample": "Still: Chelsea the cat (scikit-image)",
        locked.KEY: ["#ff0000", "#00ff00"],
    }


def test_the_part_of_the_clip_is_in_the_address_and_reads_back():
    state = {**DEFAULTS, "start": 2.5, "end": 6.0, "fps": 15, "width": 640,
             "locked_rule": "nearest", "k": 256, locked.KEY: []}
    params = address.encode(state)
    assert params == {"start": "2.5", "end": "6", "fps": "15", "width": "640",
                      "locked_rule": "nearest", "k": "256"}
    parsed = address.parse(params)
    assert parsed.ignored == [] and {**DEFAULTS, **parsed.values, locked.KEY: []} == state
    # The whole clip at its own rate and size writes nothing.
    assert address.encode({**DEFAULTS, locked.KEY: []}) == {}


def test_an_end_before_the_start_is_ignored_and_named():
    parsed = address.parse({"start": "7", "end": "6"})
    assert parsed.values == {"start": 7.0} and "end=6 (should be after start)" in parsed.ignored


def test_encode_writes_only_what_differs_and_reads_back():
    state = {**DEFAULTS, "k": 12, "space": "oklab", "seed": 7, "no_white": True,
             "damping": 3.5, "sample": "Still: a flower (scikit-learn)",
             locked.KEY: ["#0f380f", "#9bbc0f"]}
    params = address.encode(state)
    assert params == {"k": "12", "space": "oklab", "seed": "7", "no_white": "1",
                      "damping": "3.5", "sample": "flower", "palette": "0f380f,9bbc0f"}
    parsed = address.parse(params)
    assert parsed.ignored == []
    assert {**DEFAULTS, **parsed.values} == state


def test_the_default_view_has_an_empty_address():
    assert address.encode({**DEFAULTS, locked.KEY: []}) == {}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"k": "99999"}, "k=99999 (should be a whole number from 2 to 256)"),
        ({"k": "-3"}, "k=-3"),
        ({"k": "5.5"}, "k=5.5"),
        ({"k": ""}, "k (should be"),
        ({"space": "<script>alert(1)</script>"}, r"space=\<script\>alert\(1\)\</scrip…"),
        ({"metric": "\"'quoted'\""}, "metric=\"'quoted'\" (should be one of euclidean, manhattan)"),
        ({"seed": "9" * 5000}, "seed=99999999999999999999999…"),
        ({"seed": "2147483648"}, "seed=2147483648 (should be a whole number from 0 to 2147483647)"),
        ({"seed": "12abc"}, "seed=12abc"),
        ({"hysteresis": "0.7"}, "in steps of 0.5"),
        ({"damping": "nan"}, "damping=nan"),
        ({"no_black": "maybe"}, "no\\_black=maybe (should be 1 or 0)"),
        ({"sample": "Still: Chelsea"}, "sample=Still\\: Chelsea"),
        ({"palette": "ff0000,#00ff00"}, "palette="),
        ({"palette": ",".join(["ff0000"] * 257)}, "1 to 256 hex colours"),
        ({"fps": "12"}, "fps=12 (should be one of 25, 20, 15, 10)"),
        ({"width": "700"}, "width=700 (should be one of 1280, 960, 640, 480, 320)"),
        ({"start": "-1"}, "start=-1 (should be a number of seconds"),
        ({"locked_rule": "brightest"}, "locked\\_rule=brightest (should be one of nearest"),
        ({"foo": "bar"}, "foo=bar (not a setting of this page)"),
        ({"<img src=x onerror=alert(1)>": "1"}, r"\<img src=x onerror=aler…=1 (not a setting"),
    ],
)
def test_a_hostile_or_broken_part_is_ignored_and_named(params, named):
    parsed = address.parse(params)
    assert parsed.values == {}
    assert len(parsed.ignored) == 1
    assert named in parsed.ignored[0]


def test_what_is_ignored_never_carries_raw_markup():
    hostile = {"space": "<b>x</b>", "x<y": "[link](javascript:alert(1))", "seed": "`code`",
               "dither": "$x^2$", "init": ":red[hi]", "k": "![i](http://t/x.png)"}
    message = address.notice(address.parse(hostile).ignored)
    unescaped = re.sub(r"\\.", "", message)  # what Markdown would not take literally
    for raw in ("<", ">", "](", "`", "$", ":red[", "!["):
        assert raw not in unescaped


def test_the_notice_names_a_few_and_counts_the_rest():
    message = address.notice(address.parse({f"x{i}": "1" for i in range(40)}).ignored)
    assert message.count("not a setting") == address.MAX_NAMED
    assert f"and {40 - address.MAX_NAMED} more" in message


def test_good_parts_stay_when_others_are_ignored():
    parsed = address.parse({"k": "5", "space": "nope", "seed": "3"})
    assert parsed.values == {"k": 5, "seed": 3}
    assert len(parsed.ignored) == 1


def test_manhattan_with_another_algorithm_gives_way():
    parsed = address.parse({"metric": "manhattan", "algorithm": "minibatch"})
    assert parsed.values == {"algorithm": "minibatch"}
    assert "Manhattan works with algorithm=kmeans only" in parsed.ignored[0]
    core.QuantizeOptions(**parsed.values)  # a valid combination


def test_a_palette_raises_k_unless_k_is_given():
    codes = ",".join(f"{i:02x}0000" for i in range(12))
    assert address.parse({"palette": codes}).values["k"] == 12
    parsed = address.parse({"palette": codes, "k": "5"})
    assert locked.KEY not in parsed.values and parsed.values["k"] == 5
    assert "12 colours do not fit in k=5" in parsed.ignored[0]
