"""The demand record type of the exchange format, registered with the catalogue's reader and writer."""
