"""The service a team would write instead of `mlops serve` (issue 17's peer), for
bench/serve/run.py: FastAPI + uvicorn (uvloop, httptools) + redis-py's asyncio client + the
xgboost Python package's Booster.predict, on the same model.json and the same Redis.

    MODEL=models/w/v1/model.json REDIS_URL=redis://127.0.0.1:6379/0 VIEW=user_stats \
    KEY=user_id WORKFLOW=w uvicorn peer_service:app --loop uvloop --http httptools

POST /v1/workflows/{WORKFLOW}/predict {"key": {KEY: 42}}: one GET of the key's record as
`mlops materialize` stores it (the STRING `mlops:v:<view>:<key>`, lib/mlops/store/
online_record.h: 20-digit event time + 2^63, write time, then name/type-tagged values), decoded
with struct; the model's features in its order (missing: NaN); one-row DMatrix; predict.
Answers the probability of the positive class like `mlops serve` (no fallback chain, no
prediction log, no input checks: the peer does less work than mlops).
"""
import math
import os
import struct
import time

import numpy as np
import redis.asyncio as redis
import xgboost as xgb
from fastapi import FastAPI, HTTPException

MODEL = os.environ["MODEL"]
VIEW = os.environ.get("VIEW", "user_stats")
KEY = os.environ.get("KEY", "user_id")
WORKFLOW = os.environ.get("WORKFLOW", "servebench")
VERSION = os.environ.get("MODEL_VERSION", "v1")

booster = xgb.Booster()
booster.load_model(MODEL)
# One row per call: OpenMP threads only add wake-up latency (run.py also sets
# OMP_NUM_THREADS=1; a one-row DMatrix with all threads takes ~4 ms on a busy 2-core machine).
booster.set_param({"nthread": 1})
FEATURES = booster.feature_names
PREFIX = f"mlops:v:{VIEW}:"
SIGN = 1 << 63

app = FastAPI()
store = redis.Redis.from_url(os.environ["REDIS_URL"])


def decode(blob):
    """An online record (online_record.h) as {name: value} and its event time in seconds."""
    event_us = int(blob[:20]) ^ SIGN
    if event_us >= SIGN:
        event_us -= 1 << 64
    (count,) = struct.unpack_from("<I", blob, 28)
    pos, values = 32, {}
    for _ in range(count):
        (size,) = struct.unpack_from("<I", blob, pos)
        name = blob[pos + 4:pos + 4 + size].decode()
        tag = blob[pos + 4 + size]
        pos += 5 + size
        if tag in (1, 5):  # int64, timestamp
            values[name] = struct.unpack_from("<q", blob, pos)[0]
            pos += 8
        elif tag == 2:  # float64
            values[name] = struct.unpack_from("<d", blob, pos)[0]
            pos += 8
        elif tag == 3:  # bool
            values[name] = float(blob[pos])
            pos += 1
        elif tag == 4:  # string: not a model input here
            (length,) = struct.unpack_from("<I", blob, pos)
            pos += 4 + length
            values[name] = None
        else:  # null
            values[name] = None
    return values, event_us / 1e6


@app.post(f"/v1/workflows/{WORKFLOW}/predict")
async def predict(body: dict):
    key = body.get("key", {}).get(KEY)
    if key is None:
        raise HTTPException(status_code=422, detail=f"key.{KEY} is required")
    blob = await store.get(PREFIX + str(key))
    if blob is None:
        raise HTTPException(status_code=404, detail="unknown key")
    values, event_s = decode(blob)
    row = np.array([[math.nan if values.get(f) is None else values[f] for f in FEATURES]],
                   dtype=np.float32)
    probability = float(booster.predict(xgb.DMatrix(row, feature_names=FEATURES, nthread=1))[0])
    return {"predictions": [{"prediction": "true" if probability > 0.5 else "false",
                             "probability": probability, "model_version": VERSION,
                             "source": "model", "features_age_s": time.time() - event_s}]}


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}
