"""Field wing: today's work, check-in/out, outcomes, safety effects, watcher, board."""
