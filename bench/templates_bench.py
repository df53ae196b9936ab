"""Benchmark of the template renderer: p50/p95 render time per template and size,
next to the same card rendered by satori + resvg (the npm packages behind the
spec's web app /og routes), on this machine, as a ratio.

What is timed: config in, PNG bytes out, in one process (no HTTP, no storage,
which cost the same either way). Pillow side: `renderer.render` with the text
measurement and emoji caches emptied before every render, so each render
shapes and rasterises its text as a request with new text would (fonts stay
loaded, as they do in a warm function instance). Satori side
(bench/og/render.mjs): `satori()` to SVG, then `new Resvg(svg).render().asPng()`,
fonts parsed once up front, as a warm web app does. The satori cards are the
same layouts built with flexbox, with the text sizes Pillow chose (satori does
not fit text to a box). Two handicaps of satori are removed rather than
measured: its samples carry no emoji (it needs an emoji image source, which
would be a network fetch) and it gets one weight of Inter (opentype.js cannot
use Inter's variable axes). Both sides run one after the other on the same
cores; the machine's load average is printed, since other work on it moves
every figure. Next to each PNG's size is the size the same card had before
the renderer's speed work (`was`, Pillow's own encoder at level 3) and the
ratio, which is to stay under 1.2x. Run: `make bench-templates`
(or `venv/bin/python -m bench.templates_bench --iterations 20`).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.template_samples import RATIOS, SAMPLES, images_for, local_config  # noqa: E402
from shared.services.templates import fonts, registry, text, typeset  # noqa: E402
from shared.services.templates.renderer import render  # noqa: E402

NODE_DIR = ROOT / "bench" / "og"
# Bytes of each case's PNG as rendered before the speed work (commit cee19ad:
# Image.save, compress_level 3); the size column is read against these.
SIZE_BEFORE = {
    "tweetImage og": 94799, "tweetImage 1:1": 131227, "tweetImage 4:5": 147333, "tweetImage 9:16": 177191,
    "videoThumbnail og": 99357, "videoThumbnail 1:1": 102780, "videoThumbnail 4:5": 125406,
    "videoThumbnail 9:16": 128447,
    "quoteCard og": 84547, "quoteCard 1:1": 96883, "quoteCard 4:5": 104823, "quoteCard 9:16": 118784,
    "announcement og": 111233, "announcement 1:1": 109368, "announcement 4:5": 131934, "announcement 9:16": 150309,
}
SIZE_BOUND = 1.2
EMOJI = re.compile("[\U0001F000-\U0001FFFF\u2600-\u27BF\uFE0F\u200D]+")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def bench_config(slug: str) -> dict:
    """The sample config without emoji, plus a photo behind the video thumbnail."""
    config = {k: (EMOJI.sub("", v).strip() if isinstance(v, str) else v) for k, v in SAMPLES[slug].items()}
    if slug == "videoThumbnail":
        config["backgroundUrl"] = "sample:photo"
    return config


def pillow_case(slug: str, ratio: str | None, iterations: int, warmup: int) -> tuple[list[float], object]:
    template = registry.get(slug)
    config = bench_config(slug)
    validated = template.validate(local_config(config))
    images = images_for(config)
    result = None
    samples = []
    for i in range(warmup + iterations):
        for cache in (text._run_width, typeset._emoji_image):
            cache.cache_clear()
        result = render(template, validated, ratio, images)
        if i >= warmup:
            samples.append(result.seconds * 1000)
    return samples, result


def data_uri(image) -> str:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pillow-only", action="store_true", help="skip satori + resvg")
    parser.add_argument("--dump", action="store_true",
                        help="also write satori's PNGs to samples/templates/satori/ to compare by eye")
    args = parser.parse_args(argv)

    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    rows, cases = [], []
    for slug in SAMPLES:
        for ratio in RATIOS:
            name = f"{slug} {ratio or 'og'}"
            samples, result = pillow_case(slug, ratio, args.iterations, args.warmup)
            rows.append((name, samples, len(result.png)))
            config = local_config(bench_config(slug))
            cases.append({
                "name": name, "slug": slug, "width": result.width, "height": result.height, "config": config,
                "sizes": {k: v.size for k, v in result.drawn.items()},
                "images": {role: data_uri(im) for role, im in images_for(bench_config(slug)).items()},
            })

    satori: dict[str, tuple[list[float], int]] = {}
    if not args.pillow_only:
        if not (NODE_DIR / "node_modules" / "satori").is_dir():
            print("satori is not installed: run `make bench-templates` (it installs bench/og's packages)")
            return 1
        payload = {"cases": cases, "iterations": args.iterations, "warmup": args.warmup,
                   "dump": str(ROOT / "samples" / "templates" / "satori") if args.dump else None,
                   "fonts": {"inter": str(fonts.path_of("inter")), "serif": str(fonts.path_of("serif"))}}
        done = subprocess.run(["node", "render.mjs"], cwd=NODE_DIR, input=json.dumps(payload), text=True,
                              capture_output=True, timeout=1800)
        if done.returncode != 0:
            print(done.stderr)
            return 1
        for line in done.stdout.splitlines():
            row = json.loads(line)
            satori[row["name"]] = (row["samples"], row["bytes"])

    print(f"load average after:  {os.getloadavg()[0]:.2f}")
    print(f"{args.iterations} renders per case after {args.warmup} warm-up; times in ms\n")
    header = (f"{'template':<24}{'pillow p50':>11}{'p95':>8}{'KB':>6}{'was':>6}{'size':>7}"
              f"   {'satori+resvg p50':>17}{'p95':>8}{'KB':>6}")
    print(header + f"{'  satori/pillow':>15}")
    ratios, growth = [], []
    for name, samples, size in rows:
        before = SIZE_BEFORE.get(name)
        line = f"{name:<24}{statistics.median(samples):>11.1f}{percentile(samples, 95):>8.1f}{size // 1024:>6}"
        if before:
            growth.append(size / before)
            line += f"{before // 1024:>6}{size / before:>6.2f}x"
        else:
            line += f"{'':>13}"
        if name in satori:
            s_samples, s_bytes = satori[name]
            ratio = statistics.median(s_samples) / statistics.median(samples)
            ratios.append(ratio)
            line += (f"   {statistics.median(s_samples):>17.1f}{percentile(s_samples, 95):>8.1f}"
                     f"{s_bytes // 1024:>6}{ratio:>14.2f}x")
        print(line)
    if ratios:
        print(f"\nsatori+resvg takes {statistics.median(ratios):.2f}x the Pillow renderer's time (median of cases; "
              f"range {min(ratios):.2f}x-{max(ratios):.2f}x)")
    if growth:
        print(f"PNG size against before the speed work: {min(growth):.2f}x-{max(growth):.2f}x "
              f"(bound {SIZE_BOUND}x{', exceeded' if max(growth) > SIZE_BOUND else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
