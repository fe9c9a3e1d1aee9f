#!/usr/bin/python3
"""The pandas peer of `mlops features historical` (bench/feature_join.py): every flight joined
with the latest hourly per-origin aggregate that ended at or before its departure, within 3
hours (merge_asof, direction backward), written in the flights' input order.

    peer_merge_asof.py FLIGHTS.csv ORIGIN_HOURLY.csv OUT.csv
"""
import sys

import pandas as pd


def main():
    flights_path, hourly_path, out_path = sys.argv[1:4]
    flights = pd.read_csv(flights_path, parse_dates=["date"])
    hourly = pd.read_csv(hourly_path, parse_dates=["hour_end"])
    hourly = hourly.rename(columns={c: f"origin_hourly__{c}" for c in ["flights", "mean_delay", "delayed_share"]})
    flights["__row"] = range(len(flights))  # merge_asof needs time order; the output keeps input order
    left = flights.sort_values("date", kind="stable")
    right = hourly.sort_values("hour_end", kind="stable")
    joined = pd.merge_asof(left, right, left_on="date", right_on="hour_end", by="origin",
                           direction="backward", tolerance=pd.Timedelta("3h"))
    joined = joined.sort_values("__row", kind="stable").drop(columns=["__row", "hour_end"])
    joined.to_csv(out_path, index=False)
    print(f"rows,{len(joined)}")
    print(f"matched,{int(joined['origin_hourly__mean_delay'].notna().sum())}")


if __name__ == "__main__":
    main()
