"""Officer alerts: every STOP and CHECK becomes a durable, de-duplicated alert in Redis.

`model` holds the pure rules (what an alert is about, when it escalates, which pictures are
kept), `store` the Redis data model, `escalator` the background worker, `convert` the
mappings to protobuf and JSON.
"""
