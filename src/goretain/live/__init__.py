"""goretain watch: scrape live Go services, store every snapshot, give a leak verdict."""
