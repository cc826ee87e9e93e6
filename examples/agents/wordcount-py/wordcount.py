"""A Python process worker: counts words, reporting progress as it goes."""


def count(text, ctx):
    words = text.split()
    ctx.emit("progress", {"words": len(words)})
    top = {}
    for word in words:
        key = word.lower().strip(".,!?;:")
        top[key] = top.get(key, 0) + 1
    common = sorted(top.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    return {"words": len(words), "most_common": [w for w, _ in common]}
