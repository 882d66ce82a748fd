"""The real server process, real services, outages, browser and fuzzing."""
