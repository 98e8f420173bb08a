// Package assets embeds the files Evidentia ships inside its binaries: the
// application icon and the Korean font used by both the desktop app and the
// PDF evidence report.
//
// The fonts are NanumGothic and NanumGothicBold, Copyright (c) 2010 NAVER
// Corporation, licensed under the SIL Open Font License, Version 1.1; the
// licence text is in fonts/OFL.txt and is embedded as [FontLicense]. The
// font files are the unmodified copies from Debian's fonts-nanum package.
//
// Package assets deliberately does not import Fyne, so that non-GUI code
// (the command line, the report writer) can use the fonts without pulling in
// the GUI toolkit.
//
// Every function returns the same shared backing array on each call: callers
// must treat the returned bytes as read-only.
package assets

import _ "embed"

var (
	//go:embed icon.png
	icon []byte

	//go:embed fonts/NanumGothic.ttf
	fontRegular []byte

	//go:embed fonts/NanumGothicBold.ttf
	fontBold []byte

	//go:embed fonts/OFL.txt
	fontLicense []byte
)

// Icon returns the application icon, a 512x512 PNG.
func Icon() []byte { return icon }

// FontRegular returns NanumGothic Regular as TrueType (.ttf) bytes. It covers
// Hangul, Latin and common punctuation.
func FontRegular() []byte { return fontRegular }

// FontBold returns NanumGothic Bold as TrueType (.ttf) bytes.
func FontBold() []byte { return fontBold }

// FontLicense returns the SIL Open Font License 1.1 text, with NAVER's
// copyright notice, that must accompany any redistribution of the fonts.
func FontLicense() []byte { return fontLicense }
