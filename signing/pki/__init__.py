"""Internal PKI: CA (root -> issuing -> leaves), CRLs, encrypted key store, TSA.

Only this package and :mod:`signing.pades` import cryptography and pyHanko.
"""
