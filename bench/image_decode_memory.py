"""Peak memory of concurrent template-image decodes, with and without the decode budget.

    venv/bin/python -m bench.image_decode_memory [concurrency]

Each run is a fresh process (peak RSS only grows) that decodes `concurrency`
(default 8) large PNGs at once through shared/services/templates/images.decode,
the path of every avatar/background/logo. It prints the interpreter's RSS before,
the peak RSS, and the most bytes the budget ever let decodes hold at once.
No emulator is needed: decode() only reads bytes.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import threading
import time

SIZE = (7000, 5000)  # 35 Mpx, just under images.MAX_PIXELS: the largest image a caller may send


def _png() -> bytes:
    from PIL import Image

    # Noise does not compress: a realistic worst case for the decoder (and a ~100 MB file
    # would be refused by MAX_BYTES; a gradient keeps it small while decoding the same pixels).
    image = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(concurrency: int, budget_on: bool) -> None:
    os.environ.setdefault("GCLOUD_PROJECT", "demo-bench")
    from shared.services.templates import images

    data = _png()
    if not budget_on:
        images.budget = images.DecodeBudget(1 << 40)
    before = _rss_mib()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            images.decode(data, "background", "url")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  budget {'on ' if budget_on else 'off'}: {concurrency} decodes of {SIZE[0]}x{SIZE[1]} in "
          f"{time.perf_counter() - started:.1f} s; RSS before {before:.0f} MiB, peak {peak:.0f} MiB; "
          f"budget held at most {images.budget.peak / 2**20:.0f} MiB of {images.budget.total / 2**20:.0f} MiB"
          + (f"; {len(errors)} errors: {errors[0]!r}" if errors else ""))


def main() -> None:
    concurrency = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    from shared.services.templates import images

    print(f"decode budget {images.DECODE_BUDGET_BYTES / 2**20:.0f} MiB; cost of one {SIZE[0]}x{SIZE[1]} RGB "
          f"decode {images.decode_cost('RGB', *SIZE) / 2**20:.0f} MiB; largest allowed "
          f"{images.decode_cost('RGBA', images.MAX_PIXELS, 1) / 2**20:.0f} MiB")
    for budget_on in (True, False):
        subprocess.run([sys.executable, "-m", "bench.image_decode_memory", "--child", str(concurrency),
                        "1" if budget_on else "0"], check=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), sys.argv[3] == "1")
    else:
        main()
