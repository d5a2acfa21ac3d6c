"""Field simulation of the printed codes: decode rate per decoder, per sign type and condition.

    .venv/bin/python bench/sign_decoding.py                   # fixture content, production URL
    .venv/bin/python bench/sign_decoding.py --content content --base-url https://...

Prints a table (a measurement, not a test): for each sign type (gate, outlet 480×300, outlet
420×420, warning 420) the share of codes each decoder (zxing-cpp, OpenCV, WeChat engine with
its traditional detector) reads under: clean at 2, 3 and 4 pixels per module; tilt 15/30/45°;
blur; JPEG quality 30; fading to 70 %; glare; 10 and 20 % of the symbol covered away from
the corner squares and on one of them. Then the reading distance of the smallest module at
a 1920-pixel-wide camera preview (horizontal field of view 65°, the decoder's clean minimum
pixels per module) and the reading distance of the smallest text (about 200 × its height).
Last, per sign type, the code's version and module before and after issue 19's printed
addresses (before: the page's own lower-case address in one byte-mode segment, same panel).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import segno

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import urls  # noqa: E402
from generator.content.readers import load_site  # noqa: E402
from generator.qr.readable import DECODERS  # noqa: E402
from generator.signs import SignOptions, unit_signs  # noqa: E402

PREVIEW_PX = 1920
FOV_DEG = 65.0
TEXT_DISTANCE_PER_MM = 0.2  # metres of reading distance per mm of text height


def module_image(matrix, ppm: float, border: int = 4) -> np.ndarray:
    """The code as greyscale pixels, ``ppm`` pixels a module (resampled if fractional)."""
    dark = np.array(matrix, dtype=bool)
    light = np.pad(~dark, border, constant_values=True).astype(np.uint8) * 255
    big = light.repeat(8, axis=0).repeat(8, axis=1)
    side = round(light.shape[0] * ppm)
    return cv2.resize(big, (side, side), interpolation=cv2.INTER_AREA)


def tilt(image: np.ndarray, degrees: float) -> np.ndarray:
    """The code seen turned ``degrees`` about its vertical axis (perspective)."""
    h, w = image.shape
    shrink = math.cos(math.radians(degrees))
    depth = 0.15 * math.sin(math.radians(degrees)) * h
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[0, 0], [w * shrink, depth], [w * shrink, h - depth], [0, h]])
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(image, matrix, (w, h), borderValue=255)


def cover(image: np.ndarray, share: float, corner: bool, ppm: float) -> np.ndarray:
    """White patch over ``share`` of the symbol: on the top-left finder or in the middle."""
    out = image.copy()
    h = image.shape[0]
    quiet = round(4 * ppm)
    side = round(math.sqrt(share) * (h - 2 * quiet))
    x = quiet if corner else (h - side) // 2
    out[x : x + side, x : x + side] = 255
    return out


def conditions(ppm: float) -> dict:
    """Name → function turning a clean image at ``ppm`` into a degraded one."""

    def jpeg(im):
        _, data = cv2.imencode(".jpg", im, [cv2.IMWRITE_JPEG_QUALITY, 30])
        return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)

    def glare(im):
        h, w = im.shape
        yy, xx = np.mgrid[0:h, 0:w]
        spot = np.exp(-((xx - 0.6 * w) ** 2 + (yy - 0.4 * h) ** 2) / (2 * (0.2 * w) ** 2))
        return np.clip(im + 170 * spot, 0, 255).astype(np.uint8)

    return {
        "clean": lambda im: im,
        "tilt 15°": lambda im: tilt(im, 15),
        "tilt 30°": lambda im: tilt(im, 30),
        "tilt 45°": lambda im: tilt(im, 45),
        "blur": lambda im: cv2.GaussianBlur(im, (0, 0), 0.5 * ppm),
        "JPEG 30": jpeg,
        "fading 70%": lambda im: (255 - 0.3 * (255 - im.astype(np.float32))).astype(np.uint8),
        "glare": glare,
        "cover 10% middle": lambda im: cover(im, 0.10, False, ppm),
        "cover 20% middle": lambda im: cover(im, 0.20, False, ppm),
        "cover 10% corner": lambda im: cover(im, 0.10, True, ppm),
        "cover 20% corner": lambda im: cover(im, 0.20, True, ppm),
    }


def sign_sets(site, base_url: str) -> dict[str, list]:
    """Sign type → every sign of that type for the site's units."""
    day = dt.date(2026, 1, 1)
    base = SignOptions(base_url=base_url, printed=day)
    variants = {
        "outlet 480x300": base,
        "outlet 420x420": replace(base, outlet_mm=(420.0, 420.0)),
        "warning 420": replace(base, style="warning"),
    }
    sets: dict[str, list] = {"gate": []}
    for unit in site.units:
        sets["gate"].append(unit_signs(site, unit, base)[0])
        for name, opts in variants.items():
            sets.setdefault(name, []).extend(unit_signs(site, unit, opts)[1:])
    return sets


def rates(signs: list, ppm: float, condition) -> dict[str, float]:
    """Share of ``signs`` whose code each decoder reads after ``condition``."""
    hits = dict.fromkeys(DECODERS, 0)
    for sign in signs:
        image = np.ascontiguousarray(condition(module_image(sign.qr.matrix, ppm)))
        for name, read in DECODERS.items():
            hits[name] += read(image) == [sign.url]
    return {name: hits[name] / max(len(signs), 1) for name in DECODERS}


def distance_m(module_mm: float, ppm: float) -> float:
    """Distance at which a module spans ``ppm`` pixels of a 1920-px preview."""
    width_per_m = 2 * math.tan(math.radians(FOV_DEG / 2)) * 1000  # mm seen per metre
    return module_mm * PREVIEW_PX / (ppm * width_per_m)


def before_after(signs: list, base_url: str) -> str:
    """Versions and smallest module of the codes, before and after the printed addresses."""
    old, new = [], []
    for sign in signs:
        path = urls.unit_path(sign.unit_code)
        if sign.kind != "gate":
            path = urls.outlet_path(sign.unit_code, sign.name)
        code = segno.make_qr(urls.absolute(base_url, path), error=sign.qr.error, boost_error=True)
        old.append((code.version, sign.qr.side / (len(code.matrix) + 2 * sign.qr.border)))
        new.append((sign.qr.version, sign.qr.module_mm))
    v0, v1 = max(v for v, _ in old), max(v for v, _ in new)
    m0, m1 = min(m for _, m in old), min(m for _, m in new)
    return (
        f"version {v0} → {v1}, module {m0:.2f} → {m1:.2f} mm, read from "
        f"{distance_m(m0, 3):.1f} → {distance_m(m1, 3):.1f} m (3 px/module), "
        f"{distance_m(m0, 2):.1f} → {distance_m(m1, 2):.1f} m (2 px/module)"
    )


def main() -> None:
    """Print the decode-rate table and the reading distances."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "tests" / "fixtures" / "content")
    parser.add_argument("--base-url", default="https://yimatong.sthjt.gxzf.gov.cn")
    args = parser.parse_args()
    sets = sign_sets(load_site(args.content), args.base_url)
    names = list(DECODERS)
    print(f"{'sign type':16} {'condition':18} {'px/mod':>6} " + " ".join(f"{n:>9}" for n in names))
    for kind, signs in sets.items():
        for ppm in (2, 3, 4):
            for label, condition in conditions(ppm).items():
                if ppm != 3 and label != "clean":
                    continue
                got = rates(signs, ppm, condition)
                cells = " ".join(f"{got[n]:>9.0%}" for n in names)
                print(f"{kind:16} {label:18} {ppm:>6} {cells}")
    print()
    for kind, signs in sets.items():
        module = min(s.qr.module_mm for s in signs)
        text = min(s.min_text_mm for s in signs)
        print(
            f"{kind:16} module {module:.2f} mm: code read from {distance_m(module, 3):.1f} m "
            f"(3 px/module), {distance_m(module, 2):.1f} m (2 px/module); "
            f"smallest text {text:.1f} mm, read from about {text * TEXT_DISTANCE_PER_MM:.1f} m"
        )
    print()
    for kind, signs in sets.items():
        print(f"{kind:16} before → after printed addresses: {before_after(signs, args.base_url)}")


if __name__ == "__main__":
    main()
