package pagemeta

import (
	"bytes"
	"encoding/json"
	"strings"
)

// ldNode is one JSON-LD object.
type ldNode = map[string]any

// ldMaxDepth bounds the recursion into JSON-LD values.
const ldMaxDepth = 24

// ldArticleTypes are the schema.org types whose node describes the page's main content.
// Comment is handled apart: it is used only when no other article node exists.
var ldArticleTypes = map[string]bool{
	"Article": true, "NewsArticle": true, "AnalysisNewsArticle": true,
	"AskPublicNewsArticle": true, "BackgroundNewsArticle": true, "OpinionNewsArticle": true,
	"ReportageNewsArticle": true, "ReviewNewsArticle": true, "BlogPosting": true,
	"LiveBlogPosting": true, "SocialMediaPosting": true, "DiscussionForumPosting": true,
	"TechArticle": true, "ScholarlyArticle": true, "Report": true, "SatiricalArticle": true,
	"AdvertiserContentArticle": true,
}

// ldPageTypes are the WebPage family.
var ldPageTypes = map[string]bool{
	"WebPage": true, "ItemPage": true, "ProfilePage": true, "CollectionPage": true,
	"AboutPage": true, "QAPage": true, "FAQPage": true, "SearchResultsPage": true,
	"MediaGallery": true, "ContactPage": true, "CheckoutPage": true, "RealEstateListing": true,
}

// ldDoc is the JSON-LD of a page: its typed nodes in document order and an index by @id.
type ldDoc struct {
	nodes []ldNode
	byID  map[string]ldNode
}

// readJSONLD decodes the JSON-LD scripts and adds the candidates of the article node, the
// page node and the WebSite node.
func readJSONLD(scripts []string, c *collector) {
	d := &ldDoc{byID: map[string]ldNode{}}
	for _, s := range scripts {
		for _, v := range decodeJSONLD(s) {
			d.collect(v, 0)
			d.index(v, 0)
		}
	}
	if len(d.nodes) == 0 {
		return
	}
	var article, comment, page, site ldNode
	var articleType, commentType, pageType string
	for _, n := range d.nodes {
		for _, t := range ldTypes(n) {
			switch {
			case ldArticleTypes[t] && article == nil:
				article, articleType = n, t
			case t == "Comment" && comment == nil:
				comment, commentType = n, t
			case ldPageTypes[t] && page == nil:
				page, pageType = n, t
			case t == "WebSite" && site == nil:
				site = n
			}
		}
	}
	if article == nil {
		article, articleType = comment, commentType
	}
	if article != nil {
		d.read(article, articleType, groupJSONLD, 2, c)
	}
	if page != nil {
		d.read(page, pageType, groupJSONLDPage, 3, c)
	}
	if site != nil {
		c.add(fieldSiteName, groupJSONLDPage, "json-ld:WebSite.name", ldString(site["name"]))
	}
}

// read adds the candidates of node n, of type typ, in group g. urlRank orders its url among
// the page's addresses for post identifiers.
func (d *ldDoc) read(n ldNode, typ, g string, urlRank int, c *collector) {
	src := "json-ld:" + typ + "."
	c.add(fieldTitle, g, src+"headline", ldString(n["headline"]))
	c.add(fieldTitle, g, src+"name", ldString(n["name"]))
	if names, sub := d.names(n["author"]); len(names) > 0 {
		c.add(fieldAuthor, g, src+"author"+sub, strings.Join(names, ", "))
	}
	if names, sub := d.names(n["creator"]); len(names) > 0 {
		c.add(fieldAuthor, g, src+"creator"+sub, strings.Join(names, ", "))
	}
	if names, sub := d.names(n["publisher"]); len(names) > 0 {
		c.add(fieldSiteName, g, src+"publisher"+sub, names[0])
	}
	c.add(fieldPublished, g, src+"datePublished", ldString(n["datePublished"]))
	c.add(fieldPublished, g, src+"dateCreated", ldString(n["dateCreated"]))
	c.add(fieldModified, g, src+"dateModified", ldString(n["dateModified"]))
	c.add(fieldDescription, g, src+"description", ldString(n["description"]))
	c.add(fieldLang, g, src+"inLanguage", ldString(n["inLanguage"]))
	c.add(fieldKeywords, g, src+"keywords", ldList(n["keywords"]))
	c.add(fieldType, g, src+"@type", typ)
	if img := d.url(n["image"]); img != "" {
		c.add(fieldImage, g, src+"image", img)
	}
	for _, k := range []string{"url", "mainEntityOfPage"} {
		if u := d.url(n[k]); u != "" {
			c.add(fieldCanonical, g, src+k, u)
			c.urls = append(c.urls, sourcedURL{source: src + k, url: u, rank: urlRank})
		}
	}
	for _, id := range d.identifiers(n["identifier"], 0) {
		id.source = src + "identifier"
		c.ids = append(c.ids, id)
	}
}

// decodeJSONLD decodes the text of one JSON-LD script, which may hold several JSON values in a
// row, be wrapped in an HTML comment or CDATA section, or contain raw line breaks inside
// strings (common, though not valid JSON). Whatever does not decode is ignored.
func decodeJSONLD(s string) []any {
	s = strings.TrimSpace(s)
	for _, w := range [][2]string{{"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"//<![CDATA[", "//]]>"}} {
		if strings.HasPrefix(s, w[0]) {
			s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, w[0]), w[1]))
		}
	}
	// Control characters are white space outside strings and invalid inside them; turn them
	// all into spaces.
	b := []byte(s)
	for i, ch := range b {
		if ch < 0x20 {
			b[i] = ' '
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []any
	for len(out) < 64 {
		var v any
		if err := dec.Decode(&v); err != nil {
			break
		}
		out = append(out, v)
		// Tolerate separators between values (";" or ",").
		rest := b[dec.InputOffset():]
		trimmed := bytes.TrimLeft(rest, " ;,")
		if len(trimmed) == 0 {
			break
		}
		if len(trimmed) != len(rest) {
			dec = json.NewDecoder(bytes.NewReader(trimmed))
			dec.UseNumber()
			b = trimmed
		}
	}
	return out
}

// collect appends the typed nodes of v in document order: the top-level objects, the members
// of arrays and @graph, and the mainEntity of a page.
func (d *ldDoc) collect(v any, depth int) {
	if depth > ldMaxDepth {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			d.collect(e, depth+1)
		}
	case ldNode:
		if _, ok := x["@type"]; ok {
			d.nodes = append(d.nodes, x)
		}
		if g, ok := x["@graph"]; ok {
			d.collect(g, depth+1)
		}
		if m, ok := x["mainEntity"]; ok {
			d.collect(m, depth+1)
		}
	}
}

// index records every object of v that has an @id and other properties.
func (d *ldDoc) index(v any, depth int) {
	if depth > ldMaxDepth {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			d.index(e, depth+1)
		}
	case ldNode:
		if id := ldString(x["@id"]); id != "" && len(x) > 1 {
			if _, dup := d.byID[id]; !dup {
				d.byID[id] = x
			}
		}
		for _, e := range x {
			d.index(e, depth+1)
		}
	}
}

// deref replaces a reference {"@id": "..."} by the node it names, when known.
func (d *ldDoc) deref(v any) any {
	if m, ok := v.(ldNode); ok {
		if id := ldString(m["@id"]); id != "" && len(m) <= 2 {
			if full, ok := d.byID[id]; ok {
				return full
			}
		}
	}
	return v
}

// names returns the names in an author, creator or publisher value: a string, an object with
// a name (possibly an @id reference), or an array of those. sub is ".name" when the names came
// from objects.
func (d *ldDoc) names(v any) (names []string, sub string) {
	var walk func(any, int)
	walk = func(v any, depth int) {
		if depth > 4 || len(names) >= 20 {
			return
		}
		v = d.deref(v)
		switch x := v.(type) {
		case string, json.Number:
			if s := clean(ldString(x)); s != "" && !looksLikeURL(s) && !contains(names, s) {
				names = append(names, s)
			}
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		case ldNode:
			s := clean(ldString(x["name"]))
			if s == "" {
				s = clean(strings.TrimSpace(ldString(x["givenName"]) + " " + ldString(x["familyName"])))
			}
			if s == "" {
				s = clean(ldString(x["alternateName"]))
			}
			if s != "" && !contains(names, s) {
				names = append(names, s)
				sub = ".name"
			}
		}
	}
	walk(v, 0)
	return names, sub
}

// url returns the URL in an image, url or mainEntityOfPage value: a string, an object with a
// url, contentUrl or @id, or the first usable element of an array.
func (d *ldDoc) url(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case []any:
		for i, e := range x {
			if i >= 8 {
				break
			}
			if _, nested := e.([]any); nested {
				continue
			}
			if u := d.url(e); u != "" {
				return u
			}
		}
	case ldNode:
		if full, ok := d.deref(x).(ldNode); ok {
			x = full
		}
		for _, k := range []string{"url", "contentUrl", "@id"} {
			if s, ok := x[k].(string); ok && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

// identifiers returns the identifiers in an identifier value: a string or number (key
// "identifier"), a PropertyValue (key propertyID when it is a usable key), or an array.
func (d *ldDoc) identifiers(v any, depth int) []postID {
	if depth > 3 {
		return nil
	}
	switch x := v.(type) {
	case string, json.Number:
		if s := clean(ldString(x)); validID(s, 128) {
			return []postID{{key: "identifier", value: s}}
		}
	case []any:
		var out []postID
		for i, e := range x {
			if i >= 16 {
				break
			}
			out = append(out, d.identifiers(e, depth+1)...)
		}
		return out
	case ldNode:
		s := clean(ldString(x["value"]))
		if !validID(s, 128) {
			return nil
		}
		key := clean(ldString(x["propertyID"]))
		if !validID(key, 40) {
			key = "identifier"
		}
		return []postID{{key: key, value: s}}
	}
	return nil
}

// ldTypes returns the @type of n as a list of bare type names ("NewsArticle" for
// "http://schema.org/NewsArticle" or "schema:NewsArticle").
func ldTypes(n ldNode) []string {
	var raw []string
	switch t := n["@type"].(type) {
	case string:
		raw = []string{t}
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok {
				raw = append(raw, s)
			}
		}
	}
	out := raw[:0:0]
	for _, t := range raw {
		t = strings.TrimSpace(t)
		if i := strings.LastIndexAny(t, "/:#"); i >= 0 {
			t = t[i+1:]
		}
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

// ldString returns v as text: a string, a number, or the first string of an array.
func ldString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				return s
			}
		}
	}
	return ""
}

// ldList returns a string, or the strings of an array joined with ", ".
func ldList(v any) string {
	if a, ok := v.([]any); ok {
		var parts []string
		for _, e := range a {
			if s := clean(ldString(e)); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	}
	return ldString(v)
}
