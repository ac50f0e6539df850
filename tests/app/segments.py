"""Whether a drawn edge passes through a box: the check both graph layouts' tests share."""


def segment_meets_box(
    p: tuple[float, float], q: tuple[float, float], box: tuple[float, float, float, float]
) -> bool:
    """Whether the segment p-q passes through the inside of the box (sampled finely: the
    channels between boxes are far wider than a sample step)."""
    x0, y0, x1, y1 = box
    for n in range(201):
        t = n / 200
        x, y = p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t
        if x0 < x < x1 and y0 < y < y1:
            return True
    return False
