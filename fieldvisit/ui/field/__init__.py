"""Field wing: Today, check-in/check-out, SOS and the safety board."""
