// Package report will produce Evidentia's PDF evidence report and its signature (fpdf, with
// the Korean font from assets). It is the only package that imports fpdf. It has no code yet:
// the report is its own piece of work, built on the sealed captures of the store.
package report
