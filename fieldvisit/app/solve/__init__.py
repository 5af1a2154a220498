"""The `fieldvisit solve` JSON contract: read a problem, solve, check, write."""
