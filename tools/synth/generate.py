#!/usr/bin/env python3
"""SafeChat synthetic conversation corpus generator (standard library only).

    python3 tools/synth/generate.py --seed 7 --out data/synthetic

Deterministic: the same seed gives byte-identical output. Phrase banks live in
tools/synth/banks/ and are split train/heldout by tools/synth/split.py BEFORE
any generation; a held-out conversation only ever sees held-out variants.
"""
import argparse
import glob
import json
import os
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import split as splitmod  # noqa: E402

GROOM_SIGNALS = ["age_probe", "flattery", "gifts", "risk_check", "secrecy", "off_platform",
                 "image_request", "sexual", "meeting"]
SEXT_SIGNALS = ["image_claim", "threat_audience", "payment_demand", "deadline"]
ALL_SIGNALS = GROOM_SIGNALS + SEXT_SIGNALS

DEFAULT_SIGNAL = {"g." + s: s for s in GROOM_SIGNALS}
DEFAULT_SIGNAL.update({"s." + s: s for s in SEXT_SIGNALS})

COUNTS = {"train": {"grooming": 380, "sextortion": 255, "benign": 760},
          "heldout": {"grooming": 170, "sextortion": 110, "benign": 340}}
SHARD_BYTES = 1_400_000
ID_PREFIX = {"grooming": "syn-groom", "sextortion": "syn-sext", "benign": "syn-benign"}

# --------------------------------------------------------------------------------------
# scenario families (templates). split: "train" families are used by both splits
# (with the split's own phrase variants); "heldout" families are held-out-only.
# --------------------------------------------------------------------------------------
GROOM_FAMILIES = [
    dict(name="roblox-gifts", split="train", arch="gift_led", topics=["f.roblox", "f.game"], venue="roblox"),
    dict(name="fortnite-vbucks-fast", split="train", arch="fast", topics=["f.fortnite", "f.game"], venue="fortnite"),
    dict(name="minecraft-slow-burn", split="train", arch="slow_burn", topics=["f.minecraft", "f.game", "f.school"], venue="minecraft"),
    dict(name="discord-art-flattery", split="train", arch="flattery_led", topics=["f.art", "f.music", "f.school"], venue="discord"),
    dict(name="snap-peer-posing", split="train", arch="peer_posing", topics=["f.snap", "f.school", "f.daily"], venue="snapchat"),
    dict(name="game-sexual-stage", split="train", arch="sexual", topics=["f.game", "f.daily"], venue="xbox party"),
    dict(name="roblox-meeting", split="train", arch="meeting", topics=["f.roblox", "f.school"], venue="roblox"),
    dict(name="discord-no-explicit", split="train", arch="no_explicit", topics=["f.game", "f.music", "f.daily"], venue="discord"),
    dict(name="understands-you-better", split="train", arch="understanding", topics=["f.school", "f.daily", "f.family"], venue="instagram"),
    dict(name="public-lobby-approach", split="train", arch="fast", topics=["f.game", "f.fortnite"], venue="game lobby", public=True),
    dict(name="snap-fast-secret", split="train", arch="fast_snap_secret", topics=["f.snap", "f.daily", "f.school"], venue="tiktok"),
    # held-out-only templates
    dict(name="oldschool-im-asl", split="heldout", arch="classic_full", topics=["f.daily", "f.music"], venue="chatroom", im_style=True),
    dict(name="gacha-gifts-meeting", split="heldout", arch="gift_meeting", topics=["f.game", "f.daily"], venue="genshin"),
    dict(name="music-fan-mentor", split="heldout", arch="mentor", topics=["f.music", "f.school"], venue="discord"),
    dict(name="valorant-coach-slow-burn", split="heldout", arch="slow_no_explicit", topics=["f.game", "f.school"], venue="valorant"),
    dict(name="model-scout-dm", split="heldout", arch="model_scout", topics=["f.daily", "f.snap"], venue="tiktok"),
    dict(name="roblox-risk-then-meet", split="heldout", arch="risk_meet", topics=["f.roblox", "f.game", "f.family"], venue="roblox"),
]

GROOM_ARCH = {
    "gift_led": ["age_probe?", "gifts", "flattery", "gifts?", "risk_check", "secrecy", "off_platform", "image_request?", "gifts?"],
    "fast": ["age_probe", "flattery", "off_platform", "image_request", "sexual?", "secrecy?"],
    "slow_burn": ["flattery", "age_probe?", "risk_check?", "secrecy", "off_platform", "image_request?", "meeting?"],
    "flattery_led": ["flattery", "flattery", "age_probe?", "flattery", "secrecy", "off_platform", "image_request?"],
    "peer_posing": ["peer", "flattery", "off_platform", "secrecy?", "image_request", "sexual?"],
    "sexual": ["age_probe", "flattery?", "risk_check", "sexual", "image_request", "secrecy?", "sexual"],
    "meeting": ["age_probe?", "flattery", "gifts?", "secrecy", "risk_check?", "meeting", "meeting"],
    "no_explicit": ["flattery", "age_probe?", "secrecy", "off_platform", "risk_check?", "combo_noexp"],
    "understanding": ["understand", "understand?", "flattery?", "secrecy", "off_platform", "risk_check?", "image_request?"],
    "classic_full": ["age_probe", "flattery", "risk_check", "secrecy", "off_platform", "image_request", "sexual?", "meeting?"],
    "gift_meeting": ["gifts", "flattery", "gifts", "age_probe?", "meeting", "secrecy", "meeting?"],
    "mentor": ["flattery", "flattery", "understand", "off_platform", "secrecy", "image_request?"],
    "slow_no_explicit": ["flattery", "gifts?", "understand?", "secrecy", "off_platform", "meeting?"],
    "model_scout": ["flattery", "image_request", "flattery?", "secrecy", "off_platform", "image_request"],
    "fast_snap_secret": ["age_probe?", "off_platform", "secrecy", "flattery?", "off_platform?", "secrecy?"],
    "risk_meet": ["risk_check", "flattery?", "risk_check", "gifts?", "sexual?", "meeting", "secrecy?", "meeting?"],
}
SLOW_ARCHS = {"slow_burn", "slow_no_explicit"}
NO_EXPLICIT_ARCHS = {"no_explicit", "slow_no_explicit", "fast_snap_secret"}
EXPLICIT = {"image_request", "sexual", "meeting"}

VIDEO_KW = ("video", "record", "call", "facetime", "cam", "clip", "stream", "second")
SEXT_FAMILIES = [
    dict(name="insta-fake-girl-giftcards", split="train", arch="classic", pay="gift", topics=["f.daily", "f.sports"]),
    dict(name="snap-fake-girl-cashapp", split="train", arch="classic", pay="cash", topics=["f.snap", "f.daily"]),
    dict(name="discord-egirl-crypto", split="train", arch="classic", pay="crypto", topics=["f.game", "f.daily"]),
    dict(name="threat-cold-open", split="train", arch="threat_first", pay="any", topics=[]),
    dict(name="deepfake-nudify-leverage", split="train", arch="deepfake", pay="any", topics=["f.daily"]),
    dict(name="allcaps-ruin-your-life", split="train", arch="all_caps", pay="any", topics=["f.daily", "f.sports"]),
    dict(name="demand-more-images", split="train", arch="more_images", pay="images", topics=["f.snap", "f.school"]),
    dict(name="insta-videocall-recorded", split="train", arch="classic", pay="cash", topics=["f.daily", "f.music"], claim_kw=VIDEO_KW),
    # held-out-only templates
    dict(name="cold-business-paypal", split="heldout", arch="business", pay="any", topics=[]),
    dict(name="broken-english-collage", split="heldout", arch="broken", pay="any", topics=["f.daily"]),
    dict(name="game-friend-turns-extortion", split="heldout", arch="classic", pay="any", topics=["f.game", "f.fortnite"]),
]

# roles: (age range, handle kind)
ROLES = {
    "parent": ((31, 55), "parent"), "grandparent": ((58, 82), "adult"), "kid": ((9, 15), "handle"),
    "teen": ((13, 17), "handle"), "tween": ((10, 13), "handle"), "adult": ((21, 48), "adult"),
    "coach": ((24, 55), "adult"), "tutor": ((19, 34), "adult"), "teacher": ((26, 60), "adult"),
    "gamer": ((11, 29), "handle"), "uncle": ((28, 45), "adult"), "sibling": ((12, 19), "handle"),
    "roomadult": ((19, 45), "adult"), "cousin": ((16, 24), "handle"), "collegesib": ((18, 23), "handle"),
}
BENIGN_FAMILIES = [
    dict(name="parent-home-alone", key="home_alone", split="train", roles=["parent", "kid"], topics=["f.family", "f.school", "f.daily"]),
    dict(name="siblings-dont-tell-mom", key="sibling", split="train", roles=["sibling", "kid"], topics=["f.family", "f.daily", "f.game"]),
    dict(name="grandparent-birthday-giftcard", key="grandparent", split="train", roles=["grandparent", "kid"], topics=["f.family", "f.school"], formal_a=True),
    dict(name="tutor-homework-photo", key="tutor", split="train", roles=["tutor", "kid"], topics=["f.school"]),
    dict(name="coach-tournament-logistics", key="coach", split="train", roles=["coach", "teen", "teen", "teen"], topics=["f.sports", "f.school"], group=True),
    dict(name="teacher-essay-praise", key="teacher", split="train", roles=["teacher", "teen"], topics=["f.school"], formal_a=True),
    dict(name="friends-add-me-discord", key="friends", split="train", roles=["teen", "teen"], topics=["f.game", "f.school", "f.music", "f.snap"]),
    dict(name="teen-peer-flirting", key="teen_flirt", split="train", roles=["teen", "teen"], topics=["f.school", "f.music", "f.snap", "f.daily"]),
    dict(name="roblox-item-trading", key="trade", split="train", roles=["gamer", "gamer"], topics=["f.roblox", "f.game"]),
    dict(name="gamer-trash-talk", key="trash", split="train", roles=["gamer", "gamer", "gamer"], topics=["f.game", "f.fortnite"], group=True),
    dict(name="adults-dating-chat", key="dating", split="train", roles=["adult", "adult"], topics=["f.adults", "f.music", "f.daily"]),
    dict(name="raffle-giftcard-payments", key="raffle", split="train", roles=["adult", "adult", "teen", "adult"], topics=["f.adults", "f.daily"], group=True),
    dict(name="lobby-codes-and-tags", key="lobby", split="train", roles=["gamer", "gamer", "gamer", "gamer"], topics=["f.game", "f.minecraft", "f.fortnite"], group=True),
    dict(name="parent-pickup-bus", key="pickup", split="train", roles=["parent", "teen"], topics=["f.family", "f.school"]),
    dict(name="adult-chatroom-banter", key="adult_room", split="train", roles=["roomadult"] * 5, topics=["f.adults", "f.music", "f.daily"], group=True, public=True),
    dict(name="cousin-robux-grandmas", key="cousin_robux", split="train", roles=["cousin", "tween"], topics=["f.roblox", "f.family", "f.game"]),
    dict(name="teen-friends-crushes", key="teen_life", split="train", roles=["teen", "teen"], topics=["f.school", "f.snap", "f.music", "f.daily"]),
    # held-out-only templates
    dict(name="babysitter-checkin", key="babysitter", split="heldout", roles=["adult", "teen"], topics=["f.family", "f.daily"]),
    dict(name="uncle-vbucks-birthday", key="aunt", split="heldout", roles=["uncle", "tween"], topics=["f.fortnite", "f.family"]),
    dict(name="dance-carpool-group", key="dance", split="heldout", roles=["adult", "adult", "parent", "teen"], topics=["f.family", "f.daily"], group=True),
    dict(name="cousins-surprise-party", key="cousins", split="heldout", roles=["teen", "teen", "teen"], topics=["f.family", "f.daily", "f.snap"], group=True),
    dict(name="esports-team-tryouts", key="esports", split="heldout", roles=["coach", "teen", "teen"], topics=["f.game"], group=True),
    dict(name="valorant-bet-trash-talk", key="bet", split="heldout", roles=["gamer", "gamer"], topics=["f.game"]),
    dict(name="adult-roommates-bills", key="roommates", split="heldout", roles=["adult", "adult"], topics=["f.adults", "f.daily"]),
    dict(name="school-group-project", key="project", split="heldout", roles=["teen", "teen", "teen"], topics=["f.school", "f.daily"], group=True),
    dict(name="family-shorthand-chat", key="family_shorthand", split="heldout", roles=["parent", "kid", "grandparent", "parent"], topics=["f.family", "f.school", "f.daily"], group=True),
    dict(name="youth-group-parents-logistics", key="youth_group", split="heldout", roles=["coach", "parent", "parent", "teen", "teen"], topics=["f.sports", "f.family"], group=True),
    dict(name="college-sibling-checkin", key="college_sib", split="heldout", roles=["collegesib", "teen"], topics=["f.family", "f.school", "f.music"]),
]

# --------------------------------------------------------------------------------------
# text style
# --------------------------------------------------------------------------------------
CONTRACT = [(r"\byou're\b", "ur"), (r"\byoure\b", "ur"), (r"\byour\b", "ur"), (r"\byou\b", "u"),
            (r"\bare\b", "r"), (r"\bokay\b", "ok"), (r"\bbecause\b", "cuz"), (r"\breally\b", "rly"),
            (r"\bright now\b", "rn"), (r"\bi don'?t know\b", "idk"), (r"\bplease\b", "pls"),
            (r"\bthanks\b", "thx"), (r"\bthough\b", "tho"), (r"\bwant to\b", "wanna"),
            (r"\byeah\b", "ya"), (r"\bpeople\b", "ppl"), (r"\btomorrow\b", "tmrw"), (r"\bi'm\b", "im"),
            (r"\bdon't\b", "dont"), (r"\bcan't\b", "cant"), (r"\bwhat's\b", "whats"), (r"\bto be honest\b", "tbh"),
            (r"\bwhat about you\b", "wbu"), (r"\babout\b", "abt")]
EXPAND = [(r"\bu\b", "you"), (r"\bur\b", "your"), (r"\br\b", "are"), (r"\bya\b", "yeah"), (r"\bpls\b", "please"),
          (r"\brn\b", "right now"), (r"\bidk\b", "I don't know"), (r"\bcuz\b", "because"), (r"\bthx\b", "thanks"),
          (r"\btmrw\b", "tomorrow"), (r"\bim\b", "I'm"), (r"\bdont\b", "don't"), (r"\bcant\b", "can't"),
          (r"\bwont\b", "won't"), (r"\bwhats\b", "what's"), (r"\bdidnt\b", "didn't"), (r"\bisnt\b", "isn't"),
          (r"\bdoesnt\b", "doesn't"), (r"\bwanna\b", "want to"), (r"\bwbu\b", "what about you"),
          (r"\bwyd\b", "what are you doing"), (r"\babt\b", "about"), (r"\bppl\b", "people"),
          (r"\btbh\b", "to be honest"), (r"\bngl\b", "not gonna lie"), (r"\brly\b", "really"), (r"\bi\b", "I"),
          (r"\bi'll\b", "I'll"), (r"\bi'd\b", "I'd"), (r"\bi've\b", "I've")]
CONTRACT_RE = [(re.compile(a, re.I), b) for a, b in CONTRACT]
EXPAND_RE = [(re.compile(a), b) for a, b in EXPAND]
STRETCH_WORDS = ["so", "hey", "please", "pls", "no", "yes", "ok", "omg", "what", "hi", "why", "really", "bro",
                 "stop", "cute", "now", "hello", "nooo", "sorry", "yay", "wait", "lol"]
PROTECT = re.compile(r"[\d_\[\]@$#/]|^[A-Z]")


def sample_style(rng, age, force=None):
    kid = age is not None and age < 19
    w = [0.5, 0.35, 0.15] if kid else [0.34, 0.4, 0.26]
    st = dict(
        short=rng.choices(["heavy", "light", "none"], w)[0],
        case=rng.choices(["lower", "sentence", "mixed"], [0.62, 0.26, 0.12] if kid else [0.5, 0.38, 0.12])[0],
        punct=rng.random() < (0.2 if kid else 0.35),
        emoji=rng.choice([0.0, 0.03, 0.08, 0.15, 0.25]),
        emoticon=rng.random() < 0.2,
        laugh=rng.choice([0.0, 0.05, 0.1, 0.18]),
        typo=rng.choice([0.0, 0.02, 0.05, 0.1]),
        stretch=rng.choice([0.0, 0.03, 0.08]),
        caps=rng.choice([0.0] * 8 + [0.03, 0.08]),
    )
    if force:
        st.update(force)
    return st


def _typo(rng, text):
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha() and w.isascii() and not PROTECT.search(w)]
    if not idx:
        return text
    i = rng.choice(idx)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    kind = rng.random()
    if kind < 0.4:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif kind < 0.7:
        w = w[:j] + w[j + 1:]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def _stretch(rng, text):
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if w.lower().strip("?!.,") in STRETCH_WORDS]
    if not idx:
        return text
    i = rng.choice(idx)
    w = words[i]
    core = w.rstrip("?!.,")
    tail = w[len(core):]
    vowels = [k for k, c in enumerate(core) if c.lower() in "aeiouy"]
    k = vowels[-1] if vowels else len(core) - 1
    words[i] = core[:k] + core[k] * rng.randint(3, 6) + core[k + 1:] + tail
    return " ".join(words)


def render(rng, text, st, ctx):
    if text.startswith("[") and text.endswith("]"):
        return text
    t = text
    if st["short"] == "none":
        for rx, rep in EXPAND_RE:
            t = rx.sub(rep, t)
    else:
        p = 0.95 if st["short"] == "heavy" else 0.5
        for rx, rep in CONTRACT_RE:
            t = rx.sub(lambda m: rep if rng.random() < p else m.group(0), t)
    case = st["case"]
    if case == "mixed":
        case = rng.choice(["lower", "sentence"])
    if case == "lower":
        t = t.lower()
    else:
        t = t[:1].upper() + t[1:]
        t = re.sub(r"\bi\b", "I", t)
    if st["punct"] and t and t[-1].isalnum():
        t += "?" if re.match(r"(?i)(how|what|where|when|who|why|do|does|are|r|is|can|did|wanna|u|you)\b", t) else rng.choice([".", "!", "", "."])
    elif not st["punct"] and t.endswith(".") and not t.endswith("..."):
        t = t[:-1]
    if rng.random() < st["typo"]:
        t = _typo(rng, t)
    if rng.random() < st["stretch"]:
        t = _stretch(rng, t)
    if rng.random() < st["laugh"] and len(t) > 3:
        t += " " + ctx.slot("laugh", rng)
    if rng.random() < st["emoji"]:
        t += " " + (ctx.slot("emoticon", rng) if st["emoticon"] else ctx.slot("emoji", rng) * rng.choice([1, 1, 1, 2, 3]))
    if rng.random() < st["caps"]:
        t = t.upper()
    return t


# --------------------------------------------------------------------------------------
# evasion
# --------------------------------------------------------------------------------------
EVASION_WORDS = ["snapchat", "snap", "discord", "telegram", "whatsapp", "insta", "kik", "pics", "pic", "picture",
                 "photo", "cam", "camera", "send", "secret", "tell", "address", "nudes", "video", "pay", "money",
                 "robux", "vbucks", "parents", "mom", "alone", "delete", "meet", "sexy", "naked", "school", "bus",
                 "followers", "post", "gift", "card", "cashapp", "paypal", "bitcoin", "number", "private", "call"]
EVASION_RE = re.compile(r"\b(" + "|".join(sorted(EVASION_WORDS, key=len, reverse=True)) + r")\b", re.I)
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "g": "9", "b": "8"}
HOMO = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445", "y": "\u0443",
        "i": "\u0456", "s": "\u0455", "k": "\u043a", "h": "\u04bb"}
EMOJI_SUB = {"snap": "\U0001F47B", "snapchat": "\U0001F47B", "cam": "\U0001F4F7", "camera": "\U0001F4F7",
             "pic": "\U0001F4F8", "pics": "\U0001F4F8\U0001F4F8", "photo": "\U0001F4F8", "money": "\U0001F4B0",
             "secret": "\U0001F92B", "video": "\U0001F4F9", "pay": "\U0001F4B8", "call": "\U0001F4DE",
             "gift": "\U0001F381", "school": "\U0001F3EB", "bus": "\U0001F68C"}
EVASION_METHODS = ["leet", "spacing", "homoglyph", "zero_width", "stretch", "emoji", "dots"]


def leetify(rng, w, p=0.7):
    return "".join(LEET[c.lower()] if c.lower() in LEET and rng.random() < p else c for c in w)


def evade_word(rng, w, method):
    if method == "leet":
        out = leetify(rng, w)
        return out if out != w else leetify(rng, w, 1.0)
    if method == "spacing":
        return " ".join(w)
    if method == "dots":
        return rng.choice([".", "-", "*"]).join(w)
    if method == "homoglyph":
        idx = [i for i, c in enumerate(w) if c.lower() in HOMO]
        if not idx:
            return " ".join(w)
        chosen = set(rng.sample(idx, min(len(idx), rng.randint(1, 3))))
        return "".join(HOMO[c.lower()] if i in chosen else c for i, c in enumerate(w))
    if method == "zero_width":
        zw = rng.choice(["\u200b", "\u200d", "\u200c"])
        k = rng.randint(1, len(w) - 1)
        out = w[:k] + zw + w[k:]
        if len(w) > 4 and rng.random() < 0.5:
            out = out[:2] + zw + out[2:]
        return out
    if method == "stretch":
        vs = [i for i, c in enumerate(w) if c.lower() in "aeiou"]
        k = rng.choice(vs) if vs else len(w) - 1
        return w[:k] + w[k] * rng.randint(3, 6) + w[k + 1:]
    if method == "emoji":
        return EMOJI_SUB.get(w.lower(), leetify(rng, w))
    return w


def evade(rng, text, n=None):
    hits = list(EVASION_RE.finditer(text))
    method = rng.choice(EVASION_METHODS)
    if not hits:
        if method in ("homoglyph", "zero_width", "leet"):
            words = [m for m in re.finditer(r"[A-Za-z]{4,}", text)]
            if not words:
                return text
            hits = [rng.choice(words)]
        else:
            return text
    hits = rng.sample(hits, min(len(hits), n or rng.choice([1, 1, 2])))
    hits.sort(key=lambda m: m.start(), reverse=True)
    for m in hits:
        text = text[:m.start()] + evade_word(rng, m.group(0), method) + text[m.end():]
    return text


# --------------------------------------------------------------------------------------
# bank access
# --------------------------------------------------------------------------------------
SLOT_RE = re.compile(r"\{(\w+)\}")


class Ctx:
    def __init__(self, split, banks):
        self.split = split
        self.b = banks

    def slot(self, name, rng):
        return rng.choice(self.b["slot." + name])

    def handle(self, rng, kind="handle"):
        w = self.b["persona.handle_word"]
        sfx = self.b["persona.handle_suffix"]
        if kind == "parent":
            return rng.choice(self.b["persona.parent_name"])
        if kind == "adult":
            base = rng.choice(self.b["persona.adult_name"])
            return base if rng.random() < 0.5 else base + str(rng.randint(1, 99))
        if kind == "fakegirl":
            n = rng.choice(self.b["persona.fakegirl"])
            pat = rng.randrange(6)
            return [f"{n}.{rng.choice(w)}{rng.randint(1, 9)}", f"{n}_x{rng.randint(0, 99):02d}", f"its.{n}",
                    f"{n}{rng.choice(['xo', 'babe', 'bby', 'rose', 'baby'])}{rng.randint(0, 9)}", f"{n}{rng.randint(2006, 2010)}",
                    f"xo{n}xo"][pat]
        a, c = rng.choice(w), rng.choice(w)
        num = str(rng.choice([rng.randint(1, 99), rng.randint(100, 999), rng.randint(2008, 2016)]))
        pat = rng.randrange(10)
        return [a + c + num, a + "_" + c, "xX_" + a + "_Xx", leetify(rng, a, 0.6) + num, a + "." + rng.choice(sfx),
                a.capitalize() + c.capitalize() + num, a + rng.choice(sfx) + num, "the" + a + num,
                a + "_" + rng.choice(sfx), leetify(rng, a + c, 0.5)][pat]

    def code(self, rng):
        return "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(rng.choice([4, 5, 6])))

    def fill(self, text, rng, conv=None):
        def rep(m):
            k = m.group(1)
            if k == "handle":
                return self.handle(rng)
            if k == "code":
                return self.code(rng).upper() if rng.random() < 0.3 else self.code(rng)
            if k == "platform":
                pref = conv.platform if conv else None
                r = rng.random()
                alias_p = 0.45 if (conv and conv.evasive) else 0.12
                if r < alias_p:
                    return self.slot("platform_alias", rng)
                if pref and r < 0.85:
                    return pref
                return self.slot("platform_core", rng)
            return self.slot(k, rng)
        return SLOT_RE.sub(rep, text)

    def entries(self, bank, pred=None):
        lst = self.b.get(bank, [])
        if pred:
            lst = [e for e in lst if pred(e)]
        return lst

    def pick(self, rng, bank, conv=None, pred=None):
        """Returns (list_of_parts, signals). parts >1 for ' || ' mini exchanges."""
        lst = self.entries(bank, pred) or self.entries(bank)
        e = None
        for _ in range(6):
            e = rng.choice(lst)
            if conv is None or (bank, splitmod.entry_text(e)) not in conv.used:
                break
        if conv is not None:
            conv.used.add((bank, splitmod.entry_text(e)))
        if isinstance(e, tuple):
            text, sigs = e
            sigs = [s for s in sigs.split(",") if s]
        else:
            text, sigs = e, ([DEFAULT_SIGNAL[bank]] if bank in DEFAULT_SIGNAL else [])
        parts = [self.fill(p.strip(), rng, conv) for p in text.split("||")]
        return parts, sigs


# --------------------------------------------------------------------------------------
# conversation object
# --------------------------------------------------------------------------------------
class Conv:
    def __init__(self, ctx, rng, label, scenario):
        self.ctx, self.rng, self.label, self.scenario = ctx, rng, label, scenario
        self.msgs, self.used, self.people, self.styles = [], set(), [], {}
        self.platform = rng.choice(ctx.b["slot.platform_core"])
        self.evasive = False
        self.evade_p = 0.0
        self.roles = {}
        start = datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=rng.randrange(0, 540 * 86400))
        self.t = start

    def add_person(self, kind, age, role, force_style=None, show_age=None):
        for _ in range(50):
            pid = self.ctx.handle(self.rng, kind)
            if pid not in self.styles:
                break
        else:
            pid = pid + str(len(self.people))
        if show_age is None:
            show_age = self.rng.random() > 0.12
        self.people.append((pid, age if show_age else None))
        self.styles[pid] = sample_style(self.rng, age, force_style)
        self.roles[pid] = role
        return pid

    def tick(self):
        r = self.rng.random()
        if r < 0.6:
            s = self.rng.randint(3, 45)
        elif r < 0.9:
            s = self.rng.randint(45, 300)
        elif r < 0.98:
            s = self.rng.randint(300, 3600)
        else:
            s = self.rng.randint(3600, 20 * 3600)
        self.t += timedelta(seconds=s)
        return self.t.strftime("%Y-%m-%dT%H:%M:%SZ")

    def say(self, author, text, signals=(), style_override=None, evade_p=None):
        rng = self.rng
        st = self.styles[author] if style_override is None else dict(self.styles[author], **style_override)
        out = render(rng, text, st, self.ctx)
        p = self.evade_p if evade_p is None else evade_p
        if signals and self.roles.get(author) == "predator" and self.evasive and rng.random() < p:
            out = evade(rng, out)
        elif not signals and self.evasive and rng.random() < p * 0.25:
            out = evade(rng, out)
        self.msgs.append({"author": author, "time": self.tick(), "text": out, "signals": sorted(set(signals), key=ALL_SIGNALS.index)})

    def say_bank(self, speakers, bank, pred=None, style_override=None):
        """speakers: list alternated through the parts of a mini exchange."""
        parts, sigs = self.ctx.pick(self.rng, bank, self, pred)
        for i, p in enumerate(parts):
            a = speakers[i % len(speakers)]
            self.say(a, p, sigs if i == 0 else [], style_override)
        return len(parts)

    def filler(self, n, topics, a, b, others=()):
        rng = self.rng
        done = 0
        speaker = a
        pool = [a, b] + list(others)
        while done < n:
            r = rng.random()
            if r < 0.2:
                self.say(speaker, self.ctx.slot("react", rng))
                done += 1
            elif r < 0.27:
                self.say(speaker, self.ctx.slot("emoji", rng) if rng.random() < 0.5 else self.ctx.slot("laugh", rng))
                done += 1
            else:
                other = b if speaker == a else a
                topic = rng.choice(topics) if rng.random() > 0.18 else "f.checkin"
                if others and rng.random() < 0.4:
                    other = rng.choice([x for x in pool if x != speaker])
                done += self.say_bank([speaker, other], topic)
            # alternate speakers most of the time
            if rng.random() < 0.7:
                speaker = rng.choice([x for x in pool if x != speaker]) if others else (b if speaker == a else a)

    def finalize(self, topics, a, b):
        """Pad short conversations with filler and cap them at 80 messages."""
        while len(self.msgs) < 12:
            self.filler(12 - len(self.msgs), topics, a, b)
        del self.msgs[80:]

    def to_json(self, cid, split, predators):
        obj = {"id": cid, "source": "safechat-synthetic", "label": self.label, "scenario": self.scenario,
               "split": split, "predator_authors": predators}
        if predators:
            obj["alert_by"] = compute_alert_by(self.msgs, predators, self.label)
        obj["participants"] = [({"id": p, "age": a} if a is not None else {"id": p}) for p, a in self.people]
        obj["room"] = self.room
        obj["messages"] = self.msgs
        return obj


GROOM_W = {"age_probe": 1, "flattery": 1, "gifts": 1, "risk_check": 2, "secrecy": 2, "off_platform": 2,
           "image_request": 3, "sexual": 4, "meeting": 3}
SEXT_W = {"image_claim": 2, "threat_audience": 4, "payment_demand": 2, "deadline": 1,
          "image_request": 0, "sexual": 0, "off_platform": 0}


def compute_alert_by(msgs, predators, label):
    """Index of the predator message at which the distinct-signal weight reaches 4
    (grooming) or a threat/claim+demand is on the table (sextortion); falls back to
    the last predator signal message."""
    weights = GROOM_W if label == "grooming" else SEXT_W
    seen, last = set(), None
    for i, m in enumerate(msgs):
        if m["author"] in predators and m["signals"]:
            seen.update(m["signals"])
            last = i
            if sum(weights.get(s, 0) for s in seen) >= 4:
                return i
    return last


def sample_len(rng):
    r = rng.random()
    if r < 0.3:
        return rng.randint(12, 25)
    if r < 0.75:
        return rng.randint(26, 50)
    return rng.randint(51, 80)


def partition(rng, total, k):
    if k <= 0:
        return []
    cuts = sorted(rng.randint(0, max(0, total)) for _ in range(k - 1))
    out, prev = [], 0
    for c in cuts + [total]:
        out.append(c - prev)
        prev = c
    return out


def pick_room(rng, weights):
    kinds = list(weights)
    kind = rng.choices(kinds, [weights[k] for k in kinds])[0]
    prefix = {"direct": "dm", "private": "priv", "group": "grp", "public": "pub"}[kind]
    return {"id": f"{prefix}-{rng.getrandbits(32):08x}", "kind": kind}


# --------------------------------------------------------------------------------------
# grooming
# --------------------------------------------------------------------------------------
UNDERSTAND_KW = ("parent", "understand", "get you", "get u", "listen", "mom", "adults", "treat", "friends dont", "tell me anything")
NOEXP_COMBO = {"flattery", "secrecy", "off_platform", "risk_check", "age_probe", "gifts"}


def build_grooming(ctx, rng, fam, split):
    c = Conv(ctx, rng, "grooming", fam["name"])
    im = fam.get("im_style")
    pstyle = dict(emoticon=True, short="light", case="lower") if im else None
    child_age = rng.randint(10, 15)
    pred_age = rng.randint(19, 45)
    pred = c.add_person("handle" if rng.random() < 0.75 else "adult", pred_age, "predator", pstyle,
                        show_age=rng.random() > 0.2)
    kid = c.add_person("handle", child_age, "target", dict(emoticon=True) if im else None, show_age=rng.random() > 0.1)
    others = []
    if fam.get("public") or rng.random() < 0.12:
        c.room = pick_room(rng, {"public": 0.5, "group": 0.5})
        for _ in range(rng.randint(1, 3)):
            others.append(c.add_person("handle", rng.choice([None, rng.randint(11, 30)]), "bystander", show_age=False))
    else:
        c.room = pick_room(rng, {"direct": 0.5, "private": 0.3, "group": 0.2})
    c.evasive = rng.random() < 0.22
    c.evade_p = rng.choice([0.4, 0.6, 0.9])
    resist = rng.choice([0.0, 0.1, 0.2, 0.35, 0.5])
    arch = fam["arch"]

    moves = []
    for m in GROOM_ARCH[arch]:
        if m.endswith("?"):
            if rng.random() < 0.5:
                moves.append(m[:-1])
        else:
            moves.append(m)
    if arch not in NO_EXPLICIT_ARCHS and rng.random() < 0.2:  # extra move, anywhere
        moves.insert(rng.randrange(len(moves) + 1), rng.choice(["flattery", "gifts", "secrecy", "risk_check", "age_probe"]))
    for i in range(len(moves) - 1):  # stages are not always in order
        if rng.random() < 0.25 and "peer" not in (moves[i], moves[i + 1]):
            moves[i], moves[i + 1] = moves[i + 1], moves[i]
    for i, m in enumerate(moves):  # occasional multi-signal lines
        if m in GROOM_SIGNALS and rng.random() < 0.18:
            moves[i] = "combo:" + m
    if arch in NO_EXPLICIT_ARCHS:
        moves = [m for m in moves if m.split(":")[-1] not in EXPLICIT]

    L = max(sample_len(rng), len(moves) * 3 + 4)
    slow = arch in SLOW_ARCHS or rng.random() < 0.15
    budget = max(0, L - len(moves) * 2 - 2 - (16 if slow else 0))
    gaps = partition(rng, budget, len(moves) + 1)

    if not im or rng.random() < 0.5:
        if rng.random() < 0.7:
            c.say_bank([pred, kid], "g.pred_intro")
            c.say(kid, ctx.slot("react", rng) if rng.random() < 0.5 else rng.choice(["hi", "hey", "ty", "sup", "yo"]))
    if im and rng.random() < 0.6:
        c.say(pred, "asl", ["age_probe"])
    if slow:
        while len(c.msgs) < 16:
            c.filler(rng.randint(2, 5), fam["topics"] + ["f.daily"], kid if rng.random() < 0.5 else pred, pred, others)
            if rng.random() < 0.3:
                c.say_bank([pred, kid], "g.pred_chat")
    topics = fam["topics"] + ["f.daily"]
    stopped = False
    for gi, move in enumerate(moves):
        if gaps[gi]:
            first = kid if rng.random() < 0.5 else pred
            c.filler(gaps[gi], topics, first, pred if first == kid else kid, others)
            if rng.random() < 0.3:
                c.say_bank([pred, kid], "g.pred_chat")
        stopped = groom_move(c, ctx, rng, move, pred, kid, resist)
        if stopped:
            break
    if not stopped and gaps[-1]:
        c.filler(gaps[-1], topics, kid, pred, others)
    if rng.random() < 0.4 and not stopped:
        c.say(kid, rng.choice(["gtg", "bye", "gn", "my mom is calling me", "brb", "ok bye", "ttyl"]))
        if rng.random() < 0.5:
            c.say(pred, rng.choice(["bye", "gn", "talk later", "ok", "miss u already", "dont forget what i said"]))
    c.finalize(topics, kid, pred)
    if not any(m["signals"] for m in c.msgs):
        groom_move(c, ctx, rng, "secrecy", pred, kid, 0)
    return c, [pred]


def groom_move(c, ctx, rng, move, pred, kid, resist):
    sig = move.split(":")[-1]
    if move == "peer":
        c.say_bank([pred, kid], "g.peer")
        c.say_bank([kid], "g.resp_age")
        return False
    if move == "understand":
        c.say_bank([pred], "g.flattery", pred=lambda e: any(k in splitmod.entry_text(e) for k in UNDERSTAND_KW))
        c.say_bank([kid], "g.resp_flattery")
        return False
    if move == "combo_noexp":
        c.say_bank([pred], "g.combo", pred=lambda e: isinstance(e, tuple) and set(e[1].split(",")) <= NOEXP_COMBO and "," in e[1])
        c.say_bank([kid], rng.choice(["g.resp_secrecy", "g.resp_off_platform"]))
        return False
    if move.startswith("combo:"):
        c.say_bank([pred], "g.combo", pred=lambda e: isinstance(e, tuple) and sig in e[1].split(","))
    else:
        c.say_bank([pred], "g." + sig)
    if rng.random() < 0.2:
        c.say(pred, ctx.slot("nudge", rng))
    if rng.random() < 0.2:
        c.say_bank([pred], "g.pred_chat")
    resp = {"age_probe": "g.resp_age", "flattery": "g.resp_flattery", "gifts": "g.resp_gifts", "risk_check": "g.resp_risk",
            "secrecy": "g.resp_secrecy", "off_platform": "g.resp_off_platform", "image_request": "g.resp_image",
            "sexual": "g.resp_sexual", "meeting": "g.resp_meeting"}[sig]
    if rng.random() < resist:
        c.say_bank([kid], "g.resp_pushback")
        if rng.random() < 0.12 and len(c.msgs) >= 14:
            return True  # child leaves
        c.say_bank([pred], "g.pred_pressure")
        if rng.random() < 0.6:
            c.say_bank([kid], "g.resp_generic")
    else:
        c.say_bank([kid], resp if rng.random() < 0.8 else "g.resp_generic")
    return False


# --------------------------------------------------------------------------------------
# sextortion
# --------------------------------------------------------------------------------------
DEEPFAKE_KW = ("ai", "edited", "nudif", "face on", "fake", "with ur face")
MORE_IMG_KW = ("pics or", "videos", "video or", "new one", "cam again", "more pics")


def build_sextortion(ctx, rng, fam, split):
    c = Conv(ctx, rng, "sextortion", fam["name"])
    arch = fam["arch"]
    victim_age = rng.choices([14, 15, 16, 17, 13], [0.25, 0.3, 0.25, 0.15, 0.05])[0]
    pforce = None
    if arch == "business":
        pforce = dict(short="none", case="sentence", emoji=0.0, laugh=0.0, typo=0.0, caps=0.0, punct=True)
    pred = c.add_person("fakegirl" if arch not in ("business",) or rng.random() < 0.5 else "handle",
                        rng.randint(19, 40), "predator", pforce, show_age=rng.random() < 0.5)
    vic = c.add_person("handle", victim_age, "target", show_age=rng.random() > 0.1)
    c.room = pick_room(rng, {"direct": 0.65, "private": 0.35})
    c.evasive = rng.random() < 0.22
    c.evade_p = rng.choice([0.4, 0.6, 0.9])
    attitude = rng.choices(["plead", "refuse", "mixed"], [0.55, 0.2, 0.25])[0]
    caps = {"caps": 0.85} if arch == "all_caps" else ({"caps": 0.25} if rng.random() < 0.15 else None)
    L = sample_len(rng)

    def victim_turn():
        a = attitude if attitude != "mixed" else rng.choice(["plead", "refuse"])
        c.say_bank([vic], "s.victim_plead" if a == "plead" else "s.victim_refuse")

    def threat(sig, pred_filter=None):
        if arch == "broken" and rng.random() < 0.5:
            c.say_bank([pred], "s.broken", pred=lambda e: sig in e[1], style_override=caps)
        elif arch == "business" and rng.random() < 0.6:
            c.say_bank([pred], "s.broken", pred=lambda e: e[0][:1].isupper() and not e[0].isupper() and sig in e[1],
                       style_override=caps)
        elif arch == "all_caps" and rng.random() < 0.3:
            c.say_bank([pred], "s.broken", pred=lambda e: e[0].isupper() and sig in e[1], style_override=caps)
        else:
            c.say_bank([pred], "s." + sig, pred=pred_filter, style_override=caps)

    # --- approach phase ---
    if arch not in ("threat_first", "business"):
        c.say_bank([pred], "s.open")
        c.say_bank([vic], "s.victim_chat", pred=lambda e: e in ("hi", "hey", "who is this", "lol hi", "do i know u?", "wyd", "hi?", "hii"))
        n_flirt = rng.randint(2, 6) if L > 25 else rng.randint(1, 3)
        for _ in range(n_flirt):
            if fam["topics"] and rng.random() < 0.35:
                c.filler(rng.randint(2, 4), fam["topics"], vic, pred)
            c.say_bank([pred], "s.flirt")
            c.say_bank([vic], "s.victim_chat")
        if arch != "deepfake":
            for _ in range(rng.randint(2, 4)):
                c.say_bank([pred], "s.exchange")
                if rng.random() < 0.7:
                    c.say_bank([vic], "s.victim_chat")
        else:
            c.say(vic, rng.choice(["lol", "ok", "wyd", "ya", "gtg"]))
    elif arch == "business" and rng.random() < 0.5:
        c.say(pred, rng.choice(["Hello.", "Read carefully.", "Listen.", "Good evening."]))
    # --- extortion phase ---
    first = "image_claim"
    if arch == "threat_first":
        first = rng.choice(["image_claim", "threat_audience"])
    claim_filter = (lambda e: any(k in e for k in DEEPFAKE_KW)) if arch == "deepfake" else None
    if fam.get("claim_kw"):
        claim_filter = lambda e: any(k in e for k in fam["claim_kw"])  # noqa: E731
    threat(first, claim_filter if first == "image_claim" else None)
    victim_turn() if rng.random() < 0.5 else c.say_bank([vic], "s.victim_chat", pred=lambda e: e in ("wait what", "who is this", "what", "wtf"))
    order = ["threat_audience", "payment_demand", "deadline"]
    if first == "threat_audience":
        order = ["image_claim", "payment_demand", "deadline"]
    rng.shuffle(order) if rng.random() < 0.4 else None
    pay_filter = None
    if arch == "more_images" or fam.get("pay") == "images":
        pay_filter = lambda e: any(k in e for k in MORE_IMG_KW)  # noqa: E731
    elif fam.get("pay") == "gift":
        pay_filter = lambda e: "card" in e  # noqa: E731
    elif fam.get("pay") == "cash":
        pay_filter = lambda e: any(k in e for k in ("cash", "venmo", "zelle", "paypal", "pay"))  # noqa: E731
    elif fam.get("pay") == "crypto":
        pay_filter = lambda e: any(k in e for k in ("btc", "crypto", "bitcoin", "usdt", "wallet", "pay"))  # noqa: E731
    for sig in order:
        threat(sig, pay_filter if sig == "payment_demand" else (claim_filter if sig == "image_claim" else None))
        if rng.random() < 0.7:
            victim_turn()
    rounds = 0
    while len(c.msgs) < L and rounds < 40:
        rounds += 1
        r = rng.random()
        if r < 0.3:
            c.say_bank([pred], "s.pressure", style_override=caps)
        elif r < 0.5:
            threat("deadline")
        elif r < 0.68:
            threat("threat_audience")
        elif r < 0.85:
            threat("payment_demand", pay_filter)
        else:
            threat("image_claim", claim_filter)
        if rng.random() < 0.75:
            victim_turn()
        if rng.random() < 0.15:
            c.say(pred, ctx.slot("nudge", rng), style_override=caps)
        if rng.random() < 0.08 and fam["topics"]:
            c.filler(2, ["f.daily"], vic, pred)
    while len(c.msgs) < 12:
        threat(rng.choice(["deadline", "payment_demand", "threat_audience"]), None)
        victim_turn()
    c.finalize(["f.daily"], vic, pred)
    return c, [pred]


# --------------------------------------------------------------------------------------
# benign / hard negatives
# --------------------------------------------------------------------------------------
def build_benign(ctx, rng, fam, split):
    c = Conv(ctx, rng, "benign", fam["name"])
    ids = []
    for i, role in enumerate(fam["roles"]):
        (lo, hi), kind = ROLES[role]
        age = rng.randint(lo, hi)
        force = dict(short="none", case="sentence", punct=True, laugh=0.0) if (i == 0 and fam.get("formal_a") and rng.random() < 0.7) else None
        ids.append(c.add_person(kind, age, "benign", force))
    if fam.get("group") and rng.random() < 0.5:
        for _ in range(rng.randint(1, 2)):
            (lo, hi), kind = ROLES[fam["roles"][-1]]
            ids.append(c.add_person(kind, rng.randint(lo, hi), "benign"))
    a, b, others = ids[0], ids[1], ids[2:]
    if fam.get("public"):
        c.room = pick_room(rng, {"public": 0.7, "group": 0.3})
    elif fam.get("group"):
        c.room = pick_room(rng, {"group": 0.7, "public": 0.2, "private": 0.1})
    else:
        c.room = pick_room(rng, {"direct": 0.55, "private": 0.35, "group": 0.1})
    c.evasive = rng.random() < 0.1
    c.evade_p = rng.choice([0.3, 0.5])
    L = sample_len(rng)
    n_keys = max(2, min(9, round(L / rng.choice([6, 8, 10]))))
    budget = max(0, L - n_keys * 2)
    gaps = partition(rng, budget, n_keys + 1)
    key, resp = "b." + fam["key"] + ".key", "b." + fam["key"] + ".resp"
    topics = fam["topics"]
    for i in range(n_keys):
        if gaps[i]:
            first = a if rng.random() < 0.5 else b
            c.filler(gaps[i], topics, first, b if first == a else a, others)
        speaker = a if (not others or rng.random() < 0.6) else rng.choice([b] + others)
        listener = b if speaker != b else a
        n = c.say_bank([speaker, listener], key)
        if c.evasive and rng.random() < 0.4:
            c.msgs[-n]["text"] = evade(rng, c.msgs[-n]["text"])
        if n == 1:
            r = rng.random()
            if r < 0.65:
                c.say_bank([listener], resp)
            elif r < 0.85:
                c.say(listener, ctx.slot("react", rng))
    if gaps[-1]:
        c.filler(gaps[-1], topics, b, a, others)
    if rng.random() < 0.3:
        c.say(b, rng.choice(["gtg", "bye", "gn", "ok bye", "ttyl", "love u", "k"]))
    c.finalize(topics, a, b)
    return c, []


# --------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------
BUILDERS = {"grooming": (build_grooming, GROOM_FAMILIES), "sextortion": (build_sextortion, SEXT_FAMILIES),
            "benign": (build_benign, BENIGN_FAMILIES)}


def choose_family(rng, fams, split):
    if split == "train":
        return rng.choice([f for f in fams if f["split"] == "train"])
    # held-out: half of the conversations come from held-out-only templates
    pool = [f for f in fams if f["split"] == "heldout"] if rng.random() < 0.5 else [f for f in fams if f["split"] == "train"]
    return rng.choice(pool)


def generate(seed):
    train_b, held_b, meta = splitmod.split_banks()
    out = {}
    for split in ("train", "heldout"):
        ctx = Ctx(split, train_b if split == "train" else held_b)
        convs = []
        for label in ("grooming", "sextortion", "benign"):
            build, fams = BUILDERS[label]
            for i in range(COUNTS[split][label]):
                rng = random.Random(f"{seed}|{split}|{label}|{i}")
                fam = choose_family(rng, fams, split)
                conv, preds = build(ctx, rng, fam, split)
                convs.append((label, conv, preds))
        out[split] = convs
    # ids: numbered per label, train first then heldout
    numbered = {}
    counters = Counter()
    for split in ("train", "heldout"):
        objs = []
        for label, conv, preds in out[split]:
            counters[label] += 1
            objs.append(conv.to_json(f"{ID_PREFIX[label]}-{counters[label]:04d}", split, preds))
        random.Random(f"{seed}|order|{split}").shuffle(objs)
        numbered[split] = objs
    return numbered, (train_b, held_b, meta)


def speaker_of(conv, author):
    if conv["label"] == "benign":
        return "benign"
    if author in conv["predator_authors"]:
        return "predator"
    target_ids = [p["id"] for p in conv["participants"][1:2]]
    return "target" if author in target_ids else "benign"


BANK_HARM = {"g": "grooming", "s": "sextortion", "b": "benign", "f": "benign"}


def bank_lines(seed, split, banks):
    """Every non-shared bank variant of this split rendered once more in a random style."""
    ctx = Ctx(split, banks)
    rows = []
    for name in sorted(banks):
        if splitmod.is_shared(name) or name.startswith("persona."):
            continue
        harm = BANK_HARM[name[0]]
        is_resp = ".resp" in name or ".victim" in name
        speaker = "benign" if harm == "benign" else ("target" if is_resp else "predator")
        for j, e in enumerate(banks[name]):
            rng = random.Random(f"{seed}|lines|{split}|{name}|{j}")
            conv = Conv(ctx, rng, harm, "lines")
            conv.evasive = harm != "benign" and rng.random() < 0.2 or harm == "benign" and rng.random() < 0.05
            conv.evade_p = 0.8
            pid = conv.add_person("handle", rng.randint(10, 45), "predator" if speaker == "predator" else "x")
            parts, sigs = ctx.pick(rng, name, None, pred=lambda x, e=e: x is e)
            for k, p in enumerate(parts):
                conv.say(pid, p, sigs if k == 0 else [])
                if harm == "benign":
                    sp = "benign"
                elif k % 2 == 0:
                    sp = speaker
                else:
                    sp = "target" if speaker == "predator" else "predator"
                rows.append({"text": conv.msgs[-1]["text"], "signals": conv.msgs[-1]["signals"], "harm": harm, "speaker": sp})
    return rows


def write_sharded(path_prefix, rows, single_name=None):
    chunks, cur, size = [], [], 0
    for r in rows:
        line = (json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8")
        if cur and size + len(line) > SHARD_BYTES:
            chunks.append(cur)
            cur, size = [], 0
        cur.append(line)
        size += len(line)
    if cur:
        chunks.append(cur)
    names = []
    if single_name and len(chunks) == 1:
        names = [single_name]
    else:
        names = [f"{path_prefix}-{i:03d}.jsonl" for i in range(len(chunks))]
    for n, ch in zip(names, chunks):
        with open(n, "wb") as f:
            f.write(b"".join(ch))
    return names


SHORT_TOKENS = ("u", "ur", "lol", "ya")


def stats(numbered):
    st = {}
    for split, objs in numbered.items():
        for o in objs:
            key = (split, o["label"])
            d = st.setdefault(key, {"n": 0, "msgs": [], "scen": Counter(), "sig": Counter(), "tok": 0,
                                    "short": Counter(), "evasive": 0})
            d["n"] += 1
            d["msgs"].append(len(o["messages"]))
            d["scen"][o["scenario"]] += 1
            for m in o["messages"]:
                for s in m["signals"]:
                    d["sig"][s] += 1
                toks = re.findall(r"[a-z']+", m["text"].lower())
                d["tok"] += len(toks)
                for t in toks:
                    if t in SHORT_TOKENS:
                        d["short"][t] += 1
    return st


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default="data/synthetic")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for old in glob.glob(os.path.join(args.out, "conversations-*.jsonl")) + glob.glob(os.path.join(args.out, "lines-*.jsonl")):
        os.remove(old)
    numbered, (train_b, held_b, meta) = generate(args.seed)
    files = {}
    for split in ("train", "heldout"):
        files["conv-" + split] = write_sharded(os.path.join(args.out, f"conversations-{split}"), numbered[split])
        rows, seen = [], set()
        for o in numbered[split]:
            for m in o["messages"]:
                sp = speaker_of(o, m["author"])
                harm = o["label"] if sp != "benign" else "benign"
                r = {"text": m["text"], "signals": m["signals"], "harm": harm, "speaker": sp}
                k = json.dumps(r, ensure_ascii=False, sort_keys=True)
                if k not in seen:
                    seen.add(k)
                    rows.append(r)
        for r in bank_lines(args.seed, split, train_b if split == "train" else held_b):
            k = json.dumps(r, ensure_ascii=False, sort_keys=True)
            if k not in seen:
                seen.add(k)
                rows.append(r)
        random.Random(f"{args.seed}|lines-order|{split}").shuffle(rows)
        files["lines-" + split] = write_sharded(os.path.join(args.out, f"lines-{split}"), rows,
                                                os.path.join(args.out, f"lines-{split}.jsonl"))
        files["lines-n-" + split] = len(rows)
        files["lines-pos-" + split] = sum(1 for r in rows if r["signals"])
    st = stats(numbered)
    report = format_report(st, files, meta, args)
    print(report)
    with open(os.path.join(args.out, "README.md"), "w", encoding="utf-8") as f:
        f.write(README_HEAD + "\n" + report + "\n" + README_TAIL(meta))


def format_report(st, files, meta, args):
    lines = ["## Counts (seed %d)" % args.seed, "",
             "| split | label | conversations | messages min / median / p90 / max | mean | shorthand per 100 tokens (u, ur, lol, ya) |",
             "|---|---|---|---|---|---|"]
    for (split, label), d in sorted(st.items()):
        m = d["msgs"]
        rate = 100.0 * sum(d["short"].values()) / max(1, d["tok"])
        per = ", ".join(f"{t} {100.0 * d['short'][t] / max(1, d['tok']):.2f}" for t in SHORT_TOKENS)
        lines.append(f"| {split} | {label} | {d['n']} | {min(m)} / {pct(m, .5)} / {pct(m, .9)} / {max(m)} | "
                     f"{sum(m) / len(m):.1f} | {rate:.2f} ({per}) |")
    lines += ["", "### Scenarios", "", "| split | label | scenario | conversations |", "|---|---|---|---|"]
    for (split, label), d in sorted(st.items()):
        for s, n in sorted(d["scen"].items()):
            lines.append(f"| {split} | {label} | {s} | {n} |")
    lines += ["", "### Signal occurrences (messages carrying the signal)", "", "| split | label | signal | messages |", "|---|---|---|---|"]
    for (split, label), d in sorted(st.items()):
        for s in ALL_SIGNALS:
            if d["sig"][s]:
                lines.append(f"| {split} | {label} | {s} | {d['sig'][s]} |")
    lines += ["", "### Files", ""]
    for split in ("train", "heldout"):
        lines.append(f"- conversations-{split}: " + ", ".join(os.path.basename(x) for x in files["conv-" + split]))
        lines.append(f"- lines-{split}: " + ", ".join(os.path.basename(x) for x in files["lines-" + split])
                     + f" ({files['lines-n-' + split]} rows, {files['lines-pos-' + split]} with signals)")
    n_split = sum(1 for v in meta.values() if v == "split")
    n_ho = sum(1 for v in meta.values() if v == "heldout-only")
    n_sh = sum(1 for v in meta.values() if v == "shared")
    tr_b, ho_b, _ = splitmod.split_banks()
    n_tr = sum(len(v) for k, v in tr_b.items() if meta[k] != "shared")
    n_ho = sum(len(v) for k, v in ho_b.items() if meta[k] != "shared")
    lines += ["", f"Hand-written variants (excluding shared slot values): {n_tr} train-only, {n_ho} held-out-only."]
    n_ho = sum(1 for v in meta.values() if v == "heldout-only")
    lines += ["", f"Banks: {n_split} split 2/3 train : 1/3 heldout, {n_ho} held-out-only, {n_sh} shared slot banks."]
    return "\n".join(lines)


README_HEAD = """# SafeChat synthetic conversation corpus

Hand-written, programmatically composed chat conversations for training and
evaluating SafeChat's grooming / sextortion detectors. **Everything here is
synthetic**: written for SafeChat, nothing copied from any research corpus.
No real people, usernames or events. Sexual-stage lines are deliberately
non-graphic (probing questions and requests), which is what a detector needs.

Regenerate (deterministic, byte-identical for the same seed; Python 3.11, stdlib only):

```
python3 tools/synth/generate.py --seed 7 --out data/synthetic
python3 tools/synth/check_split.py --data data/synthetic     # leakage + schema checks
```

## What is here

- `conversations-train-NNN.jsonl`, `conversations-heldout-NNN.jsonl`: one conversation per line
  (shards < 1.5 MB). Schema: `id, source, label (grooming|sextortion|benign), scenario, split,
  predator_authors, alert_by (positives only), participants [{id, age?}], room {id, kind}, messages
  [{author, time, text, signals}]`. An absent `age` means "unknown".
- `lines-train*.jsonl`, `lines-heldout*.jsonl`: one annotated line per row
  `{text, signals, harm, speaker}`: every distinct message of the split's conversations, plus every
  bank variant of the split rendered once more in a random style. `harm` is the conversation's
  label for predator/target lines, `benign` for benign conversations and bystanders. Predator lines
  with `signals: []` are the predator's small talk; benign lines that *look* like signals ("are you
  home alone?" from a parent, "add me on discord" from a friend) are `signals: []`.

### Signal vocabulary

grooming: `age_probe`, `flattery` (incl. maturity talk and "i understand you better than your
parents"), `gifts`, `risk_check`, `secrecy`, `off_platform`, `image_request`, `sexual`, `meeting`;
sextortion: `image_claim`, `threat_audience`, `payment_demand` (money *or* more images), `deadline`.
Signals are only ever put on predator messages in positive conversations (the sextortion flirt
stage may carry `image_request` / `sexual` / `off_platform`). Labels describe predatory intent, not
surface words: the same words in a benign conversation are `[]`.

### alert_by

Index (0-based) of the predator message at which the distinct signals seen so far reach weight 4
(grooming: age_probe/flattery/gifts 1, risk_check/secrecy/off_platform 2, image_request/meeting 3,
sexual 4; sextortion: image_claim 2, payment_demand 2, deadline 1, threat_audience 4); if never
reached, the last predator signal message. Always at or after the first signal message.

## How it is generated

`tools/synth/banks/*.py` hold hand-written banks: predator moves per signal (70-85 variants each: direct,
indirect/implied, hedged, joking, typo-ish, 2020s app and 2000s IM register, formal/broken English),
multi-signal combo lines, peer-posing lines, child replies per move (compliant / hesitant / pushing
back), sextortion approach / exchange / claim / audience / demand / deadline / pressure / victim
pleading or refusing, broken-English and business-style threats, 28 benign hard-negative families
(key lines + replies) and topic fillers (roblox, fortnite, minecraft, games, school, music, family,
adult small talk, sports, art, snap streaks) that are shared by *all* labels, so topic words carry
no label. Lines contain slots (`{platform}`, `{game}`, `{item}`, `{money}`, `{place}`, `{handle}`,
`{code}` ...) filled from slot banks; `a || b` entries are mini-exchanges between two speakers.

`generate.py` builds each conversation from a scenario template (family): a stage plan (optional
moves dropped at random, adjacent stages swapped 25% of the time, occasional combo lines, extra
moves), a length drawn from the same distribution for every label (12-80 messages), filler turns
spread between the moves, slow burns (>= 16 innocent messages first), children who push back
(and sometimes leave), bystanders in public/group rooms. Each speaker gets a style sampled from the
same age-dependent distribution for every label: shorthand heavy/light/none (none *expands* u ->
you), lower/sentence case, punctuation, typos, stretched letters, laughs, emoji or emoticons,
occasional caps. **Evasion** is applied to ~22% of positive conversations (predator signal lines)
and ~10% of benign ones: leetspeak, letter spacing, dots, Cyrillic homoglyphs, zero-width
characters (U+200B/U+200C/U+200D), stretched letters, emoji substitution and platform nicknames
("sc", "the yellow app", "disc", "tele", "wa", "\U0001F47B"). Gamer tags (xX_..._Xx, leet handles),
lobby codes and scores appear in every label so a leet-decoding normalizer must not invent words.

## Held-out discipline

The split is made on the banks **before** generation (`tools/synth/split.py`):
- every phrase bank's variants are ordered by `sha256("<bank>\\0<variant>")`; the first round(n/3)
  are held out and never used for train (this includes persona/handle-part banks, so held-out
  usernames are built from held-out parts);
- 6 of 17 grooming, 3 of 11 sextortion and 11 of 28 benign scenario templates are held-out-only
  (benign held-out-only families' banks are marked `@heldout` and go entirely to held-out); half of
  the held-out conversations come from these templates, the other half from the train templates
  rendered with held-out variants only;
- only slot banks (`slot.*`: game names, core platform names, numbers, amounts, one-word reactions,
  emoji) are shared by both splits.

`tools/synth/check_split.py` verifies that no literal fragment (>= 14 characters, compared after
normalising case, punctuation and u/you-style shorthand) of any held-out variant occurs in any train
conversation or train line, and validates the schema, signal vocabulary and `alert_by`.
"""


def README_TAIL(meta):
    return """
## Caveats

- Synthetic data: the phrasing is varied but written by one team; measure on real data as well.
- Conversations are composed from banks, so turn-to-turn coherence is looser than in real chat.
- The child never carries signals; "im 13" from the child is `[]` (age is in `participants`).
- Room kinds are not label-neutral: benign families include many group chats (teams, lobbies,
  families), positives are mostly direct/private. Do not let a model lean on `room.kind` alone.
- Shorthand rates (table above) are close but not identical across labels; "lol" is rarer in
  train sextortion (threat-heavy text).
- Nothing was copied from research corpora. A scan of the bank variants (>= 22 chars) against
  /work/shared/data finds only coincidental generic chat phrases ("are your parents strict",
  "i have so much homework"), which any chat corpus contains.
- The split check compares fragments of >= 14 characters; shorter generic phrases ("ok", "gg",
  "how old r u") can and do appear in both splits.
- `samples/demo.jsonl` (9 hand-written conversations, same schema without `split`) is the README demo
  of the SDK; it is not part of this generated corpus.
- Some predator lines in the sextortion flirt stage carry grooming-style signals (`image_request`,
  `sexual`, `off_platform`) because that is what the fake "girl" is doing.
- Hard negatives that use grooming words on purpose: `adult-chatroom-banter` (adults 19-45 only,
  public/group room, "asl", "u single?", "wanna pm"), `teen-friends-crushes` (same-age teens:
  crushes, snap, sneaking out), `cousin-robux-grandmas`, and held-out-only `family-shorthand-chat`,
  `youth-group-parents-logistics`, `college-sibling-checkin`. Positives with very few explicit
  words: `snap-fast-secret` (off-platform + secrecy only) and held-out-only `roblox-risk-then-meet`.
- Conversation counts were lowered (train 380/255/760, held-out 170/110/340 grooming/sextortion/
  benign) to keep the corpus near 12 MB after the banks were widened; benign stays 2x grooming.
"""


if __name__ == "__main__":
    main()
