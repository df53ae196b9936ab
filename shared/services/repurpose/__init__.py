"""Repurpose links: derived posts made from published posts, through a template."""
