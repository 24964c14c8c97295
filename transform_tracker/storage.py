from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed, hashed files, with each file's URL worked out once
    per process: the manifest does not change while the process runs, and every
    page asks for the same half-dozen URLs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        key = (name, force)
        found = self._urls.get(key)
        if found is None:
            found = self._urls[key] = super().url(name, force)
        return found
