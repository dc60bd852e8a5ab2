"""Static assets as a deployment and the demo serve them: `eduplan collectstatic` (which
`eduplan demo` runs) copies them into STATIC_ROOT under names that carry a hash of their
content, with a gzip copy beside each, and pages link those names; whitenoise then serves
them compressed and marked immutable for a year (a changed file gets a new name).

A name the manifest lacks (nothing collected yet, or an asset added since the last
collect) is linked under its own name instead of failing the page: whitenoise serves it
from the apps' and npm's folders (WHITENOISE_USE_FINDERS), uncompressed, cached briefly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig

if TYPE_CHECKING:  # whitenoise has no type information; its class is Django's, compressing
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage as Base
else:
    from whitenoise.storage import CompressedManifestStaticFilesStorage as Base


class HashedStaticStorage(Base):
    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not in the manifest, and not collected
            return name


class StaticFilesConfig(BaseStaticFilesConfig):
    """`collectstatic` leaves out the npm packages' files no page links (sources, other
    builds, ES modules, extensions): pages load bootstrap.min.css, bootstrap.bundle.min.js,
    bootstrap-icons.min.css with its fonts, htmx.min.js and echarts.min.js (and the two
    source maps bootstrap's files name). Hashing and compressing the rest would take most
    of the demo's start-up; anything left out is still served under its own name
    (HashedStaticStorage above)."""

    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        "bootstrap-grid*",
        "bootstrap-reboot*",
        "bootstrap-utilities*",
        "*.rtl.*",
        "bootstrap.css*",
        "bootstrap.js*",
        "bootstrap.min.js*",
        "bootstrap.esm*",
        "bootstrap.bundle.js*",
        "bootstrap-icons.css",
        "bootstrap-icons.json",
        "bootstrap-icons.scss",
        "bootstrap-icons.ts",
        "htmx.amd.js",
        "htmx.cjs.js",
        "htmx.esm*",
        "htmx.js",
        "htmx.min.js.gz",
        "ext",
        "echarts.common*",
        "echarts.esm*",
        "echarts.simple*",
        "echarts.js*",
        "extension",
        "package.json",
    ]
