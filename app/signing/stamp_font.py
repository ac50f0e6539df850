"""The embedded font for signature appearances, in the form pyHanko's text stamp needs.

pyHanko lays out stamp text as if every font had 1000 units per em; DejaVu Sans has 2048, so
its glyphs land at wrong advances (a line came out about 1.5 times as wide as it should).
The font is therefore subset to the characters of one appearance and scaled to 1000 units
with fontTools, in memory, per signature (sign.py hands it to pyHanko as a temporary file).
Subsetting first makes that take a sixth of a second instead of one and a half, and pyHanko
embeds a subset anyway. A pre-scaled copy under resources/ would be a second 700 KB font to
keep in step with the one reportlab embeds in the same document.
"""

from __future__ import annotations

import io

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

from app.fonts import font_file

UNITS_PER_EM = 1000


def stamp_font(text: str) -> bytes:
    """DejaVu Sans holding the glyphs of `text` (and what shaping needs), 1000 units per em."""
    font = TTFont(str(font_file()))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: fontTools cannot subset them
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    scale_upem(font, UNITS_PER_EM)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
