"""The store: `data/`, the archive's truth, as small git-friendly per-day JSON files.

`store.Store` is the folder (reading, merging, saving); day_file.py decodes a day file strictly
(day_file_errors.py says why one is refused); models.py and codec.py are the paper record and
its JSON; listed.py, ledger.py, weekly.py and health.py the listing records, the sources'
ledgers, the frozen weekly rankings and the sources' health.

The package imports nothing itself, so a module that needs one of them (the rules need only the
paper record, the build cache the day file's text check) does not load the rest: a build with
nothing to do loads neither the store nor the rule engine.
"""
