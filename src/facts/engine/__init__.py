"""The matching engine: rule files loaded and compiled, the prefilter, and every device that exists only for speed."""
