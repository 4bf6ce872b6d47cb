"""CPU cost of the embedded RTMP server (``castcart.media.rtmp``) per megabit relayed.

A clip is encoded once at the bitrate OBS is told to use (H.264 + AAC, FLV); then ffmpeg
publishes it with ``-c copy`` as fast as the server takes it (no ``-re``), so the run
measures the server's own work: chunk parsing, FLV re-muxing and the pipe write (into
``cat > /dev/null``, standing in for the transcoder). CPU time is this process's (the
publisher is a child, not counted). Reference in the same run: ``cat`` of the same FLV file
into ``/dev/null`` through a pipe from Python, i.e. the floor of moving those bytes.

    .venv/bin/python bench/rtmp_ingest.py [--seconds 60] [--kbps 3000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from castcart.media.rtmp import PublishRequest, RtmpServer


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class PipeSink:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.bytes = 0
        self.done = asyncio.Event()

    async def write(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.bytes += len(data)
        await self.process.stdin.drain()

    async def close(self, reason: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        await self.process.wait()
        self.done.set()


async def one_run(clip: Path) -> tuple[float, float, int]:
    sinks: list[PipeSink] = []

    async def on_publish(request: PublishRequest) -> PipeSink:
        cat = await asyncio.create_subprocess_shell(
            "cat > /dev/null", stdin=asyncio.subprocess.PIPE
        )
        sinks.append(PipeSink(cat))
        return sinks[-1]

    server = RtmpServer("127.0.0.1", 0, on_publish)
    await server.start()
    url = f"rtmp://127.0.0.1:{server.bound_port}/live/bench"
    start_cpu, start_wall = cpu(), time.perf_counter()
    publisher = await asyncio.create_subprocess_exec(
        "ffmpeg", "-v", "error", "-i", str(clip), "-c", "copy", "-f", "flv", url
    )
    await publisher.wait()
    await sinks[0].done.wait()  # the server saw the end and the pipe is drained
    used_cpu, wall = cpu() - start_cpu, time.perf_counter() - start_wall
    await server.stop()
    assert publisher.returncode == 0
    return used_cpu, wall, sinks[0].bytes


def reference(clip: Path) -> float:
    start = cpu()
    with subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL) as cat:  # noqa: S607
        assert cat.stdin is not None
        with clip.open("rb") as source:
            while block := source.read(65536):
                cat.stdin.write(block)
        cat.stdin.close()
    return cpu() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--kbps", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "clip.flv"
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "ffmpeg",
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=1280x720:rate=30",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:sample_rate=48000",
                "-t",
                str(args.seconds),
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-b:v",
                f"{args.kbps}k",
                "-minrate",
                f"{args.kbps}k",
                "-maxrate",
                f"{args.kbps}k",
                "-bufsize",
                f"{args.kbps * 2}k",
                "-g",
                "60",
                "-c:a",
                "aac",
                "-b:a",
                "128k",
                "-f",
                "flv",
                str(clip),
            ],
            check=True,
        )
        megabits = clip.stat().st_size * 8 / 1e6
        results = [asyncio.run(one_run(clip)) for _ in range(args.runs)]
        floor = statistics.median(reference(clip) for _ in range(args.runs))
    per_stream_second = [c / args.seconds for c, _, _ in results]
    print(f"clip: {args.seconds} s, {megabits:.1f} Mbit ({megabits / args.seconds:.2f} Mbit/s)")
    for (used, wall, relayed), share in zip(results, per_stream_second, strict=True):
        print(
            f"  run: {used:.2f} s CPU, {wall:.2f} s wall, {relayed / 1e6:.1f} MB relayed, "
            f"{used / megabits * 1000:.1f} ms CPU per Mbit, {share * 100:.2f} % of a core "
            "per live stream"
        )
    print(
        f"median: {statistics.median(per_stream_second) * 100:.2f} % of a core per live "
        f"stream (spread {min(per_stream_second) * 100:.2f}-{max(per_stream_second) * 100:.2f}"
        f" %); reference pipe copy: {floor:.3f} s CPU"
    )


if __name__ == "__main__":
    main()
