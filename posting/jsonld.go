package posting

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// JSON-LD bounds: bytes of one script read, scripts per document, nesting depth walked.
const (
	ldMaxScript  = 4 << 20
	ldMaxScripts = 64
	ldMaxDepth   = 32
)

// ldScripts returns the decoded JSON-LD blocks of doc; bad reports blocks that were not JSON
// or too large.
func ldScripts(doc *html.Node) (blocks []any, bad int) {
	walk(doc, func(n *html.Node) bool {
		if len(blocks)+bad >= ldMaxScripts {
			return false
		}
		if !isElem(n, "script") {
			return true
		}
		if !strings.EqualFold(strings.TrimSpace(strings.Split(attr(n, "type"), ";")[0]), "application/ld+json") {
			return false
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
		}
		if b.Len() > ldMaxScript {
			bad++
			return false
		}
		dec := json.NewDecoder(strings.NewReader(b.String()))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			bad++
			return false
		}
		blocks = append(blocks, v)
		return false
	})
	return blocks, bad
}

// ldTypes returns the @type values of m.
func ldTypes(m map[string]any) []string {
	switch t := m["@type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func ldIs(m map[string]any, names ...string) bool {
	for _, t := range ldTypes(m) {
		t = strings.TrimPrefix(strings.TrimPrefix(t, "https://schema.org/"), "http://schema.org/")
		for _, n := range names {
			if strings.EqualFold(t, n) {
				return true
			}
		}
	}
	return false
}

// ldString returns v as a string: strings and numbers as they are, an object by its @id,
// name, or @value; "" otherwise.
func ldString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case map[string]any:
		for _, k := range []string{"@value", "@id", "name", "value"} {
			if s := ldString(x[k]); s != "" {
				return s
			}
		}
	case []any:
		if len(x) > 0 {
			return ldString(x[0])
		}
	}
	return ""
}

// ldReader collects comments and counts from JSON-LD.
type ldReader struct {
	out      []*rawComment
	docIndex int
	limit    int
	ck       *clock
	counts   *counter
}

// keysInOrder returns m's keys sorted, so that walks are deterministic.
func keysInOrder(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// node walks one JSON-LD value; parentKey is the comment it is a reply of, inComments is true
// inside a "comment" property.
func (r *ldReader) node(v any, parentKey string, inComments bool, depth int) {
	if depth > ldMaxDepth || len(r.out) >= r.limit {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			r.node(e, parentKey, inComments, depth+1)
		}
	case map[string]any:
		if ldIs(x, "Comment", "UserComments", "Answer") || (inComments && (x["text"] != nil || x["author"] != nil)) {
			key := r.comment(x, parentKey)
			if c, ok := x["comment"]; ok {
				r.node(c, key, true, depth+1)
			}
			return
		}
		r.stats(x)
		for _, k := range keysInOrder(x) {
			switch k {
			case "comment":
				r.node(x[k], "", true, depth+1)
			case "@graph", "mainEntity", "mainEntityOfPage", "hasPart", "itemListElement", "item", "about", "suggestedAnswer", "acceptedAnswer":
				r.node(x[k], "", false, depth+1)
			}
		}
	}
}

// comment records one JSON-LD Comment and returns its key.
func (r *ldReader) comment(m map[string]any, parentKey string) string {
	rc := &rawComment{kind: "json-ld", source: "json-ld:Comment", parentKey: parentKey}
	rc.key = "d" + strconv.Itoa(r.docIndex) + ".j" + strconv.Itoa(len(r.out))
	for _, k := range []string{"@id", "identifier", "url"} {
		if s := strings.TrimSpace(ldString(m[k])); s != "" && validID(s) {
			rc.siteID = s
			break
		}
	}
	if p := strings.TrimSpace(ldString(m["parentItem"])); p != "" && validID(p) && parentKey == "" {
		rc.parentSiteID = p
	}
	switch a := m["author"].(type) {
	case []any:
		if len(a) > 0 {
			r.author(rc, a[0])
		}
	default:
		r.author(rc, a)
	}
	for _, k := range []string{"dateCreated", "datePublished", "commentTime", "uploadDate"} {
		if s := ldString(m[k]); s != "" {
			rc.c.Time = r.ck.resolve(s, "json-ld:Comment."+k)
			break
		}
	}
	for _, k := range []string{"text", "commentText", "description", "name"} {
		if s := ldString(m[k]); s != "" {
			rc.c.Text, rc.cut = cappedBlock(s, maxText)
			break
		}
	}
	markState(&rc.c)
	r.out = append(r.out, rc)
	return rc.key
}

func (r *ldReader) author(rc *rawComment, a any) {
	switch x := a.(type) {
	case string:
		rc.c.Author.Nickname, _ = capped(x, maxName)
	case map[string]any:
		name := ldString(x["name"])
		if name == "" {
			name = ldString(x["alternateName"])
		}
		rc.c.Author.Nickname, _ = capped(name, maxName)
		if id := ldString(x["identifier"]); id != "" && validID(id) {
			rc.c.Author.AccountID, _ = capped(id, maxName)
		}
		if u := resolveHTTP(nil, ldString(x["url"])); u != "" {
			rc.c.Author.ProfileURL, _ = capped(u, maxURL)
		}
	}
}

// stats reads commentCount and interactionStatistic of a post node.
func (r *ldReader) stats(m map[string]any) {
	typ := "Thing"
	if t := ldTypes(m); len(t) > 0 {
		typ, _ = capped(t[0], 60)
	}
	if v := ldString(m["commentCount"]); v != "" {
		if n, ok := parseCount(v); ok {
			r.counts.set(kindComments, n, v, "json-ld:"+typ+".commentCount")
		}
	}
	var stats []any
	switch s := m["interactionStatistic"].(type) {
	case []any:
		stats = s
	case map[string]any:
		stats = []any{s}
	}
	for _, s := range stats {
		sm, ok := s.(map[string]any)
		if !ok {
			continue
		}
		it := ldString(sm["interactionType"])
		if itm, ok := sm["interactionType"].(map[string]any); ok {
			if t := ldTypes(itm); len(t) > 0 {
				it = t[0]
			}
		}
		v := ldString(sm["userInteractionCount"])
		n, ok := parseCount(v)
		if !ok {
			continue
		}
		it = strings.TrimPrefix(strings.TrimPrefix(it, "https://schema.org/"), "http://schema.org/")
		src := "json-ld:" + typ + ".interactionStatistic." + it
		switch it {
		case "CommentAction":
			r.counts.set(kindComments, n, v, src)
		case "LikeAction":
			r.counts.set(kindLikes, n, v, src)
		case "ViewAction", "WatchAction", "ReadAction":
			r.counts.set(kindViews, n, v, src)
		}
	}
}
