"""Chart views: the timeline of work items and the release train."""
