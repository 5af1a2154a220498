"""Planning wing: eligibility, day and team plans, rounds, re-plan, assignment, policies."""
