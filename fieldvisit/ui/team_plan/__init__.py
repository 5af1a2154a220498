"""Team-plan wing: several crews of a team planned together and handed out."""
