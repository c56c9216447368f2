#!/usr/bin/env python3
"""Writes lantern_print.cube, the demo film's grade: a gentle print-like S-curve with lifted
blacks (painted, not crushed), warm highlights and slightly cool shadows (a split tone that keeps
golden hour golden and night blue), and a little more saturation in the mid-tones.

    python3 projects/arcane_short/luts/make_lantern_print.py > projects/arcane_short/luts/lantern_print.cube
"""
SIZE = 17


def smoothstep(x):
    return x * x * (3 - 2 * x)


def grade(r, g, b):
    rgb = [r, g, b]
    # Contrast: part of the way to a smoothstep, on a lifted floor.
    lift = 0.035
    rgb = [lift + (1 - lift) * (c + 0.45 * (smoothstep(c) - c)) for c in rgb]
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    # Split tone: cool shadows, warm highlights.
    shadow, highlight = (1 - y) ** 2, y ** 2
    rgb = [c + shadow * s + highlight * h for c, s, h in zip(rgb, (-0.015, 0.0, 0.035), (0.045, 0.015, -0.035))]
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    # Saturation, strongest in the mid-tones.
    boost = 1 + 0.18 * 4 * y * (1 - y)
    return [min(1.0, max(0.0, y + boost * (c - y))) for c in rgb]


def main():
    print('TITLE "The Lantern Keeper print"')
    print("# made by make_lantern_print.py")
    print(f"LUT_3D_SIZE {SIZE}")
    print("DOMAIN_MIN 0.0 0.0 0.0")
    print("DOMAIN_MAX 1.0 1.0 1.0")
    for b in range(SIZE):
        for g in range(SIZE):
            for r in range(SIZE):
                out = grade(r / (SIZE - 1), g / (SIZE - 1), b / (SIZE - 1))
                print(" ".join(f"{v:.6f}" for v in out))


if __name__ == "__main__":
    main()
