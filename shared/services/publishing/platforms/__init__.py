"""One module per platform publisher."""
