"""Errors a person can act on: the CLI prints their message as one line instead of a traceback."""

from pathlib import Path


class DevstackError(Exception):
    """Bad configuration or a component that did not come up; the message says what to do."""


class MissingPrerequisite(DevstackError):
    """A tool the stack needs (java, mvn) is not installed."""


class PortInUse(DevstackError):
    def __init__(self, port: int, component: str, env_var: str | None) -> None:
        hint = f" or set {env_var}" if env_var else ""
        super().__init__(
            f"port {port} for {component} is already in use; stop whatever uses it{hint}"
        )
        self.port = port
        self.component = component


class ComponentFailed(DevstackError):
    """A component exited or never became ready; points at its log so the cause is one look away."""

    def __init__(self, component: str, reason: str, log_path: Path | None = None) -> None:
        where = f" (log: {log_path})" if log_path else ""
        tail = _last_lines(log_path) if log_path else ""
        super().__init__(f"{component} {reason}{where}{tail}")
        self.component = component


def _last_lines(log_path: Path, count: int = 15) -> str:
    try:
        lines = log_path.read_text(errors="replace").splitlines()[-count:]
    except OSError:
        return ""
    return "\n  | " + "\n  | ".join(lines) if lines else ""
