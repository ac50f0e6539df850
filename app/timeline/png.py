"""The printed chart as PNG images: each page's shapes drawn with Pillow in the embedded font.

A page becomes one image PNG_WIDTH pixels wide with the paper's proportions. Pillow draws
without anti-aliasing, so each page is drawn at twice that size and scaled down.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app import fonts
from app.timeline.pages import PageLayout
from app.timeline.pdf import measure
from app.timeline.sheet import (
    ChartContent,
    Clip,
    Line,
    Point,
    Polygon,
    Rect,
    Shape,
    Text,
    Unclip,
    page_shapes,
)

PNG_WIDTH = 2400
SUPERSAMPLE = 2
Progress = Callable[[int, int], None]
_ANCHORS = {"left": "ls", "center": "ms", "right": "rs"}


def png_paths(out: Path, pages: int) -> list[Path]:
    """OUT.png for one page; OUT-1.png … OUT-N.png for several."""
    if pages == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{n}{out.suffix}") for n in range(1, pages + 1)]


def write_png(
    out: Path,
    layout: PageLayout,
    content: ChartContent,
    *,
    width: int = PNG_WIDTH,
    progress: Progress | None = None,
) -> list[Path]:
    """Write every page as an image; returns the files written, in page order."""
    paths = png_paths(out, len(layout.pages))
    for done, (page, path) in enumerate(zip(layout.pages, paths, strict=True), start=1):
        image = render_page(layout, page_shapes(layout, page, content, measure), width)
        image.save(path, format="PNG", optimize=False)
        if progress is not None:
            progress(done, len(paths))
    return paths


def render_page(layout: PageLayout, shapes: Iterable[Shape], width: int) -> Image.Image:
    """One page as an RGB image ``width`` pixels wide."""
    height = round(width * layout.height / layout.width)
    scale = width * SUPERSAMPLE / layout.width
    canvas = _Canvas(width * SUPERSAMPLE, height * SUPERSAMPLE, scale)
    for shape in shapes:
        canvas.draw(shape)
    big = canvas.image.convert("RGB")
    return big.resize((width, height), Image.Resampling.LANCZOS)


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts.font_file(bold)), size)


@dataclass
class _Layer:
    image: Image.Image
    draw: ImageDraw.ImageDraw
    origin: tuple[int, int]  # where the layer's top left sits on the page, in pixels


class _Canvas:
    def __init__(self, width: int, height: int, scale: float) -> None:
        self.scale = scale
        self.image = Image.new("RGBA", (width, height), (255, 255, 255, 255))
        self.layers = [_Layer(self.image, ImageDraw.Draw(self.image), (0, 0))]

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        ox, oy = self.layers[-1].origin
        return x * self.scale - ox, y * self.scale - oy

    def _width(self, points: float) -> int:
        return max(1, round(points * self.scale))

    def draw(self, shape: Shape) -> None:
        draw = self.layers[-1].draw
        if isinstance(shape, Rect):
            x0, y0 = self._xy(shape.x0, shape.y0)
            x1, y1 = self._xy(shape.x1, shape.y1)
            outline = shape.stroke
            draw.rectangle(
                (x0, y0, max(x0, x1 - 1), max(y0, y1 - 1)),
                fill=shape.fill,
                outline=outline,
                width=self._width(shape.width) if outline else 0,
            )
        elif isinstance(shape, Line):
            points = [self._xy(x, y) for x, y in shape.points]
            width = self._width(shape.width)
            if shape.dash is None:
                draw.line(points, fill=shape.color, width=width, joint="curve")
            else:
                on, off = (d * self.scale for d in shape.dash)
                for a, b in zip(points, points[1:], strict=False):
                    for segment in _dashes(a, b, on, off):
                        draw.line(segment, fill=shape.color, width=width)
        elif isinstance(shape, Polygon):
            draw.polygon([self._xy(x, y) for x, y in shape.points], fill=shape.fill)
        elif isinstance(shape, Text):
            if shape.text:
                font = _font(max(1, round(shape.size * self.scale)), shape.bold)
                draw.text(
                    self._xy(shape.x, shape.y),
                    shape.text,
                    fill=shape.color,
                    font=font,
                    anchor=_ANCHORS[shape.align],
                )
        elif isinstance(shape, Clip):
            # Pillow cannot clip: draw onto a transparent layer the size of the box, then
            # lay it over the page when the clip ends.
            box = shape.box
            left, top = round(box.x0 * self.scale), round(box.y0 * self.scale)
            size = (
                max(1, round(box.x1 * self.scale) - left),
                max(1, round(box.y1 * self.scale) - top),
            )
            image = Image.new("RGBA", size, (0, 0, 0, 0))
            self.layers.append(_Layer(image, ImageDraw.Draw(image), (left, top)))
        elif isinstance(shape, Unclip):
            layer = self.layers.pop()
            below = self.layers[-1]
            ox, oy = below.origin
            below.image.alpha_composite(
                layer.image, dest=(layer.origin[0] - ox, layer.origin[1] - oy)
            )


def _dashes(
    a: tuple[float, float], b: tuple[float, float], on: float, off: float
) -> Iterable[list[Point]]:
    (ax, ay), (bx, by) = a, b
    length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
    if length == 0:
        return
    ux, uy = (bx - ax) / length, (by - ay) / length
    at = 0.0
    while at < length:
        end = min(length, at + on)
        yield [(ax + ux * at, ay + uy * at), (ax + ux * end, ay + uy * end)]
        at = end + off
