"""Chart geometry without Qt: the time scale, the rows, bars, connectors and backgrounds."""
