"""Benchmarks: `accord bench --json` measures the figures registered in registry.FIGURE_MODULES."""
