import contextlib
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
application = get_wsgi_application()

from factcheck import extraction  # noqa: E402  (once the settings are read)

# The story desk's spaCy pipeline takes seconds to load (about 4 s and 110 MB on a 2-core host):
# loaded as the server starts, not while the first story pasted waits; gunicorn's workers share it
# with --preload. Without it installed, the desk says so where a story is pasted.
if os.environ.get("FACTCHECK_LOAD_PIPELINE_AT_START", "1") == "1":
    with contextlib.suppress(extraction.PipelineMissing):
        extraction.load_pipeline()
