"""The page's new views: transfer in 3D, locked colours in figures, the zoom, file sizes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import core
from core.colorspace import to_space
from core.units import file_size
from ui import figures, preview


@pytest.fixture(scope="module")
def transfer(china):
    from sklearn.datasets import load_sample_image

    flower = load_sample_image("flower.jpg")
    return core.transfer_palette(china[::2, ::2], flower[::2, ::2], 6, method="frequency")


def test_transfer_clouds_draw_both_pictures_and_one_line_per_source_colour(china, transfer):
    src = preview.sample_pixels([china], 300, seed=0)
    tgt = preview.sample_pixels(transfer.frames, 200, seed=1)
    fig = figures.transfer_clouds(src, tgt, "oklab", transfer.source_palette,
                                  transfer.target_palette, transfer.mapping)
    names = [t.name for t in fig.data]
    assert names == ["this picture's pixels", "the other picture's pixels",
                     "where each colour goes", "this picture's colours",
                     "the other picture's colours"]
    assert len(fig.data[0].x) == 300 and len(fig.data[1].x) == 200
    lines = fig.data[2]
    n = len(transfer.source_palette)
    assert len(lines.x) == 3 * n
    # Each line starts at a source colour and ends at the target colour it is mapped to.
    ends = to_space(transfer.target_palette.colors[transfer.mapping], "oklab")
    np.testing.assert_allclose(np.array(lines.z[1::3], dtype=float), ends[:, 0])
    starts = to_space(transfer.source_palette.colors, "oklab")
    np.testing.assert_allclose(np.array(lines.z[0::3], dtype=float), starts[:, 0])


def test_transfer_clouds_without_a_mapping_draw_no_lines(transfer):
    px = np.zeros((10, 3), dtype=np.uint8)
    fig = figures.transfer_clouds(px, px, "lab", transfer.source_palette,
                                  transfer.target_palette, None)
    assert "where each colour goes" not in [t.name for t in fig.data]


def test_transfer_result_sizes_each_target_colour_by_its_use(transfer):
    px = preview.sample_pixels(transfer.frames, 1000, seed=0)
    fig = figures.transfer_result(px, "lab", transfer.target_palette)
    squares = fig.data[1]
    shares = [float(t.split("paints ")[1].split("%")[0]) for t in squares.text]
    assert sum(shares) == pytest.approx(100, abs=len(shares))  # a palette method
    order = np.argsort(shares)
    assert np.all(np.diff(np.asarray(squares.marker.size)[order]) >= 0)


def test_palette_bar_marks_locked_colours(transfer):
    palette = transfer.target_palette
    locked = [palette.hex[1]]
    layout = figures.palette_bar(palette, locked).layout.yaxis
    labels = dict(zip(layout.tickvals, layout.ticktext))
    assert labels[palette.hex[1]] == f"{palette.hex[1]} (locked)"
    assert labels[palette.hex[0]] == palette.hex[0]


def test_color_cloud_draws_locked_centres_as_squares(china):
    res = core.quantize(china, 5, locked=["#ff0000"])
    fig = figures.color_cloud(china.reshape(-1, 3)[:500], "lab", [res.centers],
                              [res.palette.colors], locked=["#ff0000"])
    assert [t.name for t in fig.data] == ["pixels", "cluster centres", "locked colours (squares)"]
    assert fig.data[2].marker.symbol == "square" and list(fig.data[2].text) == ["#ff0000"]
    assert len(fig.data[1].x) == 4


def test_zoom_crop_repeats_pixels_inside_the_picture():
    image = np.arange(60 * 80 * 3, dtype=np.uint32).reshape(60, 80, 3).astype(np.uint8)
    whole, box = preview.zoom_crop(image, 1)
    assert whole is image and box == (0, 0, 80, 60)
    big, (left, top, w, h) = preview.zoom_crop(image, 4, across=1.0, down=0.0, view_width=160)
    assert (w, h) == (40, 30) and (left, top) == (40, 0)
    assert big.shape == (120, 160, 3)
    np.testing.assert_array_equal(big[::4, ::4], image[0:30, 40:80])
    np.testing.assert_array_equal(big[3::4, 3::4], image[0:30, 40:80])


def test_decode_frame_gives_the_composited_frame_of_a_gif():
    frames = [np.full((8, 8, 3), 40 * i, dtype=np.uint8) for i in range(4)]
    results = [core.quantize(f, 2) for f in frames]
    gif = core.to_bytes(core.save_gif, results, durations=[50] * 4, loop=0)
    np.testing.assert_array_equal(preview.decode_frame(gif, 2), results[2].image)
    png = io.BytesIO()
    Image.fromarray(frames[1]).save(png, format="PNG")
    np.testing.assert_array_equal(preview.decode_frame(png.getvalue(), 0), frames[1])


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1000, "1.0 KB"), (46_000, "46 KB"),
     (999_999, "999 KB"), (1_258_291, "1.2 MB"), (9_990_000, "9.9 MB"), (10_000_000, "10 MB"),
     (30 * 2**20, "31 MB"), (3 * 2**30, "3.2 GB")],
)
def test_file_sizes_in_words(n, words):
    assert file_size(n) == words


@pytest.mark.parametrize(("value", "words"), [(4.71, "4.7"), (9.96, "10"), (991.04, "991"),
                                              (12400.0, "12,400")])
def test_ratios_read_as_words_never_991_point_0(value, words):
    from ui.compare import ratio

    assert ratio(value) == words


class _Slot:
    # Stands in for st.empty(): records what the bar says.
    def __init__(self):
        self.texts = []

    def progress(self, fraction, text):
        self.texts.append((round(fraction, 3), text))
        return self

    def empty(self):
        self.texts.append((None, "gone"))


def test_one_progress_bar_counts_modes_and_frames_in_words():
    from ui.progress import Progress

    slot = _Slot()
    bar = Progress(slot)
    bar.modes([("Stable", 4, 4, 120, 200)])
    bar.modes([("Seeded", 1, 2, 12, 43), ("Global palette", 2, 2, 5, 43)])
    bar.modes([("Seeded", 1, 2, 43, 43), ("Stable", 2, 2, 0, 43)])  # the next one is named
    assert slot.texts == [
        (0.6, "Stable: mode 4 of 4, frame 120 of 200"),
        (0.198, "Seeded: mode 1 of 2, frame 12 of 43 · Global palette: mode 2 of 2, frame 5 of 43"),
        (0.5, "Stable: mode 2 of 2, frame 0 of 43"),
    ]
    bar.done()
    assert slot.texts[-1] == (None, "gone")
