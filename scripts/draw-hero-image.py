#!/usr/bin/env python3
"""Draw the hero banner image "Limenitis reducta Staudinger,.jpg".

The picture is a stylised southern white admiral (Limenitis reducta): a
dark brown-black butterfly with a white band of patches across both wings
and a row of small blue and orange spots near the wing edges, resting with
open wings on a leaf in front of a soft, out-of-focus green leafy
background.  The left half is kept dark and calm so that white text laid
over it stays readable.

The image is original: it is generated entirely by this script (no
photographs or third-party artwork are used).  Drawing is deterministic
(fixed random seed).  Requires Pillow.  Run it without arguments; it writes
assets/images/Limenitis reducta Staudinger,.jpg relative to the repository
root as a 1600x900 progressive JPEG.
"""

import math
import os
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

WIDTH, HEIGHT = 1600, 900
SS = 2  # supersampling factor, for anti-aliased shapes
W, H = WIDTH * SS, HEIGHT * SS
SEED = 20240611

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(REPO_ROOT, "assets", "images", "Limenitis reducta Staudinger,.jpg")


# ---------------------------------------------------------------- helpers


def catmull_rom(points, closed=True, steps=24):
    """Smooth curve through the given points (Catmull-Rom spline)."""
    pts = list(points)
    n = len(pts)
    out = []
    seg_count = n if closed else n - 1
    for i in range(seg_count):
        p0 = pts[(i - 1) % n] if closed or i > 0 else pts[0]
        p1 = pts[i % n]
        p2 = pts[(i + 1) % n]
        p3 = pts[(i + 2) % n] if closed or i + 2 < n else pts[-1]
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            out.append(tuple(
                0.5 * (2 * p1[k] + (-p0[k] + p2[k]) * t
                       + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                       + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3)
                for k in range(2)))
    if not closed:
        out.append(pts[-1])
    return out


def lerp(a, b, t):
    return a + (b - a) * t


def mix(c1, c2, t):
    return tuple(int(round(lerp(a, b, t))) for a, b in zip(c1, c2))


def new_layer():
    return Image.new("RGBA", (W, H), (0, 0, 0, 0))


def with_opacity(layer, opacity):
    r, g, b, a = layer.split()
    a = a.point(lambda v: int(v * opacity))
    return Image.merge("RGBA", (r, g, b, a))


def clip(layer, mask):
    r, g, b, a = layer.split()
    return Image.merge("RGBA", (r, g, b, ImageChops.multiply(a, mask)))


def leaf_polygon(cx, cy, length, width, angle, curve=0.0, steps=40):
    """Outline of a pointed leaf centred on (cx, cy)."""
    ca, sa = math.cos(angle), math.sin(angle)
    top, bottom = [], []
    for i in range(steps + 1):
        t = i / steps
        along = (t - 0.5) * length
        bend = curve * length * (t - 0.5) ** 2
        half = 0.5 * width * math.sin(math.pi * t) ** 0.75 * (1.0 - 0.25 * t)
        for side, lst in ((1, top), (-1, bottom)):
            x, y = along, bend + side * half
            lst.append((cx + x * ca - y * sa, cy + x * sa + y * ca))
    return top + bottom[::-1]


def leaf_midrib(cx, cy, length, angle, curve=0.0, steps=40):
    ca, sa = math.cos(angle), math.sin(angle)
    pts = []
    for i in range(steps + 1):
        t = i / steps
        along = (t - 0.5) * length
        bend = curve * length * (t - 0.5) ** 2
        pts.append((cx + along * ca - bend * sa, cy + along * sa + bend * ca))
    return pts


# ------------------------------------------------------------- background


def draw_background(rng):
    # Base: deep green, a little lighter towards the upper right.
    base = Image.new("RGB", (W, H))
    grad = Image.linear_gradient("L").resize((W, H)).rotate(0)
    horiz = Image.linear_gradient("L").rotate(90).resize((W, H))
    horiz = ImageOps.invert(horiz)  # 0 at left, 255 at right
    light = ImageChops.multiply(ImageOps.invert(grad), horiz)
    light = ImageChops.add(light.point(lambda v: v * 0.75), horiz.point(lambda v: v * 0.35))
    base = ImageOps.colorize(light, black=(10, 30, 18), white=(74, 118, 62), mid=(32, 70, 38))
    img = base.convert("RGBA")

    # Layers of out-of-focus leaves, far (very blurry) to near (less blurry).
    palettes = [
        [(28, 64, 34), (40, 84, 40), (56, 100, 48), (22, 52, 30)],
        [(34, 78, 38), (58, 108, 52), (80, 128, 60), (26, 60, 32)],
        [(44, 92, 44), (72, 122, 58), (96, 142, 70), (30, 68, 36)],
    ]
    for depth, (count, blur, size) in enumerate(((70, 38, 1.0), (45, 22, 0.8), (22, 11, 0.65))):
        layer = new_layer()
        d = ImageDraw.Draw(layer)
        for _ in range(count):
            cx = rng.uniform(-0.1, 1.1) * W
            cy = rng.uniform(-0.1, 1.1) * H
            length = rng.uniform(260, 620) * SS * size
            width = length * rng.uniform(0.32, 0.48)
            angle = rng.uniform(0, math.pi)
            colour = rng.choice(palettes[depth])
            # Leaves on the left are kept darker for text readability.
            shade = 0.55 + 0.45 * min(1.0, max(0.0, cx / W))
            colour = tuple(int(c * shade) for c in colour)
            alpha = int(rng.uniform(150, 230))
            d.polygon(leaf_polygon(cx, cy, length, width, angle, rng.uniform(-0.2, 0.2)),
                      fill=colour + (alpha,))
        layer = layer.filter(ImageFilter.GaussianBlur(blur * SS))
        img = Image.alpha_composite(img, layer)

    # Soft bokeh highlights (sunlight through foliage), mostly upper right.
    bokeh = new_layer()
    d = ImageDraw.Draw(bokeh)
    for _ in range(55):
        cx = (0.35 + 0.75 * rng.random() ** 0.7) * W
        cy = rng.uniform(-0.05, 0.75) * H
        r = rng.uniform(14, 60) * SS
        colour = mix((170, 205, 120), (225, 235, 170), rng.random())
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour + (int(rng.uniform(18, 60)),))
    bokeh = bokeh.filter(ImageFilter.GaussianBlur(6 * SS))
    img = Image.alpha_composite(img, bokeh)
    return img


def draw_resting_leaf(img):
    """The large, fairly sharp leaf the butterfly sits on."""
    cx, cy = 1130 * SS, 560 * SS
    length, width, angle, curve = 1250 * SS, 470 * SS, math.radians(-14), -0.10

    shadow = new_layer()
    ImageDraw.Draw(shadow).polygon(
        leaf_polygon(cx + 30 * SS, cy + 45 * SS, length, width, angle, curve),
        fill=(0, 12, 4, 150))
    img = Image.alpha_composite(img, shadow.filter(ImageFilter.GaussianBlur(30 * SS)))

    outline = leaf_polygon(cx, cy, length, width, angle, curve)
    mask = Image.new("L", (W, H), 0)
    ImageDraw.Draw(mask).polygon(outline, fill=255)

    # Leaf colour: lighter towards the upper side, darker at the lower edge.
    g = Image.linear_gradient("L").resize((W, H)).rotate(-14, resample=Image.BICUBIC,
                                                          fillcolor=128)
    h = Image.linear_gradient("L").rotate(90).resize((W, H))  # 255 left -> 0 right
    shade = ImageChops.add(g.point(lambda v: v * 0.7), ImageOps.invert(h).point(lambda v: v * 0.3))
    leaf = ImageOps.colorize(ImageOps.invert(shade), black=(30, 70, 34),
                             white=(104, 150, 72), mid=(62, 112, 52)).convert("RGBA")

    rib = leaf_midrib(cx, cy, length, angle, curve)
    glow = new_layer()
    ImageDraw.Draw(glow).line(rib, fill=(150, 190, 110, 90), width=120 * SS, joint="curve")
    leaf = Image.alpha_composite(leaf, glow.filter(ImageFilter.GaussianBlur(60 * SS)))

    veins = new_layer()
    d = ImageDraw.Draw(veins)
    d.line(rib, fill=(170, 200, 130, 150), width=6 * SS, joint="curve")
    ca, sa = math.cos(angle), math.sin(angle)
    for i in range(3, 37, 3):
        x0, y0 = rib[i]
        t = i / 40
        half = 0.5 * width * math.sin(math.pi * t) ** 0.75 * (1.0 - 0.25 * t)
        for side in (1, -1):
            pts = []
            for k in range(9):
                u = k / 8
                along = u * half * 1.1
                off = side * u * half * 0.92
                pts.append((x0 + along * ca - off * sa, y0 + along * sa + off * ca))
            d.line(pts, fill=(150, 190, 115, 90), width=3 * SS, joint="curve")
    leaf = Image.alpha_composite(leaf, veins.filter(ImageFilter.GaussianBlur(1.2 * SS)))

    # Slight softness so the leaf sits a bit behind the butterfly's focus plane.
    leaf = leaf.filter(ImageFilter.GaussianBlur(1.5 * SS))
    leaf.putalpha(mask.filter(ImageFilter.GaussianBlur(1.5 * SS)))
    return Image.alpha_composite(img, leaf)


# -------------------------------------------------------------- butterfly

# Local butterfly coordinates: body along the y axis, head at negative y,
# right wings at positive x.  Units are "design pixels" before scaling.
FOREWING = [(4, -30), (40, -92), (110, -158), (190, -205), (250, -224), (262, -206),
            (250, -150), (232, -80), (214, -22), (196, 8), (120, 22), (50, 14), (10, 4)]
HINDWING = [(8, -8), (70, -10), (150, 2), (206, 30), (212, 50), (216, 72), (204, 96),
            (198, 120), (180, 142), (166, 166), (142, 184), (118, 204), (94, 208),
            (70, 214), (32, 190), (14, 130), (6, 60)]

# White band: for each wing cell between two neighbouring veins, the
# (centre, half-width) of the white patch as a fraction of the distance from
# the wing base to the margin.  Forewing cells run from the costa to the inner
# margin, hindwing cells from the front edge to the anal angle.
FORE_BAND = [None, (0.62, 0.06), (0.60, 0.07), (0.58, 0.08), (0.57, 0.09),
             (0.56, 0.10), (0.55, 0.11), (0.55, 0.12), (0.57, 0.13)]
HIND_BAND = [(0.36, 0.15), (0.39, 0.16), (0.41, 0.16), (0.43, 0.15), (0.44, 0.14),
             (0.45, 0.13), (0.47, 0.11), (0.49, 0.09), (0.51, 0.07)]
# Extra small white marks: apical spots and a mark in the forewing cell.
FORE_MARKS = [(184, -186, 7, 5), (204, -192, 7, 5), (224, -196, 6, 4), (62, -70, 12, 6)]

# Submarginal spot rows (x, y, r, kind): blue on forewing, blue + orange on hindwing.
FORE_SPOTS = [(236, -188, 5), (232, -152, 6), (222, -118, 6), (214, -84, 6),
              (204, -50, 6), (192, -18, 6)]
HIND_SPOTS = [(186, 50, 7), (186, 86, 8), (168, 122, 8), (144, 154, 8),
              (114, 180, 7), (82, 192, 6)]


class Placement:
    def __init__(self, cx, cy, scale, angle_deg):
        self.cx, self.cy, self.scale = cx * SS, cy * SS, scale * SS
        a = math.radians(angle_deg)
        self.ca, self.sa = math.cos(a), math.sin(a)

    def __call__(self, x, y):
        x, y = x * self.scale, y * self.scale
        return (self.cx + x * self.ca - y * self.sa, self.cy + x * self.sa + y * self.ca)

    def pts(self, points, mirror=False):
        return [self((-x if mirror else x), y) for x, y in points]

    def ellipse(self, d, x, y, rx, ry, fill, mirror=False, rot=0.0):
        # Ellipse approximated by a polygon so it follows the placement.
        cr, sr = math.cos(rot), math.sin(rot)
        pts = []
        for i in range(48):
            t = 2 * math.pi * i / 48
            ex, ey = rx * math.cos(t), ry * math.sin(t)
            pts.append((x + ex * cr - ey * sr, y + ex * sr + ey * cr))
        d.polygon(self.pts(pts, mirror), fill=fill)


def draw_butterfly(img, rng):
    P = Placement(cx=1135, cy=420, scale=1.18, angle_deg=-10)

    wing_masks = []
    for outline, mirror in ((HINDWING, False), (HINDWING, True),
                            (FOREWING, False), (FOREWING, True)):
        m = Image.new("L", (W, H), 0)
        ImageDraw.Draw(m).polygon(P.pts(catmull_rom(outline), mirror), fill=255)
        wing_masks.append(m)
    all_wings = wing_masks[0]
    for m in wing_masks[1:]:
        all_wings = ImageChops.lighter(all_wings, m)

    # Shadow of the butterfly on the leaf.
    shadow_mask = all_wings.transform(all_wings.size, Image.AFFINE,
                                      (1, 0, -26 * SS, 0, 1, -34 * SS))
    shadow = Image.new("RGBA", (W, H), (2, 14, 6, 0))
    shadow.putalpha(shadow_mask.filter(ImageFilter.GaussianBlur(14 * SS)).point(lambda v: v * 0.6))
    img = Image.alpha_composite(img, shadow)

    # Wing ground colour: warm dark brown at the base, near-black outwards.
    rad = Image.radial_gradient("L").resize((int(620 * SS * 1.18),) * 2)
    ground_l = Image.new("L", (W, H), 255)
    bx, by = P(0, -5)
    ground_l.paste(rad, (int(bx - rad.width / 2), int(by - rad.height / 2)))
    ground = ImageOps.colorize(ground_l, black=(74, 52, 38), mid=(34, 24, 22),
                               white=(16, 13, 15)).convert("RGBA")

    for i, mask in enumerate(wing_masks):
        mirror = i % 2 == 1
        is_fore = i >= 2
        wing = ground.copy()

        # Faint blue-violet sheen on the outer part of each wing.
        sheen = new_layer()
        d = ImageDraw.Draw(sheen)
        sx, sy = (170, -120) if is_fore else (150, 100)
        P.ellipse(d, sx, sy, 110, 80, (60, 70, 110, 70), mirror)
        wing = Image.alpha_composite(wing, sheen.filter(ImageFilter.GaussianBlur(40 * SS)))

        # Darker outer margin, fading inwards.
        inner = mask.filter(ImageFilter.GaussianBlur(22 * SS))
        edge = ImageChops.subtract(mask, inner).point(lambda v: min(255, v * 2))
        margin = Image.new("RGBA", (W, H), (8, 6, 8, 0))
        margin.putalpha(edge.point(lambda v: v * 0.7))
        wing = Image.alpha_composite(wing, margin)

        # Veins: curves radiating from the wing base to points spread along
        # the outer margin (outline control points a..b; the spline has 24
        # samples per control point).
        outline = catmull_rom(FOREWING if is_fore else HINDWING)
        base = (6, -20) if is_fore else (8, 10)
        a, b, n = (3, 10, 10) if is_fore else (2, 14, 10)
        vein_paths = []
        for j in range(n):
            ex, ey = outline[int(lerp(a * 24, b * 24, (j + 0.5) / n))]
            mx, my = lerp(base[0], ex, 0.5), lerp(base[1], ey, 0.5)
            vein_paths.append(catmull_rom([base, (mx + 5, my - 7), (ex, ey)],
                                          closed=False, steps=30))

        def along(path, t):
            return path[min(len(path) - 1, int(round(t * (len(path) - 1))))]

        # White band: one patch per cell between neighbouring veins, with a
        # little random variation so it does not look mechanical.
        patches = new_layer()
        d = ImageDraw.Draw(patches)
        for j, cell in enumerate(FORE_BAND if is_fore else HIND_BAND):
            if cell is None or j + 1 >= len(vein_paths):
                continue
            tc, hw = cell
            tc += rng.uniform(-0.015, 0.015)
            hw *= rng.uniform(0.9, 1.08)
            v1, v2 = vein_paths[j], vein_paths[j + 1]
            side1 = [along(v1, tc - hw + (tc + hw - (tc - hw)) * u / 10) for u in range(11)]
            side2 = [along(v2, tc - hw + (tc + hw - (tc - hw)) * u / 10) for u in range(11)]
            d.polygon(P.pts(side1 + side2[::-1], mirror), fill=(232, 230, 218, 235))
        if is_fore:
            for (x, y, rx, ry) in FORE_MARKS:
                rot = math.atan2(y + 20, x - 6)
                P.ellipse(d, x, y, rx, ry, (232, 230, 218, 225), mirror, rot)
        # Blur + re-threshold gives the patches softly rounded corners.
        alpha = patches.split()[3].filter(ImageFilter.GaussianBlur(3 * SS))
        alpha = alpha.point(lambda v: max(0, min(235, (v - 60) * 3)))
        patches.putalpha(alpha.filter(ImageFilter.GaussianBlur(0.8 * SS)))
        wing = Image.alpha_composite(wing, patches)

        veins = new_layer()
        d = ImageDraw.Draw(veins)
        for path in vein_paths:
            d.line(P.pts(path, mirror), fill=(14, 11, 12, 240), width=int(3.0 * SS),
                   joint="curve")
        wing = Image.alpha_composite(wing, veins.filter(ImageFilter.GaussianBlur(0.7 * SS)))

        # Submarginal spots: blue on the forewing, blue ringed with orange behind.
        spots = new_layer()
        d = ImageDraw.Draw(spots)
        if is_fore:
            for (x, y, r) in FORE_SPOTS:
                P.ellipse(d, x, y, r * 1.1, r * 0.75, (96, 132, 176, 200), mirror)
        else:
            for (x, y, r) in HIND_SPOTS:
                P.ellipse(d, x, y, r * 1.25, r * 1.05, (206, 112, 46, 210), mirror)
                P.ellipse(d, x, y, r * 0.7, r * 0.6, (104, 150, 200, 230), mirror)
        wing = Image.alpha_composite(wing, spots.filter(ImageFilter.GaussianBlur(1.0 * SS)))

        # Thin pale fringe along the wing margin, drawn as short dashes.
        fringe = new_layer()
        d = ImageDraw.Draw(fringe)
        outer = P.pts(catmull_rom(FOREWING if is_fore else HINDWING, steps=30), mirror)
        start, stop = (len(outer) * 4 // 13, len(outer) * 9 // 13) if is_fore \
            else (len(outer) * 2 // 12, len(outer) * 9 // 12)
        for k in range(start, stop, 6):
            d.line([outer[k], outer[min(k + 3, len(outer) - 1)]],
                   fill=(214, 208, 196, 170), width=int(2.5 * SS))
        wing = Image.alpha_composite(wing, fringe.filter(ImageFilter.GaussianBlur(0.6 * SS)))

        # Slightly feathered edge for anti-aliasing.
        img = Image.alpha_composite(img, clip(wing, mask.filter(ImageFilter.GaussianBlur(0.7 * SS))))

    # Body, head, antennae.
    body = new_layer()
    d = ImageDraw.Draw(body)
    P.ellipse(d, 0, 40, 9, 78, (30, 26, 24, 255))               # abdomen
    P.ellipse(d, 0, -18, 12, 30, (44, 38, 34, 255))              # thorax
    P.ellipse(d, 0, -52, 10, 10, (36, 32, 30, 255))              # head
    P.ellipse(d, -4, -56, 3, 3, (120, 110, 96, 255))             # eyes
    P.ellipse(d, 4, -56, 3, 3, (120, 110, 96, 255))
    for side in (1, -1):
        ant = catmull_rom([(side * 3, -60), (side * 18, -110), (side * 40, -150),
                           (side * 58, -178)], closed=False, steps=12)
        d.line(P.pts(ant), fill=(28, 24, 22, 255), width=int(2.4 * SS), joint="curve")
        P.ellipse(d, side * 59, -180, 4, 7, (180, 130, 60, 255))   # clubbed tip
    # Fine hairs on the thorax.
    hairs = new_layer()
    dh = ImageDraw.Draw(hairs)
    P.ellipse(dh, 0, -18, 9, 24, (120, 100, 84, 80))
    body = Image.alpha_composite(body, hairs.filter(ImageFilter.GaussianBlur(3 * SS)))
    return Image.alpha_composite(img, body.filter(ImageFilter.GaussianBlur(0.6 * SS)))


# --------------------------------------------------------------- finishing


def finish(img):
    # Darken the left side so white text there stays readable.
    ramp = Image.linear_gradient("L").rotate(90).resize((W, H))  # 255 left -> 0 right
    ramp = ramp.point(lambda v: int(175 * (v / 255) ** 1.4))
    dark = Image.new("RGBA", (W, H), (4, 14, 8, 0))
    dark.putalpha(ramp)
    img = Image.alpha_composite(img, dark)

    # Vignette.
    rad = Image.radial_gradient("L").resize((int(W * 1.25), int(H * 1.55)))
    rad = rad.crop(((rad.width - W) // 2, (rad.height - H) // 2,
                    (rad.width - W) // 2 + W, (rad.height - H) // 2 + H))
    vig = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    vig.putalpha(rad.point(lambda v: int(200 * max(0.0, (v - 90) / 165) ** 1.6)))
    img = Image.alpha_composite(img, vig)

    img = img.convert("RGB").resize((WIDTH, HEIGHT), Image.LANCZOS)
    return img


def main():
    rng = random.Random(SEED)
    img = draw_background(rng)
    img = draw_resting_leaf(img)
    img = draw_butterfly(img, rng)
    img = finish(img)
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    img.save(OUTPUT, "JPEG", quality=82, progressive=True, optimize=True, subsampling=0)
    print(f"wrote {OUTPUT} ({img.width}x{img.height}, {os.path.getsize(OUTPUT)} bytes)")


if __name__ == "__main__":
    main()
