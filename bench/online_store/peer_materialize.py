#!/usr/bin/python3
"""The peer of `mlops materialize` into Redis: what a Python feature pipeline does without a
feature store binary. pandas reads the events, keeps each id's latest row (sort by event time,
drop_duplicates keep='last'), and redis-py writes one HASH per key (the features and the event
time) through a non-transactional pipeline, 10,000 commands per round trip.

    peer_materialize.py CSV PORT
prints JSON: rows read, keys written, seconds (read, latest, write, total).
"""
import json
import sys
import time

import pandas as pd
import redis


def main():
    path, port = sys.argv[1], int(sys.argv[2])
    t0 = time.perf_counter()
    frame = pd.read_csv(path, parse_dates=["ts"])
    t1 = time.perf_counter()
    latest = frame.sort_values("ts", kind="stable").drop_duplicates("id", keep="last")
    t2 = time.perf_counter()
    client = redis.Redis(host="127.0.0.1", port=port, db=0)
    pipe = client.pipeline(transaction=False)
    columns = [c for c in latest.columns if c not in ("id", "ts")]
    ids = latest["id"].to_numpy()
    times = latest["ts"].astype("int64").to_numpy() // 1000
    values = [latest[c].to_numpy() for c in columns]
    pending = 0
    for i in range(len(latest)):
        mapping = {"__event_time_us": int(times[i])}
        for c, column in zip(columns, values):
            v = column[i]
            mapping[c] = "" if pd.isna(v) else str(v)
        pipe.hset(f"peer:{ids[i]}", mapping=mapping)
        pending += 1
        if pending == 10_000:
            pipe.execute()
            pending = 0
    if pending:
        pipe.execute()
    t3 = time.perf_counter()
    print(json.dumps({"rows_read": len(frame), "keys_written": len(latest),
                      "read_s": t1 - t0, "latest_s": t2 - t1, "write_s": t3 - t2,
                      "seconds": t3 - t0}))


if __name__ == "__main__":
    main()
