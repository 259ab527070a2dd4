import json
import os
import platform

from django.core.management.base import BaseCommand, CommandError

from accord.bench import registry
from accord.bench.context import BenchContext, BenchError


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def machine() -> dict:
    """Where the figures were measured (no host name)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info = {
        "cpu_count": cpus,
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
    }
    if hasattr(os, "getloadavg"):
        info["load_avg_1m"] = round(
            os.getloadavg()[0], 2
        )  # other load on the machine skews the figures
    return info


class Command(BaseCommand):
    help = "Run the benchmarks against the configured database; prints one JSON object on stdout."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help="JSON output (the default and only format)."
        )
        parser.add_argument(
            "--only", nargs="+", default=None, metavar="NAME", help="Measure only these figures."
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Shrink data and request counts (0 < scale <= 1) for a quick check.",
        )

    def handle(self, *args, only=None, scale=1.0, **options):
        try:
            names = registry.select(only)
        except registry.UnknownFigure as exc:
            raise CommandError(str(exc)) from exc
        if not 0 < scale <= 1:
            raise CommandError("--scale must be greater than 0 and at most 1.")
        ctx = BenchContext(scale=scale, log=self._progress)
        try:
            figures = registry.measure(names, ctx, log=self._progress)
        except (BenchError, OSError, RuntimeError) as exc:
            raise CommandError(f"bench failed: {exc}") from exc
        finally:
            ctx.close()
        self.stdout.write(
            json.dumps({"database": ctx.vendor, "machine": machine(), "figures": figures}, indent=2)
        )

    def _progress(self, message: str) -> None:
        self.stderr.write(message, style_func=lambda text: text)
        self.stderr.flush()
