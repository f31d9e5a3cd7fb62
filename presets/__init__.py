"""The built-in plans of real clusters (the YAML files here), installed as the package
``planner.preset_plans`` (see pyproject.toml and planner/presets.py). No code lives here."""
