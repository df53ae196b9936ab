"""Running one publish run on one platform."""
