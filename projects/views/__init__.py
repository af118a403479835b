"""Views of the projects app: public pages (public.py) and the host's pages (host.py)."""
