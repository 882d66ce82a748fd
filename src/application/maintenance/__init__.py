"""Background work: expiring abandoned uploads, deleting stored objects whose rows are gone."""
