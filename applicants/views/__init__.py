"""Views of the applicants app: the student's pages (student.py) and the host's (host.py)."""
