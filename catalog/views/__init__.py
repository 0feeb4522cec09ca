"""Views of the catalogue room on the site, by sub-domain: institution staff and their invitations."""
