"""Local identicons: a symmetric 5×5 pattern drawn from a hash, as SVG (no third party)."""

from __future__ import annotations


def identicon_svg(hex_digest: str, size: int = 48) -> str:
    """Draw the identicon for a hex digest (at least 24 hex digits)."""
    hue = int(hex_digest[:3], 16) % 360
    bits = int(hex_digest[3:11], 16)
    cell = size // 6
    margin = (size - cell * 5) // 2
    rects = []
    for row in range(5):
        for col in range(3):
            if bits >> (row * 3 + col) & 1:
                for x in {col, 4 - col}:
                    rects.append(f'<rect x="{margin + x * cell}" y="{margin + row * cell}" '
                                 f'width="{cell}" height="{cell}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}"><rect width="{size}" height="{size}" fill="#f0f0f0"/>'
            f'<g fill="hsl({hue},55%,45%)">{"".join(rects)}</g></svg>')
