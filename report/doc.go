// Package report produces Evidentia's PDF evidence report: an A4 document, in Korean or
// English, with a cover, a summary of the captures, one section per capture (the facts
// Evidentia observed; apart from them and labelled as such, what the page states about itself,
// capped, with claimed times later than the capture flagged, as pagemeta.Claims rules; the
// full-page screenshot continued across pages, artifacts and their hashes, method notes and
// custody events), a closing hash confirmation page, and each capture's manifest attached as an
// embedded file. The Korean font comes from package assets and is embedded as a subset.
//
// It is the only package that imports fpdf. It reads nothing from disk and knows nothing of
// the store: the caller hands it an Input and a way to open artifacts. Signing the finished
// PDF is package signature's job.
package report
