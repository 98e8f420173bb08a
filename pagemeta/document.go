package pagemeta

import (
	"strings"

	"golang.org/x/net/html"
)

// document holds the parts of the page that the readers need, gathered in one walk.
type document struct {
	metas      []*html.Node
	jsonld     []string
	title      string
	lang       string
	canonicals []string
	imageSrcs  []string
	baseHref   string
}

// scan walks the document once and collects its metas, JSON-LD scripts, title, language,
// canonical and image links and base URL.
func scan(doc *html.Node) *document {
	d := &document{}
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		if n.Type == html.ElementNode && n.Namespace == "" {
			switch n.Data {
			case "html":
				if d.lang == "" {
					d.lang = attrVal(n, "lang")
				}
				if d.lang == "" {
					d.lang = attrVal(n, "xml:lang")
				}
			case "meta":
				d.metas = append(d.metas, n)
			case "title":
				if d.title == "" {
					d.title = textOf(n)
				}
			case "base":
				if href, ok := attr(n, "href"); ok && d.baseHref == "" {
					d.baseHref = strings.TrimSpace(href)
				}
			case "link":
				rel := attrVal(n, "rel")
				href := strings.TrimSpace(attrVal(n, "href"))
				if href != "" && hasToken(rel, "canonical") {
					d.canonicals = append(d.canonicals, href)
				}
				if href != "" && hasToken(rel, "image_src") {
					d.imageSrcs = append(d.imageSrcs, href)
				}
			case "script":
				typ := strings.ToLower(strings.TrimSpace(attrVal(n, "type")))
				if i := strings.IndexByte(typ, ';'); i >= 0 {
					typ = strings.TrimSpace(typ[:i])
				}
				if typ == "application/ld+json" {
					d.jsonld = append(d.jsonld, textOf(n))
				}
				return
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch, depth+1)
		}
	}
	walk(doc, 0)
	return d
}

// textOf returns the concatenated raw text of the direct text children of n.
func textOf(n *html.Node) string {
	var b strings.Builder
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.TextNode {
			b.WriteString(ch.Data)
		}
	}
	return b.String()
}

// readHTML adds the candidates that come from plain HTML elements.
func readHTML(d *document, c *collector) {
	c.add(fieldTitle, groupHTML, "html:title", d.title)
	c.add(fieldLang, groupHTML, "html:lang", d.lang)
	for _, href := range d.canonicals {
		c.add(fieldCanonical, groupHTML, "link:canonical", href)
	}
	for _, href := range d.imageSrcs {
		c.add(fieldImage, groupHTML, "link:image_src", href)
	}
}

// metaRule says what a meta property or name means.
type metaRule struct {
	field string
	group string
}

// metaRules maps lowercased meta property/name keys to their field and group.
var metaRules = map[string]metaRule{
	// OpenGraph.
	"og:title":            {fieldTitle, groupOG},
	"og:site_name":        {fieldSiteName, groupOG},
	"og:description":      {fieldDescription, groupOG},
	"og:url":              {fieldCanonical, groupOG},
	"og:type":             {fieldType, groupOG},
	"og:image":            {fieldImage, groupOG},
	"og:image:url":        {fieldImage, groupOG},
	"og:image:secure_url": {fieldImage, groupOG},
	"og:locale":           {fieldLang, groupOG},
	"og:updated_time":     {fieldModified, groupOG},
	// The article namespace (also seen with an og: prefix).
	"article:published_time":    {fieldPublished, groupArticle},
	"og:article:published_time": {fieldPublished, groupArticle},
	"article:modified_time":     {fieldModified, groupArticle},
	"og:article:modified_time":  {fieldModified, groupArticle},
	"article:author":            {fieldAuthor, groupArticle},
	"og:article:author":         {fieldAuthor, groupArticle},
	// Twitter cards.
	"twitter:title":       {fieldTitle, groupTwitter},
	"twitter:description": {fieldDescription, groupTwitter},
	"twitter:creator":     {fieldAuthor, groupTwitter},
	"twitter:site":        {fieldSiteName, groupTwitter},
	"twitter:image":       {fieldImage, groupTwitter},
	"twitter:image:src":   {fieldImage, groupTwitter},
	// Standard names.
	"description":      {fieldDescription, groupMeta},
	"author":           {fieldAuthor, groupMeta},
	"keywords":         {fieldKeywords, groupMeta},
	"application-name": {fieldSiteName, groupMeta},
	// Dublin Core.
	"dc.title":          {fieldTitle, groupDC},
	"dcterms.title":     {fieldTitle, groupDC},
	"dc.creator":        {fieldAuthor, groupDC},
	"dcterms.creator":   {fieldAuthor, groupDC},
	"dc.date":           {fieldPublished, groupDC},
	"dc.date.issued":    {fieldPublished, groupDC},
	"dc.date.created":   {fieldPublished, groupDC},
	"dcterms.date":      {fieldPublished, groupDC},
	"dcterms.issued":    {fieldPublished, groupDC},
	"dcterms.created":   {fieldPublished, groupDC},
	"dc.date.modified":  {fieldModified, groupDC},
	"dcterms.modified":  {fieldModified, groupDC},
	"dc.description":    {fieldDescription, groupDC},
	"dcterms.abstract":  {fieldDescription, groupDC},
	"dc.publisher":      {fieldSiteName, groupDC},
	"dcterms.publisher": {fieldSiteName, groupDC},
	"dc.language":       {fieldLang, groupDC},
	"dcterms.language":  {fieldLang, groupDC},
	"dc.subject":        {fieldKeywords, groupDC},
	// Korean portals and news sites.
	"dable:author":  {fieldAuthor, groupPortal},
	"by":            {fieldAuthor, groupPortal},
	"writer":        {fieldAuthor, groupPortal},
	"news_keywords": {fieldKeywords, groupPortal},
	"og:regdate":    {fieldPublished, groupPortal},
	"pubdate":       {fieldPublished, groupPortal},
	"publishdate":   {fieldPublished, groupPortal},
	"publish-date":  {fieldPublished, groupPortal},
	"date":          {fieldPublished, groupPortal},
}

// readMetas adds the candidates from <meta> elements. Several article:author (or other author)
// metas with the same key are joined with ", ".
func readMetas(metas []*html.Node, c *collector) {
	authors := map[string][]string{} // source -> names, for joining
	var authorOrder []string
	authorGroup := map[string]string{}
	for _, m := range metas {
		content, ok := attr(m, "content")
		if !ok {
			continue
		}
		content = clean(content)
		if content == "" {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(attrVal(m, "http-equiv")), "content-language") {
			// The header form may list several languages; the first is the primary one.
			lang, _, _ := strings.Cut(content, ",")
			c.add(fieldLang, groupMeta, "meta:content-language", lang)
			continue
		}
		seen := map[string]bool{}
		for _, k := range []string{"property", "name"} {
			raw := strings.TrimSpace(attrVal(m, k))
			key := strings.ToLower(raw)
			if key == "" || seen[key] {
				continue
			}
			seen[key] = true
			if key == "dable:item_id" {
				if v := clean(content); validID(v, 64) {
					c.ids = append(c.ids, postID{key: "dable:item_id", value: v, source: raw})
				}
				continue
			}
			rule, ok := metaRules[key]
			if !ok {
				continue
			}
			source := raw
			if !strings.ContainsAny(raw, ":.") {
				source = "meta:" + raw
			}
			switch rule.field {
			case fieldAuthor:
				if rule.group == groupArticle && looksLikeURL(content) {
					continue // a profile link, not a name
				}
				if _, ok := authors[source]; !ok {
					authorOrder = append(authorOrder, source)
					authorGroup[source] = rule.group
				}
				if !contains(authors[source], content) {
					authors[source] = append(authors[source], content)
				}
			case fieldLang:
				if rule.group == groupOG {
					content = strings.ReplaceAll(content, "_", "-")
				}
				c.add(rule.field, rule.group, source, content)
			case fieldCanonical:
				c.add(rule.field, rule.group, source, content)
				c.urls = append(c.urls, sourcedURL{source: source, url: content, rank: 1})
			default:
				c.add(rule.field, rule.group, source, content)
			}
		}
	}
	for _, source := range authorOrder {
		c.add(fieldAuthor, authorGroup[source], source, strings.Join(authors[source], ", "))
	}
}

func looksLikeURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "//")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
