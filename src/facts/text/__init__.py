"""Text in: documents read from disk or HTML, their layout (headline, articles, paragraphs) and sentences."""
