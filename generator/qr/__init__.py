"""QR codes: encoding the addresses, choosing masks that every tested decoder reads."""
