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
