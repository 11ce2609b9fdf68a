"""Benchmarks: each module has ``run(...) -> dict``; ``bench.run_all`` (``signing bench``) runs
them in one go and prints every figure beside its reference, the ratio and the target.

They are development tools kept in the repository, not part of the installed package: some
reuse test helpers (``tests.pades.pdf_helpers``) and all of them build throwaway databases,
CAs and PDFs. Nothing here asserts a time.
"""
