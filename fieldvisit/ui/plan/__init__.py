"""Plan-a-day wing: the plan screen, its models, commands and workflow, re-plan and approvals."""
