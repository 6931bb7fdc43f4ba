"""greyrock: a private, local-first toolkit for people leaving an abusive partner.

Importing greyrock switches off onnxruntime's telemetry before onnxruntime can be loaded:
left on, every screening run writes a database with a device id and file paths under
~/.cache/Microsoft/DeveloperTools/.onnxruntime/ and a `.ses` file in TMPDIR, traces that
someone with access to the computer could find (and events meant for Microsoft). The
variable must be set before onnxruntime starts its environment; `screen._model` also calls
`disable_telemetry_events()` in case onnxruntime was imported before greyrock. Setting a
variable costs nothing at start-up.
"""

import os as _os

_os.environ["ORT_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
__all__ = ["__version__"]
