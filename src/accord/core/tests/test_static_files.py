"""`accord serve` collects static files again only when their sources changed."""

import os

from accord.core.static_files import STAMP, collect_if_changed


def test_static_files_are_collected_again_only_when_a_source_changed(tmp_path, settings):
    sources = tmp_path / "sources"
    sources.mkdir()
    css = sources / "app.css"
    css.write_text("body { color: black }")
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATICFILES_DIRS = [sources]
    settings.STATIC_ROOT = tmp_path / "root"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    manifest = tmp_path / "root" / "staticfiles.json"

    assert collect_if_changed() is True  # nothing collected yet
    assert manifest.exists() and (tmp_path / "root" / STAMP).exists()
    assert collect_if_changed() is False  # the same sources: nothing to do

    css.write_text("body { color: navy }")
    os.utime(css, ns=(css.stat().st_atime_ns, css.stat().st_mtime_ns + 10**9))
    assert collect_if_changed() is True  # a changed file
    assert any("navy" in p.read_text() for p in (tmp_path / "root").glob("app.*.css"))

    (sources / "new.js").write_text("// new")
    assert collect_if_changed() is True  # an added file
    manifest.unlink()
    assert collect_if_changed() is True  # a root that lost its manifest
    assert collect_if_changed() is False
