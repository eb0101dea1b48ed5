"""The collected JavaScript imports govuk-frontend by its hashed, compressed name."""

import os
import re

from django.contrib.staticfiles.storage import staticfiles_storage


def test_app_js_imports_govuk_frontend_by_its_hashed_name():
    # `make test` runs collectstatic first, so the manifest is there.
    app_js = staticfiles_storage.path(staticfiles_storage.stored_name("js/app.js"))
    with open(app_js, encoding="utf-8") as source:
        imports = re.findall(r'from\s*"([^"]+)"', source.read())

    hashed = staticfiles_storage.stored_name("js/govuk-frontend.min.js")
    assert hashed != "js/govuk-frontend.min.js"
    assert imports == ["./" + hashed.removeprefix("js/")]
    # WhiteNoise serves the pre-compressed copy to browsers that accept gzip.
    assert os.path.exists(staticfiles_storage.path(hashed) + ".gz")
