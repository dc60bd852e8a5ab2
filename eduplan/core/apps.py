from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "eduplan.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from eduplan.core import checks  # noqa: F401  (registers the start-up checks)


class StaticFilesConfig(BaseStaticFilesConfig):
    """`collectstatic` leaves out the npm packages' files no page links (sources, other
    builds, ES modules, extensions): pages load bootstrap.min.css, bootstrap.bundle.min.js,
    bootstrap-icons.min.css with its fonts, htmx.min.js and echarts.min.js (and the two
    source maps bootstrap's files name). Hashing and compressing the rest would take most
    of the demo's start-up; anything left out is still served under its own name
    (core/static.py)."""

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
