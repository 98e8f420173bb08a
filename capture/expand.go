package capture

// expand opens what a reader would open to see the whole posting ("더보기", "답글 N"). Not
// built yet: nothing is clicked, and Method.Expansion stays nil (issue 11 is open).
func (c *run) expand() {}

// commentPages keeps every numbered comment page after the first. Not built yet (issue 11).
func (c *run) commentPages() {}
