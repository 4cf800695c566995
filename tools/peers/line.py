"""The one result line every peer prints, and its parser (standard library only:
tools/bench-peers imports it without numpy or any framework).

    peer=jax version=0.10.2 batch=100 epochs=3 threads=2 steps=600 epoch_s=2.91,2.75,2.80
    compile_s=0.8 eval_s=0.12 accuracy=0.9612 loss=2677,597.8,301.2 peak_rss_mib=700   (one line)

steps: training steps per epoch; epoch_s: wall seconds of each epoch;
compile_s: the warm-up (one step and one evaluation batch, tracing and
compiling); eval_s: the 10 000 test images; loss: each epoch's mean loss;
peak_rss_mib: the process's peak resident set (getrusage).

Values hold no spaces; lists are comma-separated. Later versions only add keys.
"""

PREFIX = "peer="


def format_line(fields):
    """key=value pairs in the order given; floats to 4 significant digits (4 decimals below 1)."""
    def text(value):
        if isinstance(value, float):
            return f"{value:.4g}" if abs(value) >= 1 else f"{value:.4f}"
        if isinstance(value, (list, tuple)):
            return ",".join(text(v) for v in value)
        return str(value).replace(" ", "_")
    return " ".join(f"{key}={text(value)}" for key, value in fields.items())


def parse_line(line):
    """The fields of a result line as strings, or None when it is not one."""
    line = line.strip()
    if not line.startswith(PREFIX):
        return None
    fields = {}
    for part in line.split():
        key, sep, value = part.partition("=")
        if not sep:
            return None
        fields[key] = value
    return fields


def floats(value):
    """'2.91,2.75' -> [2.91, 2.75]; '' -> []."""
    return [float(v) for v in value.split(",") if v]
