"""Clusterers: one module each, found by name (``pni.cluster.methods.base``).

``leiden`` (consensus Leiden on the cosine kNN graph) is the default; ``kmeans`` is the
alternative researchers compare against. A new method is one module in this folder that calls
``register``.
"""
