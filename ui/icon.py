"""The application's icon: three racks under a rising line, drawn as SVG here (so it ships
inside the package) and rendered at the sizes a window manager asks for. ``assets/icon.svg``
and ``assets/icon.png`` are written from it by ``write_assets`` (a test keeps them equal)."""

from __future__ import annotations

from pathlib import Path

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <rect x="8" y="8" width="240" height="240" rx="44" fill="#1d4f91"/>
  <g fill="#e8eef7">
    <rect x="44" y="112" width="44" height="104" rx="6"/>
    <rect x="106" y="112" width="44" height="104" rx="6"/>
    <rect x="168" y="112" width="44" height="104" rx="6"/>
  </g>
  <g fill="#1d4f91">
    <rect x="52" y="126" width="28" height="8" rx="2"/><rect x="52" y="146" width="28" height="8" rx="2"/>
    <rect x="52" y="166" width="28" height="8" rx="2"/><rect x="52" y="186" width="28" height="8" rx="2"/>
    <rect x="114" y="126" width="28" height="8" rx="2"/><rect x="114" y="146" width="28" height="8" rx="2"/>
    <rect x="114" y="166" width="28" height="8" rx="2"/><rect x="114" y="186" width="28" height="8" rx="2"/>
    <rect x="176" y="126" width="28" height="8" rx="2"/><rect x="176" y="146" width="28" height="8" rx="2"/>
    <rect x="176" y="166" width="28" height="8" rx="2"/><rect x="176" y="186" width="28" height="8" rx="2"/>
  </g>
  <polyline points="40,92 92,70 136,80 214,36" fill="none" stroke="#ffb23e" stroke-width="14"
            stroke-linecap="round" stroke-linejoin="round"/>
  <circle cx="214" cy="36" r="12" fill="#ffb23e"/>
</svg>
"""

SIZES = (16, 24, 32, 48, 64, 128, 256)


def image(size: int):
    """The icon as a QImage of ``size`` x ``size`` pixels (transparent corners)."""
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(SVG.encode()))
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    painter = QPainter(img)
    renderer.render(painter)
    painter.end()
    return img


def icon():
    """The window icon (QIcon) at every size in SIZES."""
    from PySide6.QtGui import QIcon, QPixmap

    result = QIcon()
    for size in SIZES:
        result.addPixmap(QPixmap.fromImage(image(size)))
    return result


def write_assets(folder: Path) -> list[Path]:
    """Write icon.svg and a 256 px icon.png into ``folder`` (the repository's assets/)."""
    folder.mkdir(parents=True, exist_ok=True)
    svg, png = folder / "icon.svg", folder / "icon.png"
    svg.write_text(SVG)
    image(256).save(str(png))
    return [svg, png]
