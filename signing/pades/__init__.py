"""PAdES with pyHanko: seal, signature, paraf, witness, document time stamp, verification."""

from . import _speedups

# pyHanko reads each signature's ~20,000 hex digits one byte at a time; see _speedups.
_speedups.install()
