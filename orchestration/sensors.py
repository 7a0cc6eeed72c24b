"""Sensors: start a warehouse run when files arrive in `$LIANDONG_HOME/inbox/`."""


import hashlib

from dagster import RunRequest, SensorEvaluationContext, SkipReason, sensor

from orchestration.assets.ingest import inbox_files
from orchestration.jobs import warehouse_job
from orchestration.resources import LiandongResource


def inbox_signature(paths: list) -> str:
    h = hashlib.sha256()
    for p in paths:
        try:
            st = p.stat()
        except OSError:  # moved away since it was listed: the next evaluation sees the inbox as it is
            continue
        h.update(f"{p.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:32]


@sensor(job=warehouse_job, minimum_interval_seconds=30, description="收件箱有新文件时运行 / run when files arrive")
def inbox_sensor(context: SensorEvaluationContext, liandong: LiandongResource):
    files = inbox_files(liandong.settings().inbox)
    if not files:
        return SkipReason("收件箱为空 / the inbox is empty")
    signature = inbox_signature(files)
    if signature == context.cursor:
        return SkipReason("没有新文件 / no new files")
    context.update_cursor(signature)
    return RunRequest(run_key=signature, tags={"liandong/inbox_files": str(len(files))})
