"""The Qt-free, SQL-free core: text, segmentation, codebook, exchange, merge, agreement, datasets.

Nothing here imports PySide6 or SQLAlchemy (checked by import-linter and by a test).
"""
