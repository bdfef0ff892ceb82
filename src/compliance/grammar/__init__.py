"""Grammar, vocabulary and labelled error examples of the norm language (package data)."""
