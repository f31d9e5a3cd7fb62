"""Cluster Planner's desktop application (Qt). Imports planner; planner never imports it."""
