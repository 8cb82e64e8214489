"""Public corpora, found in a local folder, a user cache, or downloaded with a checksum."""
from . import ptb

__all__ = ["ptb"]
