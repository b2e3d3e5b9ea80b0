"""Outside IT or not: the rule (policy) and its re-application to stored rows (service)."""
