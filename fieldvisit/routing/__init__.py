"""Travel model, solver adapter and planning of rounds.

Entry points (plain data in, plain data out; times in integer seconds, places as matrix indices):

- ``model``: ``Problem(visits, crews, travel, more_travel)`` and the ``Plan`` it yields; one travel
  profile per crew speed (``Crew.profile``), read through ``Problem.travel_of(crew)``.
- ``travel.matrix(points, TravelParams)`` / ``osrm.fetch_matrix(url, points)``: travel matrices
  (dense, or computed on demand for large days: ``model.Travel`` is what the planner reads).
- ``planner.solve(problem, Budget(iterations=..., seconds=..., seed=...), cancelled=, progress=)``;
  one deadline for all its phases; days of more than 400 visits go by region (``decompose``).
- ``runner.solve_in_subprocess(...)``: the same, in a child process (use this from the UI).
- ``evaluate.evaluate_order(problem, crew_id, visit_ids)``: a manual order's ETAs and violations.
- ``evaluate.replan_problem(problem, crew_id, now=, location=, finished=, break_taken=)``.
- ``checker.check_plan(problem, plan)``: the independent checker every returned plan passes.
"""
