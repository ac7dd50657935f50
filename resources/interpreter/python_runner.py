"""Sandbench's Python runner: the interpreter behind one code context.

Started by the agent inside the sandbox. Requests arrive on fd 3 and messages go out on
fd 4, one JSON object per line; the cell's own stdout and stderr are fd 1 and 2, which
the agent streams as they come. Before each message the runner flushes stdout and
stderr, so the agent (which reads what is in those pipes before it handles a message)
keeps everything in the order the cell produced it.

Requests:  {"type": "setup", "cwd": str, "env": {str: str}}    -> {"type": "setup_done", "error"?: str}
           {"type": "execute", "code": str}                   -> started, result*, then done | error
Messages:  {"type": "ready"}
           {"type": "started"}  (SIGINT now reaches the cell)
           {"type": "result", "text"?, "html"?, "png"?, ..., "chart"?, "metadata": {}}
           {"type": "done", "execution_count": n}
           {"type": "error", "ename", "evalue", "traceback": [lines]}
SIGINT interrupts the running cell (KeyboardInterrupt); the shell and its names stay.
"""

import base64
import json
import os
import signal
import sys
import warnings

REQUESTS_FD, MESSAGES_FD = 3, 4
RUNNER_DIR = os.path.dirname(os.path.abspath(__file__))

# What IPython's display formatters produce, and the field of a `result` event for each.
RESULT_FIELDS = {
    "text/plain": "text",
    "text/html": "html",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/svg+xml": "svg",
    "text/latex": "latex",
    "text/markdown": "markdown",
    "application/javascript": "javascript",
    "application/json": "json",
}

_messages = None


def send(message):
    """One message to the agent, after whatever the cell printed before it."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    try:
        text = json.dumps(message, default=str, allow_nan=False)
    except (TypeError, ValueError):  # NaN or infinity in a value the formatters made
        text = json.dumps({"type": message.get("type"), "text": "(output that is not valid JSON)"})
    line = (text + "\n").encode()
    _messages.write(line)
    _messages.flush()


def result_message(format_dict, metadata=None):
    """A `result` event from a MIME bundle: one field per known type, the rest under data."""
    message = {"type": "result", "metadata": _plain(metadata or {})}
    extra = {}
    for mime, value in format_dict.items():
        if isinstance(value, (bytes, bytearray)):
            value = base64.b64encode(value).decode("ascii")
        field = RESULT_FIELDS.get(mime)
        if field:
            message[field] = value
        else:
            extra[mime] = value
    if extra:
        message["data"] = _plain(extra)
    return message


def _plain(value):
    """Metadata and unknown MIME values as JSON (anything else as its text)."""
    try:
        return json.loads(json.dumps(value, default=str, allow_nan=False))
    except (TypeError, ValueError):
        return str(value)


def make_shell():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        """display() results go out when they exist, not at the end of the cell."""

        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            send(result_message(data, metadata))

        def clear_output(self, wait=False):
            pass

    class LastValue(DisplayHook):
        """The cell's last expression: a result event instead of an Out[n] prompt."""

        def compute_format_data(self, result):
            format_dict, metadata = super().compute_format_data(result)
            # Lists and dicts are also JSON, as the SDK's clients expect.
            if isinstance(result, (dict, list)) and "application/json" not in format_dict:
                try:
                    text = json.dumps(result, allow_nan=False)
                    if len(text) <= 4 * 1024 * 1024:
                        format_dict["application/json"] = json.loads(text)
                except (TypeError, ValueError):
                    pass
            return format_dict, metadata

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            send(result_message(format_dict, md_dict))

        def finish_displayhook(self):
            pass

    class Shell(InteractiveShell):
        displayhook_class = LastValue
        display_pub_class = Publisher
        last_error = None

        def _showtraceback(self, etype, evalue, stb):
            lines = []
            for entry in stb:
                lines.extend(str(entry).split("\n"))
            self.last_error = {"ename": getattr(etype, "__name__", str(etype)), "evalue": str(evalue),
                               "traceback": lines}

        def enable_gui(self, gui=None):
            pass

    config = Config()
    config.HistoryManager.enabled = False  # no sqlite file in the user's home
    config.InteractiveShell.colors = "NoColor"  # tracebacks are read by programs too
    config.InteractiveShell.autocall = 0
    config.InteractiveShell.xmode = "Context"
    return Shell.instance(config=config)


def prepare_matplotlib():
    """pyplot on our non-interactive backend, imported now: the warm pool pays for it."""
    try:
        import matplotlib
    except ImportError:
        return None
    sys.path.insert(0, RUNNER_DIR)
    import sandbench_charts

    matplotlib.use("module://sandbench_charts")
    sandbench_charts.on_show = send_figures
    sandbench_charts.remember_artists()
    import matplotlib.pyplot  # noqa: F401
    sys.path.remove(RUNNER_DIR)
    return sandbench_charts


_charts = None


def send_figures():
    """Every open figure as PNG and chart data, then closed: memory does not grow."""
    if _charts is None or "matplotlib.pyplot" not in sys.modules:
        return
    for message in _charts.take_open_figures():
        send(message)


def apply_setup(request):
    """The context's directory and variables; what fails is said, not raised."""
    try:
        if request.get("cwd"):
            os.chdir(request["cwd"])
        for name, value in (request.get("env") or {}).items():
            os.environ[name] = value
    except (OSError, ValueError) as error:
        return str(error)
    return None


def main():
    global _messages, _charts
    for fd in (REQUESTS_FD, MESSAGES_FD):
        os.set_inheritable(fd, False)  # the cell's own subprocesses do not get them
    _messages = os.fdopen(MESSAGES_FD, "wb", buffering=0)
    requests = os.fdopen(REQUESTS_FD, "rb", buffering=0)
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # only inside a cell (below)
    warnings.filterwarnings("ignore", message=".*non-interactive.*")

    shell = make_shell()
    _charts = prepare_matplotlib()
    sys.argv = [""]
    send({"type": "ready", "pid": os.getpid()})

    pending = b""
    while True:
        chunk = requests.read(1 << 20)
        if not chunk:
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            if request.get("type") == "setup":
                problem = apply_setup(request)
                send({"type": "setup_done", "error": problem} if problem else {"type": "setup_done"})
            elif request.get("type") == "execute":
                run_cell(shell, request.get("code", ""))


def run_cell(shell, code):
    shell.last_error = None
    signal.signal(signal.SIGINT, signal.default_int_handler)
    send({"type": "started"})  # from now on SIGINT stops this cell
    try:
        result = shell.run_cell(code, store_history=True)
        try:
            send_figures()
        except KeyboardInterrupt:
            pass
    except KeyboardInterrupt:  # between IPython's own handlers
        result = None
        shell.last_error = {"ename": "KeyboardInterrupt", "evalue": "", "traceback": ["KeyboardInterrupt"]}
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    count = getattr(result, "execution_count", None) or shell.execution_count - 1
    if shell.last_error is not None:
        error = dict(shell.last_error, type="error", execution_count=count)
        send(error)
    else:
        send({"type": "done", "execution_count": count})


if __name__ == "__main__":
    main()
