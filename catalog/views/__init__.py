"""Views of the catalogue room on the site, by sub-domain: institution staff and their invitations, and the
office's admission and exit of institutions with its quality watch."""
