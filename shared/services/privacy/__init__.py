"""Privacy duties: the platforms' deauthorize and data-deletion callbacks (Meta's signed
requests), and deleting a Soku user with everything they own. docs/privacy.md."""
