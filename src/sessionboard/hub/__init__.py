"""Team mode: one hub polls each provider and publishes to Redis; consoles, `list` and `watch`
read the snapshots back (`HubFeed`) instead of polling the providers themselves.

| module | holds |
|---|---|
| `wire` | the key names and the JSON written to Redis, and the checks on what is read back |
| `connection` | the Redis client of `[hub]`, its errors as one line without the URL, the backoff |
| `lease` | one hub per provider at a time: SET NX PX, renew and release by token |
| `state` | a provider's whole state read in one transaction |
| `publisher` | one poll written as one change, only while the lease is this hub's |
| `pollnow` | poll-now requests, at most one per provider per cooldown, whoever asks |
| `hub` | `sessionboard hub`: the slots, the lease renewals, the poll-now listener |
| `feed` | the reader: Redis back into `Snapshot`s, with their source and age |

Nothing here is imported unless team mode is used (redis-py costs start-up time).
"""
