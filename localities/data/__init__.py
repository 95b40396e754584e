"""Administrative-unit data files and the readers of the packaged national list."""
