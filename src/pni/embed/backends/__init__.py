"""Embedding backends: one module each, found by name (``pni.embed.backends.base``).

``auto`` (the default), ``onnx-int8``, ``onnx-fp32``, ``torch``, and ``fake`` for tests. A new
backend is one module in this folder that calls ``register``.
"""
