"""Messages between a municipality and RP Darmstadt on an application: the Postfach (issue 15)."""
