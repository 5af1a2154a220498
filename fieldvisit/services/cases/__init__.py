"""Cases wing: case lists and detail, the scope each role may see, geocoding of addresses."""
