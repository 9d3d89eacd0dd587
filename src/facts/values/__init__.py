"""Values: numbers in digits and words, their normalisation into typed values, TIMEX3 dates and intervals."""
