// Package pagemeta reads what a web page says about itself (title, author, site, language,
// dates, description, canonical address, post identifiers) out of its rendered DOM, and
// records for every value where it was found.
//
// # Sources
//
// Extract reads, in one pass over the document:
//   - JSON-LD (<script type="application/ld+json">), including @graph arrays, mainEntity,
//     @id references and author objects or arrays. A node whose @type is an article type
//     (Article, NewsArticle and its subtypes, BlogPosting, LiveBlogPosting,
//     SocialMediaPosting, DiscussionForumPosting, TechArticle, ScholarlyArticle, Report, and
//     Comment when nothing else is there) is the article; a WebPage-family node (WebPage,
//     ItemPage, ProfilePage, ...) and a WebSite node are the page. Sources look like
//     "json-ld:NewsArticle.datePublished" or "json-ld:NewsArticle.author.name";
//   - OpenGraph (og:*), the article:* properties, Twitter cards (twitter:*), the standard
//     meta names (description, author, keywords, application-name, http-equiv
//     content-language), Dublin Core (DC.* and dcterms.*), and metas used by Korean portals
//     and news sites (dable:author, dable:item_id, by, writer, news_keywords, og:regDate,
//     pubdate, publish-date, date). Sources are the property or name as written ("og:title",
//     "article:published_time", "DC.creator"), with "meta:" in front of plain names
//     ("meta:description", "meta:by");
//   - microdata (itemscope/itemprop): headline, name, author (and its name), datePublished,
//     dateModified, description and publisher of the first article-typed item, and
//     properties outside any item (a lone <time itemprop="datePublished" datetime="...">);
//   - the HTML itself: <title>, <html lang>, <link rel="canonical">, <link rel="image_src">
//     and <base href>;
//   - as a last resort, the visible text: bylines in elements whose class or id contains
//     byline, author, writer or reporter (outside comment sections), <a rel="author">,
//     <address> inside <article>, and Korean patterns such as "홍길동 기자", "작성자: 홍길동"
//     and "글쓴이 홍길동"; dates after 입력, 등록, 작성일, 게재 (published) and 수정, 최종수정,
//     업데이트 (modified). Sources look like "byline:span.byline" or "text:입력".
//
// # Precedence
//
// For every field the first value found in the first group of this list wins; within a group
// the order is that of the document (for JSON-LD: headline before name, article before page).
//
//	title          json-ld article, og:title, twitter:title, <title>, microdata,
//	               json-ld page, Dublin Core
//	author         json-ld article, article:author (names only, not profile URLs),
//	               Korean portal metas (dable:author, by, writer), meta author, microdata,
//	               Dublin Core, json-ld page, twitter:creator, visible byline
//	site_name      og:site_name, json-ld article publisher.name, json-ld page/WebSite,
//	               microdata publisher, meta application-name, Dublin Core publisher,
//	               twitter:site
//	lang           <html lang>, http-equiv content-language, og:locale, json-ld article
//	               inLanguage, json-ld page, Dublin Core
//	published_time json-ld article, article:published_time, microdata, json-ld page,
//	               Dublin Core, Korean portal metas, visible "입력" text
//	modified_time  json-ld article, article:modified_time, og:updated_time, microdata,
//	               json-ld page, Dublin Core, visible "수정" text
//	description    json-ld article, og:description, twitter:description, meta description,
//	               microdata, json-ld page, Dublin Core
//	canonical_url  <link rel=canonical>, og:url, json-ld article url/mainEntityOfPage,
//	               json-ld page url
//	keywords       meta keywords, news_keywords, json-ld article, json-ld page, Dublin Core
//	type           json-ld article @type, og:type, json-ld page @type
//	image          og:image, twitter:image, json-ld article, <link rel=image_src>,
//	               json-ld page
//
// For the two times the first value in that order that parses wins, so that the normalised
// forms always belong to the value shown; when none parses, the first value is kept as it is
// and the normalised forms are left empty. Canonical URLs and images are resolved against the
// document's base (<base href>, else pageURL) and must be http or https.
//
// # Values
//
// Text is trimmed, runs of white space become one space, control characters are removed and
// invalid UTF-8 is replaced with U+FFFD. Times are kept as found in PublishedTime and
// ModifiedTime and normalised into PublishedUTC/ModifiedUTC (RFC 3339 in UTC) and
// PublishedKST/ModifiedKST (RFC 3339 at +09:00, a fixed zone; no time zone database is
// needed). See ParseTime for the formats understood; a time without a zone is taken as KST,
// and Sources says so under the keys published_utc/published_kst (modified_utc/modified_kst).
//
// PostIDs holds platform identifiers the page states: JSON-LD identifier, and from the
// canonical URL, og:url, the JSON-LD url and the page's own URL the query parameters articleId,
// aid, oid, no, postId, commentId, logNo, idxno, wr_id, document_srl, nttId, articleNo,
// blogId, clubid, newsId and news_id, and the identifiers in the paths of Naver News, Naver
// Blog, Naver Cafe, Daum News, X/Twitter, YouTube and Instagram addresses; the first source in
// that order wins for each key. Sources has one entry per identifier under "post_ids.<key>".
//
// # Caps
//
// Every value is cut to the cap of its field (MaxTitle, MaxAuthor, MaxDescription, MaxURL and
// the others), after post identifiers were read from the full addresses: a 2 MB headline does
// not travel whole into the facts. A cut value ends with the mark textsafe.Cap writes,
// "… (N more characters)", and its Sources entry ends with "(cut to N characters)"; the
// document and DOM artifacts keep the full text. Post identifiers are cut at MaxPostID and
// Sources entries at MaxSource. Claims says which of these values are the page's claims and how
// they are shown.
//
// Extract never panics, whatever its input; the package has no state and is safe for
// concurrent use.
package pagemeta

import (
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"evidentia/evidence"
)

// The Metadata fields, named as in their JSON encoding; these are also the keys of
// Metadata.Sources.
const (
	fieldTitle       = "title"
	fieldAuthor      = "author"
	fieldSiteName    = "site_name"
	fieldLang        = "lang"
	fieldPublished   = "published_time"
	fieldModified    = "modified_time"
	fieldDescription = "description"
	fieldCanonical   = "canonical_url"
	fieldKeywords    = "keywords"
	fieldType        = "type"
	fieldImage       = "image"
)

// Precedence groups.
const (
	groupJSONLD     = "json-ld"      // the article node of the JSON-LD
	groupJSONLDPage = "json-ld-page" // WebPage-family and WebSite nodes
	groupOG         = "og"
	groupArticle    = "article" // article:* properties
	groupTwitter    = "twitter"
	groupMeta       = "meta" // standard meta names
	groupPortal     = "portal"
	groupMicrodata  = "microdata"
	groupDC         = "dc"
	groupHTML       = "html"
	groupByline     = "byline"
	groupText       = "text"
)

// precedence lists, for each field, the groups in the order they win.
var precedence = map[string][]string{
	fieldTitle:       {groupJSONLD, groupOG, groupTwitter, groupHTML, groupMicrodata, groupJSONLDPage, groupDC},
	fieldAuthor:      {groupJSONLD, groupArticle, groupPortal, groupMeta, groupMicrodata, groupDC, groupJSONLDPage, groupTwitter, groupByline},
	fieldSiteName:    {groupOG, groupJSONLD, groupJSONLDPage, groupMicrodata, groupMeta, groupDC, groupTwitter},
	fieldLang:        {groupHTML, groupMeta, groupOG, groupJSONLD, groupJSONLDPage, groupDC},
	fieldPublished:   {groupJSONLD, groupArticle, groupMicrodata, groupJSONLDPage, groupDC, groupPortal, groupText},
	fieldModified:    {groupJSONLD, groupArticle, groupOG, groupMicrodata, groupJSONLDPage, groupDC, groupText},
	fieldDescription: {groupJSONLD, groupOG, groupTwitter, groupMeta, groupMicrodata, groupJSONLDPage, groupDC},
	fieldCanonical:   {groupHTML, groupOG, groupJSONLD, groupJSONLDPage},
	fieldKeywords:    {groupMeta, groupPortal, groupJSONLD, groupJSONLDPage, groupDC},
	fieldType:        {groupJSONLD, groupOG, groupJSONLDPage},
	fieldImage:       {groupOG, groupTwitter, groupJSONLD, groupHTML, groupJSONLDPage},
}

// candidate is one value found for a field.
type candidate struct {
	group  string
	source string
	value  string
}

// collector gathers candidates for every field, in the order they are found.
type collector struct {
	fields map[string][]candidate
	// urls are addresses the page states about itself, in precedence order, for PostIDs.
	urls []sourcedURL
	// ids are identifiers stated directly (JSON-LD identifier, dable:item_id).
	ids []postID
}

// sourcedURL is an address the page states about itself; rank orders such addresses for
// post identifiers (og:url 1, JSON-LD article 2, JSON-LD page 3).
type sourcedURL struct {
	source string
	url    string
	rank   int
}

// postID is a platform identifier with its source.
type postID struct {
	key, value, source string
}

// add records value, cleaned, as a candidate for field from the given group and source;
// empty values are ignored.
func (c *collector) add(field, group, source, value string) {
	value = clean(value)
	if value == "" {
		return
	}
	if c.fields == nil {
		c.fields = make(map[string][]candidate)
	}
	c.fields[field] = append(c.fields[field], candidate{group: group, source: source, value: value})
}

// ordered returns the candidates for field in precedence order.
func (c *collector) ordered(field string) []candidate {
	var out []candidate
	for _, g := range precedence[field] {
		for _, cand := range c.fields[field] {
			if cand.group == g {
				out = append(out, cand)
			}
		}
	}
	return out
}

// Extract returns the metadata of the page whose rendered DOM, serialised as UTF-8 HTML, is
// htmlDoc, and whose address is pageURL (used to resolve relative URLs and as the last source
// of post identifiers; it may be empty). Fields that the page does not state are left empty;
// Sources names the origin of every field that is set. See the package documentation for the
// sources read and their precedence. Extract never panics.
func Extract(htmlDoc string, pageURL string) evidence.Metadata {
	var md evidence.Metadata
	doc := parse(htmlDoc)
	if doc == nil {
		return md
	}
	var c collector
	d := scan(doc)

	page, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil || !page.IsAbs() {
		page = nil
	}
	// Relative URLs resolve against <base href>, itself relative to the page's address.
	base := page
	if ref, err := url.Parse(d.baseHref); err == nil && d.baseHref != "" {
		if base != nil {
			base = base.ResolveReference(ref)
		} else if ref.IsAbs() {
			base = ref
		}
	}

	readJSONLD(d.jsonld, &c)
	readMetas(d.metas, &c)
	readHTML(d, &c)
	readMicrodata(doc, &c)
	readVisible(doc, &c)

	sources := map[string]string{}
	pick := func(field string, dst *string) {
		if cands := c.ordered(field); len(cands) > 0 {
			*dst, sources[field] = cands[0].value, cands[0].source
		}
	}
	pick(fieldTitle, &md.Title)
	pick(fieldAuthor, &md.Author)
	pick(fieldSiteName, &md.SiteName)
	pick(fieldLang, &md.Lang)
	pick(fieldDescription, &md.Description)
	pick(fieldKeywords, &md.Keywords)
	pick(fieldType, &md.Type)

	pickURL := func(field string, dst *string) {
		for _, cand := range c.ordered(field) {
			if u := ResolveHTTP(base, cand.value); u != "" {
				*dst, sources[field] = u, cand.source
				return
			}
		}
	}
	pickURL(fieldCanonical, &md.CanonicalURL)
	pickURL(fieldImage, &md.Image)

	pickTime := func(field, prefix string, shown, utc, kst *string) {
		cands := c.ordered(field)
		for _, cand := range cands {
			t, note, ok := ParseTime(cand.value)
			if !ok {
				continue
			}
			*shown, sources[field] = cand.value, cand.source
			*utc = t.UTC().Format(rfc3339)
			*kst = t.In(kst0900).Format(rfc3339)
			how := field
			if note != "" {
				how += "; " + note
			}
			sources[prefix+"_utc"], sources[prefix+"_kst"] = how, how
			return
		}
		if len(cands) > 0 {
			*shown, sources[field] = cands[0].value, cands[0].source+" (not a recognised time)"
		}
	}
	pickTime(fieldPublished, "published", &md.PublishedTime, &md.PublishedUTC, &md.PublishedKST)
	pickTime(fieldModified, "modified", &md.ModifiedTime, &md.ModifiedUTC, &md.ModifiedKST)

	// Post identifiers: stated identifiers, then the page's addresses in precedence order.
	var urls []sourcedURL
	if md.CanonicalURL != "" && sources[fieldCanonical] == "link:canonical" {
		urls = append(urls, sourcedURL{source: "link:canonical", url: md.CanonicalURL})
	}
	sort.SliceStable(c.urls, func(i, j int) bool { return c.urls[i].rank < c.urls[j].rank })
	for _, su := range c.urls {
		if u := ResolveHTTP(base, su.url); u != "" {
			urls = append(urls, sourcedURL{source: su.source, url: u})
		}
	}
	if page != nil && (page.Scheme == "http" || page.Scheme == "https") {
		urls = append(urls, sourcedURL{source: "url", url: page.String()})
	}
	ids := append([]postID(nil), c.ids...)
	for _, su := range urls {
		ids = append(ids, idsFromURL(su.url, su.source)...)
	}
	for _, id := range ids {
		if md.PostIDs == nil {
			md.PostIDs = map[string]string{}
		}
		if _, dup := md.PostIDs[id.key]; dup {
			continue
		}
		md.PostIDs[id.key] = id.value
		sources["post_ids."+id.key] = id.source
	}

	if len(sources) > 0 {
		md.Sources = sources
	}
	capFields(&md)
	return md
}

// ParseHTML parses htmlDoc. The HTML parser refuses documents nested deeper than 512
// elements; such a document is parsed again with the elements below a nesting depth of 400
// (then 100) dropped and their text kept, so that its head and the upper part of its body can
// still be read. flattened reports that tags were dropped; doc is nil only if that fails too.
func ParseHTML(htmlDoc string) (doc *html.Node, flattened bool) {
	if doc, err := html.Parse(strings.NewReader(htmlDoc)); err == nil && doc != nil {
		return doc, false
	}
	for _, limit := range []int{400, 100} {
		flat := flatten(htmlDoc, limit)
		if doc, err := html.Parse(strings.NewReader(flat)); err == nil && doc != nil {
			return doc, true
		}
	}
	return nil, false
}

func parse(htmlDoc string) *html.Node {
	doc, _ := ParseHTML(htmlDoc)
	return doc
}

// voidElements have no end tag and do not nest.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "param": true, "source": true, "track": true,
	"wbr": true,
}

// flatten returns htmlDoc without the start and end tags nested deeper than limit, counting
// nesting from the tags as written. Everything else is copied byte for byte.
func flatten(htmlDoc string, limit int) string {
	z := html.NewTokenizer(strings.NewReader(htmlDoc))
	var b strings.Builder
	b.Grow(len(htmlDoc))
	depth, skipped := 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken:
			name, _ := z.TagName()
			if voidElements[string(name)] {
				break
			}
			if depth >= limit {
				skipped++
				continue
			}
			depth++
		case html.EndTagToken:
			if skipped > 0 {
				skipped--
				continue
			}
			if depth > 0 {
				depth--
			}
		}
		b.Write(z.Raw())
	}
}

// ResolveHTTP resolves ref against base and returns it when the result is an absolute http or
// https URL with a host; otherwise "". Spaces in ref are percent-encoded; other white space
// makes it unusable.
func ResolveHTTP(base *url.URL, ref string) string {
	ref = strings.ReplaceAll(strings.TrimSpace(ref), " ", "%20")
	if ref == "" || strings.ContainsFunc(ref, unicode.IsSpace) {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		if base == nil || base.Host == "" {
			return ""
		}
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// clean trims s, collapses white space to single spaces, removes control and zero-width
// characters and replaces invalid UTF-8.
func clean(s string) string {
	if s == "" {
		return ""
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), r == '\u200b', r == '\u200c', r == '\u200d', r == '\ufeff':
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// attr returns the value of the attribute key (lowercase) of n.
func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attrVal(n *html.Node, key string) string {
	v, _ := attr(n, key)
	return v
}

// hasToken reports whether the space-separated list s contains tok, ignoring case.
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// maxDepth bounds the depth of the recursive walks over the document; content nested deeper
// is ignored. Real pages stay far below it.
const maxDepth = 1000

// textContent returns the text of n and its descendants, skipping scripts and styles, cleaned,
// and at most about limit bytes long before cleaning (0 for no limit). Block elements and
// line breaks separate words; inline elements do not.
func textContent(n *html.Node, limit int) string {
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth || (limit > 0 && b.Len() > limit) {
			return
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if skipText[n.Data] {
				return
			}
		}
		block := n.Type == html.ElementNode && !inline[n.Data]
		if block {
			b.WriteByte(' ')
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch, depth+1)
		}
		if block {
			b.WriteByte(' ')
		}
	}
	walk(n, 0)
	return clean(b.String())
}

// skipText lists the elements whose content is never visible text.
var skipText = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "head": true,
	"title": true, "svg": true, "math": true, "iframe": true, "object": true, "select": true,
}

// inline lists the phrasing elements that do not separate words.
var inline = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true,
	"data": true, "dfn": true, "em": true, "font": true, "i": true, "kbd": true, "label": true,
	"mark": true, "q": true, "s": true, "samp": true, "small": true, "span": true,
	"strong": true, "sub": true, "sup": true, "time": true, "u": true, "var": true,
	"wbr": true, "del": true, "ins": true,
}
