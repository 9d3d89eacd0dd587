"""Writers: every output format of every command, chosen from one registry."""
