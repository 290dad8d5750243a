"""local_lean: run LEAN Python algorithms offline, with no Docker, no .NET and no account."""
