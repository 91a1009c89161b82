"""What monitoring tells other apps, without knowing them.

``articles_stored`` is sent once per ingest batch, after the batch is committed, with
``article_ids`` (the new articles). The cases app compares them with the claims of its cases.
"""

from django.dispatch import Signal

articles_stored = Signal()
