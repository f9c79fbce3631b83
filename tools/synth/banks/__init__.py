"""Hand-written phrase banks for the SafeChat synthetic corpus.

Every module exposes BANKS: dict[name -> list[entry]].
An entry is either a string, or a tuple (string, "sig1,sig2") when the line
carries signals other than the bank's default (see generate.py).
A string containing " || " is a mini-exchange: the parts alternate speakers.
Slots look like {platform}, {game}, {num} and are filled from common.SLOTS.
All banks are split train/heldout by split.py, except the banks listed in
split.SHARED_BANKS (slot values such as game names and numbers).
"""
