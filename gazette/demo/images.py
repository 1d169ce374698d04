"""Pictures for the sample content, drawn with Pillow so that the repository carries no
binary files and the demo needs no network. Each keyword gets its own simple scene."""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900

# Sky top, sky bottom, ground, silhouette colours for each scene.
_PALETTES = {
    "harbour-cranes": ("#4a6a8a", "#c9d6df", "#2c3e50", "#1f5f8b"),
    "city-hall": ("#7f9cb8", "#e8e2d0", "#8c7b65", "#d8cfb8"),
    "rain-street": ("#3d4852", "#8a969f", "#2b2f33", "#1c2126"),
    "train-station": ("#9fb4c7", "#efe6d6", "#5b4f45", "#7a3b2e"),
    "concert-hall": ("#2b1d3a", "#b56576", "#1b1725", "#e0b1cb"),
    "gallery": ("#f2efe9", "#dcd6cc", "#b9b1a3", "#5e6472"),
    "market": ("#f4a261", "#fde2c1", "#6b4f3a", "#e76f51"),
    "mountains": ("#5d8aa8", "#dbe9f4", "#3b5249", "#6d8a78"),
    "bridge": ("#e07a5f", "#f2cc8f", "#3d405b", "#3d405b"),
    "school": ("#8ecae6", "#e0f4ff", "#6a994e", "#bc4749"),
    "parliament": ("#a3b1c6", "#eceae4", "#6b705c", "#cb997e"),
    "field": ("#90caf9", "#fff3c4", "#c9a227", "#7f5539"),
    "library": ("#6d597a", "#e5d9c5", "#4a3b2a", "#b56576"),
    "stadium": ("#1d3557", "#a8dadc", "#2a9d8f", "#f1faee"),
}


def _gradient(top: str, bottom: str) -> Image.Image:
    img = Image.new("RGB", (WIDTH, HEIGHT))
    t, b = (
        Image.new("RGB", (1, 1), top).getpixel((0, 0)),
        Image.new("RGB", (1, 1), bottom).getpixel((0, 0)),
    )
    draw = ImageDraw.Draw(img)
    for y in range(HEIGHT):
        f = y / HEIGHT
        draw.line([(0, y), (WIDTH, y)], fill=tuple(int(t[i] + (b[i] - t[i]) * f) for i in range(3)))
    return img


def draw_scene(keyword: str, path: Path) -> Path:
    sky_top, sky_bottom, ground, shape = _PALETTES.get(keyword, _PALETTES["city-hall"])
    rng = random.Random(keyword)  # noqa: S311 - pictures, not secrets  # the same picture every time for the same keyword
    img = _gradient(sky_top, sky_bottom)
    d = ImageDraw.Draw(img)
    horizon = int(HEIGHT * rng.uniform(0.62, 0.75))
    if keyword in ("mountains", "field"):
        for layer in range(3):
            points = [(0, HEIGHT)]
            for x in range(0, WIDTH + 200, 200):
                points.append((x, horizon - rng.randint(60, 320) // (layer + 1)))
            points.append((WIDTH, HEIGHT))
            d.polygon(points, fill=shape if layer == 0 else ground)
    elif keyword == "harbour-cranes":
        for i in range(3):
            x = 250 + i * 450
            d.rectangle([x, horizon - 420, x + 30, horizon], fill=shape)
            d.rectangle([x - 160, horizon - 430, x + 320, horizon - 400], fill=shape)
            d.line([(x + 15, horizon - 520), (x - 150, horizon - 430)], fill=shape, width=8)
            d.line([(x + 15, horizon - 520), (x + 310, horizon - 430)], fill=shape, width=8)
        for _ in range(14):
            x = rng.randint(0, WIDTH - 160)
            d.rectangle(
                [x, horizon - 70, x + 150, horizon],
                fill=rng.choice(["#c0392b", "#2980b9", "#e67e22", "#16a085"]),
            )
    elif keyword == "bridge":
        d.arc([100, horizon - 380, WIDTH - 100, horizon + 380], 180, 360, fill=shape, width=22)
        d.rectangle([0, horizon - 30, WIDTH, horizon - 10], fill=shape)
        for x in range(160, WIDTH - 100, 80):
            d.line(
                [
                    (x, horizon - 30),
                    (x, horizon - 30 - int(300 * (1 - ((x - WIDTH / 2) / (WIDTH / 2)) ** 2))),
                ],
                fill=shape,
                width=5,
            )
    else:
        x = 0
        while x < WIDTH:
            w = rng.randint(120, 300)
            h = rng.randint(140, 460)
            d.rectangle([x, horizon - h, x + w, horizon], fill=shape)
            for wy in range(horizon - h + 30, horizon - 30, 50):
                for wx in range(x + 20, x + w - 30, 45):
                    if rng.random() < 0.6:
                        d.rectangle([wx, wy, wx + 18, wy + 26], fill=sky_bottom)
            x += w + rng.randint(10, 60)
        if keyword in ("city-hall", "parliament"):
            cx = WIDTH // 2
            d.rectangle([cx - 260, horizon - 360, cx + 260, horizon], fill=shape)
            d.ellipse([cx - 150, horizon - 560, cx + 150, horizon - 260], fill=shape)
            for px in range(cx - 230, cx + 231, 70):
                d.rectangle([px, horizon - 300, px + 25, horizon], fill=sky_bottom)
        if keyword == "rain-street":
            for _ in range(900):
                rx, ry = rng.randint(0, WIDTH), rng.randint(0, HEIGHT)
                d.line([(rx, ry), (rx - 8, ry + 30)], fill="#aab4bd", width=2)
    d.rectangle([0, horizon, WIDTH, HEIGHT], fill=ground)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=82, optimize=True)
    return path
