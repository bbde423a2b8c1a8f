#!/usr/bin/env python3
"""Generate camera-like JPEG photographs for the image benchmark.

    scripts/generate-photos.py OUT_DIR [--count 200] [--seed 1]

Each picture is 4000x3000 (12 megapixels, a phone camera's size) and
3-5 MB: a blurred background of out-of-focus shapes, a sharp "flower"
subject, grass blades, leaf texture and sensor grain, saved as a
baseline JPEG whose quality is picked so the file lands in that range.
Like a phone's photographs they carry EXIF (make, model, date, GPS
position); every fourth is stored sideways with EXIF orientation 6 and
every fifth embeds an ICC colour profile, so a benchmark exercises the
same paths as real uploads.

Everything is drawn here from a seeded random generator (no downloaded
photographs, nothing with an unclear licence) and the output is the same
on every run. Requires Pillow. Files already present with the right size
are kept, so a second run costs nothing.
"""

import argparse
import io
import math
import os
import random
import sys
from multiprocessing import Pool

from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFilter

WIDTH, HEIGHT = 4000, 3000
MIN_BYTES, MAX_BYTES = 3_000_000, 5_000_000

PALETTES = [
    # (sky or far background, near background, blobs...)
    [(150, 190, 225), (70, 110, 60), (200, 210, 120), (40, 80, 40), (240, 230, 200)],
    [(60, 90, 50), (25, 45, 30), (120, 160, 70), (180, 200, 90), (90, 70, 40)],
    [(210, 180, 140), (120, 90, 60), (230, 200, 120), (80, 110, 70), (170, 120, 90)],
    [(110, 140, 170), (40, 60, 80), (200, 220, 235), (70, 100, 120), (150, 170, 120)],
]
FLOWERS = [(230, 70, 90), (250, 200, 40), (240, 240, 245), (150, 80, 200), (250, 130, 40)]


def jitter(r, colour, amount=25):
    return tuple(max(0, min(255, c + r.randint(-amount, amount))) for c in colour)


def background(r, palette):
    """Out-of-focus scene: drawn at a quarter of the size, blurred, scaled up."""
    w, h = WIDTH // 4, HEIGHT // 4
    top, bottom = palette[0], palette[1]
    gradient = Image.linear_gradient("L").resize((w, h))
    img = Image.composite(Image.new("RGB", (w, h), bottom), Image.new("RGB", (w, h), top), gradient)
    draw = ImageDraw.Draw(img)
    for _ in range(r.randint(40, 90)):
        x, y = r.randint(-100, w), r.randint(-100, h)
        s = r.randint(15, 220)
        draw.ellipse((x, y, x + s, y + s * r.uniform(0.5, 1.3)), fill=jitter(r, r.choice(palette[2:]), 40))
    img = img.filter(ImageFilter.GaussianBlur(r.uniform(6, 14)))
    return img.resize((WIDTH, HEIGHT), Image.BICUBIC)


def foliage(r, img, palette):
    """Sharp grass blades and leaves in the foreground."""
    draw = ImageDraw.Draw(img)
    for _ in range(r.randint(250, 500)):
        x = r.randint(0, WIDTH)
        y = r.randint(HEIGHT // 2, HEIGHT + 200)
        length = r.randint(200, 1100)
        lean = r.uniform(-0.5, 0.5)
        points = []
        for i in range(8):
            t = i / 7
            points.append((x + lean * length * t * t, y - length * t))
        draw.line(points, fill=jitter(r, r.choice([(60, 120, 40), (90, 150, 50), (40, 90, 30), (130, 160, 70)]), 30),
                  width=r.randint(4, 14), joint="curve")
    for _ in range(r.randint(30, 80)):
        cx, cy = r.randint(0, WIDTH), r.randint(0, HEIGHT)
        size = r.randint(60, 260)
        angle = r.uniform(0, math.pi)
        pts = []
        for i in range(24):
            a = 2 * math.pi * i / 24
            px, py = math.cos(a) * size, math.sin(a) * size * 0.38
            pts.append((cx + px * math.cos(angle) - py * math.sin(angle),
                        cy + px * math.sin(angle) + py * math.cos(angle)))
        draw.polygon(pts, fill=jitter(r, palette[3], 35))


def flower(r, img):
    """The subject: a sharp flower with petals, a centre and fine stamens."""
    draw = ImageDraw.Draw(img)
    cx, cy = r.randint(WIDTH // 4, 3 * WIDTH // 4), r.randint(HEIGHT // 4, 3 * HEIGHT // 4)
    petal = r.choice(FLOWERS)
    count = r.randint(5, 13)
    radius = r.randint(350, 700)
    for i in range(count):
        a = 2 * math.pi * i / count + r.uniform(-0.1, 0.1)
        pts = []
        for k in range(32):
            t = 2 * math.pi * k / 32
            px, py = (math.cos(t) + 1) * radius / 2, math.sin(t) * radius * 0.22
            pts.append((cx + px * math.cos(a) - py * math.sin(a), cy + px * math.sin(a) + py * math.cos(a)))
        draw.polygon(pts, fill=jitter(r, petal, 20), outline=jitter(r, petal, 50))
        for v in range(6):  # veins
            draw.line((cx, cy, cx + math.cos(a + (v - 3) * 0.04) * radius * 0.9,
                       cy + math.sin(a + (v - 3) * 0.04) * radius * 0.9), fill=jitter(r, petal, 60), width=2)
    core = radius // 5
    draw.ellipse((cx - core, cy - core, cx + core, cy + core), fill=(110, 70, 20))
    for _ in range(300):
        a, d = r.uniform(0, 2 * math.pi), r.uniform(0, core)
        x, y = cx + math.cos(a) * d, cy + math.sin(a) * d
        draw.ellipse((x - 6, y - 6, x + 6, y + 6), fill=jitter(r, (220, 180, 40), 40))


def texture(r, img):
    """Leaf and bark detail plus sensor grain: what makes camera JPEGs large."""
    detail = Image.effect_noise((WIDTH, HEIGHT), 70).filter(ImageFilter.GaussianBlur(r.uniform(0.8, 1.6)))
    detail = Image.merge("RGB", (detail, detail, detail))
    img = ImageChops.overlay(img, Image.blend(Image.new("RGB", img.size, (128, 128, 128)), detail, 0.6))
    grain = Image.effect_noise((WIDTH, HEIGHT), 10).convert("RGB")
    return ImageChops.add(img, grain, scale=1.0, offset=-128)


def exif_for(r, index):
    exif = Image.Exif()
    exif[0x010F] = "FolioCam"                   # Make
    exif[0x0110] = "Generated 12MP"             # Model
    exif[0x0132] = "2021:06:%02d 10:%02d:00" % (1 + index % 28, index % 60)  # DateTime
    if index % 4 == 0:
        exif[0x0112] = 6                         # Orientation: rotate 90° clockwise to view
    gps = {
        1: "N" if r.random() < 0.5 else "S",
        2: (float(r.randint(0, 80)), float(r.randint(0, 59)), round(r.uniform(0, 59), 2)),
        3: "E" if r.random() < 0.5 else "W",
        4: (float(r.randint(0, 179)), float(r.randint(0, 59)), round(r.uniform(0, 59), 2)),
    }
    exif[0x8825] = gps                           # GPSInfo
    return exif


def encode(img, exif, icc):
    """Save at the highest quality that stays under MAX_BYTES."""
    best = None
    for quality in (95, 92, 89, 86, 82, 78, 72, 65):
        buffer = io.BytesIO()
        kwargs = {"quality": quality, "exif": exif.tobytes()}
        if icc:
            kwargs["icc_profile"] = icc
        img.save(buffer, "JPEG", **kwargs)
        best = buffer.getvalue()
        if len(best) <= MAX_BYTES:
            break
    return best


def make(job):
    out_dir, seed, index = job
    path = os.path.join(out_dir, "photo-%03d.jpg" % index)
    if os.path.exists(path) and MIN_BYTES <= os.path.getsize(path) <= MAX_BYTES:
        return path, os.path.getsize(path)
    r = random.Random(seed * 100_003 + index)
    palette = PALETTES[index % len(PALETTES)]
    img = background(r, palette)
    foliage(r, img, palette)
    flower(r, img)
    img = texture(r, img)
    exif = exif_for(r, index)
    if index % 4 == 0:
        # Stored as a sideways sensor would: the viewer turns it upright.
        img = img.transpose(Image.Transpose.ROTATE_90)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() if index % 5 == 0 else None
    data = encode(img, exif, icc)
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return path, len(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    jobs = [(args.out_dir, args.seed, i) for i in range(args.count)]
    total = 0
    outside = 0
    with Pool(args.jobs) as pool:
        for path, size in pool.imap_unordered(make, jobs):
            total += size
            if not MIN_BYTES <= size <= MAX_BYTES:
                outside += 1
                print("note: %s is %.1f MB" % (path, size / 1e6), file=sys.stderr)
    print("%d photographs, %.0f MB in %s" % (args.count, total / 1e6, args.out_dir))


if __name__ == "__main__":
    main()
