#!/usr/bin/env python3
"""Writes a deterministic "agent-like" file: what a coding agent prints, at volume.

A seeded generator builds a pool of a few thousand distinct lines, then draws
lines from it until the file reaches the wanted size. The mix:

* prose (plain words, some **bold** via SGR 1, list bullets such as `⏺` and `⎿`),
* code with syntax colouring (256-colour and truecolour SGR, bold, reset),
* diff lines (`+`/`-` with green/red backgrounds), box-drawing frames,
* long lines of 300-2000 columns that wrap several times,
* unicode: accented Latin, CJK (double width), emoji (wide, some with ZWJ/VS16),
* a little cursor work as spinners and status lines do: `\\r`, `CSI 2K`, `CSI A`.

The same seed and size always give the same bytes (the SHA-256 is printed).

    python3 benches/agentfile.py OUT [--mb 100] [--seed 7]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys

ESC = "\x1b["
RESET = ESC + "0m"

WORDS = (
    "the agent reads file module function test branch worktree merge commit diff error "
    "result value parser server client pane frame render buffer socket config profile "
    "should would could because then when while update check return build run output "
    "input status change review patch line column width height cursor screen scroll "
    "cache index lock state event handler request response stream thread task async"
).split()
ACCENTED = "café naïve résumé façade über jalapeño Ångström coöperate déjà-vu smörgåsbord".split()
CJK = "终端复用器并行代码代理工作树分支合并测试文件函数模块服务器客户端渲染缓冲区日本語のテキスト한국어"
EMOJI = ["🙂", "🚀", "✅", "❌", "⚠️", "🔧", "📦", "🧪", "👩‍💻", "🌲", "✨", "🔥"]
BULLETS = ["⏺ ", "  ⎿  ", "• ", "- ", "  · ", "→ "]
KEYWORDS = ["fn", "let", "mut", "pub", "impl", "match", "if", "else", "return", "async", "await", "use"]
IDENTS = ["session", "pane", "emulator", "frame", "outbox", "client", "table", "render", "bytes", "size"]


def word(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.03:
        return rng.choice(ACCENTED)
    if roll < 0.05:
        start = rng.randrange(len(CJK) - 6)
        return CJK[start : start + rng.randint(2, 6)]
    if roll < 0.06:
        return rng.choice(EMOJI)
    return rng.choice(WORDS)


def prose(rng: random.Random, width: int) -> str:
    parts, used = [], 0
    while used < width:
        w = word(rng)
        if rng.random() < 0.04:
            w = ESC + "1m" + w + RESET
        elif rng.random() < 0.03:
            w = ESC + "3m" + w + RESET
        parts.append(w)
        used += len(w) + 1
    text = " ".join(parts)
    if rng.random() < 0.3:
        text = rng.choice(BULLETS) + text
    return text


def colour(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{ESC}38;5;{rng.randrange(16, 232)}m"
    return f"{ESC}38;2;{rng.randrange(256)};{rng.randrange(256)};{rng.randrange(256)}m"


def code(rng: random.Random) -> str:
    indent = " " * (4 * rng.randint(0, 4))
    tokens = []
    for _ in range(rng.randint(3, 12)):
        roll = rng.random()
        if roll < 0.25:
            tokens.append(ESC + "1m" + colour(rng) + rng.choice(KEYWORDS) + RESET)
        elif roll < 0.6:
            tokens.append(colour(rng) + rng.choice(IDENTS) + RESET)
        elif roll < 0.75:
            tokens.append(f'{ESC}32m"{word(rng)} {word(rng)}"{RESET}')
        elif roll < 0.85:
            tokens.append(f"{ESC}33m{rng.randrange(100000)}{RESET}")
        else:
            tokens.append(rng.choice(["(", ")", "{", "}", "=>", "::", "&", "?;", ",", "->"]))
    line = indent + " ".join(tokens)
    if rng.random() < 0.2:
        line += f"  {ESC}2m// {prose(rng, 30)}{RESET}"
    return f"{ESC}2m{rng.randint(1, 9999):>5} │{RESET} {line}"


def diff(rng: random.Random) -> str:
    sign, bg = rng.choice([("+", "48;5;22"), ("-", "48;5;52"), (" ", "49")])
    return f"{ESC}{bg}m{sign} {code(rng)}{ESC}{bg}m{ESC}K{RESET}"


def boxed(rng: random.Random) -> str:
    width = rng.randint(40, 120)
    if rng.random() < 0.5:
        return ESC + "38;5;244m╭" + "─" * width + "╮" + RESET
    return ESC + "38;5;244m│" + RESET + " " + prose(rng, width - 2)


def long_line(rng: random.Random) -> str:
    return prose(rng, rng.randint(300, 2000))


def spinner(rng: random.Random) -> str:
    frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
    steps = "".join(
        f"\r{ESC}2K{ESC}38;5;174m{frames[i % len(frames)]}{RESET} {word(rng)}… ({i}s)"
        for i in range(rng.randint(2, 8))
    )
    if rng.random() < 0.3:
        steps += f"{ESC}1A{ESC}2K"  # a status line redrawn one row up
    return steps + f"\r{ESC}2K✻ {prose(rng, 40)}"


KINDS = (
    (prose, 0.34),
    (code, 0.30),
    (diff, 0.14),
    (boxed, 0.06),
    (long_line, 0.04),
    (spinner, 0.05),
    (lambda rng: "", 0.07),
)


def line_pool(rng: random.Random, count: int) -> list[bytes]:
    makers = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    pool = []
    for _ in range(count):
        maker = rng.choices(makers, weights)[0]
        if maker is prose:
            text = prose(rng, rng.randint(20, 160))
        else:
            text = maker(rng)
        pool.append((text + "\n").encode("utf-8"))
    return pool


def generate(path: str, megabytes: float = 100, seed: int = 7) -> tuple[int, str]:
    """Writes the file; returns (size in bytes, sha256 hex)."""
    rng = random.Random(seed)
    pool = line_pool(rng, 4096)
    target = int(megabytes * 1_000_000)
    digest = hashlib.sha256()
    written = 0
    with open(path, "wb") as out:
        while written < target:
            chunk = b"".join(rng.choices(pool, k=2048))
            chunk = chunk[: target - written] if written + len(chunk) > target else chunk
            if written + len(chunk) >= target:
                # End on a whole line so the last screen is tidy.
                cut = chunk.rfind(b"\n") + 1
                chunk = chunk[:cut] if cut else chunk
                out.write(chunk)
                digest.update(chunk)
                written += len(chunk)
                break
            out.write(chunk)
            digest.update(chunk)
            written += len(chunk)
    return written, digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--mb", type=float, default=100, help="size in MB (10^6 bytes), default 100")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    size, sha = generate(args.out, args.mb, args.seed)
    print(f"{args.out}: {size} bytes, sha256 {sha}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
