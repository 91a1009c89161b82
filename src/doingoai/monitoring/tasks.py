"""Background jobs of press monitoring (thin: the work is in the domain modules).

Every process imports this module at start-up (the schedules are registered here), so the
domain modules — and the extraction and scikit-learn stacks behind them — are imported by
the jobs that use them, in the worker, not by the web server."""

from doingoai.core.jobs import job, periodic


@periodic("Lấy tin từ các nguồn đến hạn", "*/5 * * * *")
@job(retries=0)
def poll_due_sources():
    from . import polling

    return polling.enqueue_due()


@job(retries=2, backoff_seconds=60)
def poll_source(source_id: int):
    from . import polling

    return polling.poll_source(source_id)


@periodic("Kiểm tra nguồn tin im lặng", "20 * * * *")
@job()
def check_silent_sources():
    from . import health

    return health.check_silence()


@job(retries=2, backoff_seconds=30)
def evaluate_alerts(article_ids: list[int]):
    from . import alerts

    return alerts.evaluate(article_ids)


@periodic("Gửi tổng hợp cảnh báo hằng giờ", "0 * * * *")
@job()
def send_alert_summaries():
    from . import alerts

    return alerts.send_summaries()


@periodic("Soạn điểm báo hằng ngày", "0 7 * * *")
@job(retries=2, backoff_seconds=120)
def prepare_daily_digest():
    from . import digests

    return digests.prepare_daily()


@job(retries=2, backoff_seconds=60)
def send_digest(digest_id: int, user_id: int | None = None):
    from . import digests

    return digests.send(digest_id, user_id)


@job(retries=0)
def retrain_models():
    from . import retraining

    return retraining.retrain()
