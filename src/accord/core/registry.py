"""What capabilities register at start-up (home cards, idea panels, history types, ...): one kind
of table for all of them. Each entry has a unique `key`; registering the same entry again (a second
`ready()`, a test reloading) is harmless, another entry under a taken key is a programming error.
"""

from typing import Any


class Registry[T](dict[str, T]):
    def __init__(self, what: str):
        super().__init__()
        self.what = what  # "Home card", for the error message

    def add(self, entry: T, key: str | None = None) -> T:
        key = key if key is not None else entry.key  # type: ignore[attr-defined]
        existing = self.get(key)
        if existing is not None and existing != entry:
            raise ValueError(f"{self.what} {key!r} is registered twice.")
        self[key] = entry
        return entry

    def ordered(self) -> list[T]:
        """The entries by their `order`, then key."""
        return sorted(self.values(), key=_order)


def _order(entry: Any) -> tuple:
    return (getattr(entry, "order", 100), entry.key)
