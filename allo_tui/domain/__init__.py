"""Pure domain rules: phones, calendar and due dates, workflow, records.

Nothing here imports Textual or SQLAlchemy (enforced by import-linter).
"""
