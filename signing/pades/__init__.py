"""PAdES with pyHanko: seal, signature, paraf, witness, document time stamp, verification."""
