package pagemeta

import (
	"strings"

	"golang.org/x/net/html"
)

// mdItem is one microdata item (an element with itemscope), or the pseudo-item that holds
// the properties found outside any item.
type mdItem struct {
	types []string
	props map[string][]mdValue
}

// mdValue is the value of one microdata property: text, and the item when the property
// element is itself an item.
type mdValue struct {
	text string
	item *mdItem
}

func (it *mdItem) add(name string, v mdValue) {
	if it.props == nil {
		it.props = map[string][]mdValue{}
	}
	if len(it.props[name]) < 16 {
		it.props[name] = append(it.props[name], v)
	}
}

func (it *mdItem) first(name string) (mdValue, bool) {
	if vs := it.props[name]; len(vs) > 0 {
		return vs[0], true
	}
	return mdValue{}, false
}

// readMicrodata adds the candidates of the first article-typed microdata item (a Comment
// only when there is no other article item), then those of properties outside any item.
func readMicrodata(doc *html.Node, c *collector) {
	root := &mdItem{}
	var items []*mdItem
	var walk func(n *html.Node, scope *mdItem, depth int)
	walk = func(n *html.Node, scope *mdItem, depth int) {
		if depth > maxDepth || len(items) > 10000 {
			return
		}
		if n.Type == html.ElementNode {
			if n.Data == "script" || n.Data == "style" || n.Data == "template" {
				return
			}
			props := strings.Fields(attrVal(n, "itemprop"))
			if _, ok := attr(n, "itemscope"); ok {
				it := &mdItem{}
				for _, t := range strings.Fields(attrVal(n, "itemtype")) {
					if i := strings.LastIndexAny(t, "/#:"); i >= 0 {
						t = t[i+1:]
					}
					if t != "" {
						it.types = append(it.types, t)
					}
				}
				items = append(items, it)
				if len(props) > 0 {
					v := mdValue{text: textContent(n, 4096), item: it}
					for _, p := range props {
						scope.add(p, v)
					}
				}
				for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
					walk(ch, it, depth+1)
				}
				return
			}
			if len(props) > 0 {
				v := mdValue{text: mdPropertyValue(n)}
				for _, p := range props {
					scope.add(p, v)
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch, scope, depth+1)
		}
	}
	walk(doc, root, 0)

	var article, comment *mdItem
	var articleType, commentType string
	for _, it := range items {
		for _, t := range it.types {
			switch {
			case ldArticleTypes[t] && article == nil:
				article, articleType = it, t
			case t == "Comment" && comment == nil:
				comment, commentType = it, t
			}
		}
	}
	if article == nil {
		article, articleType = comment, commentType
	}
	if article != nil {
		readMDItem(article, "microdata:"+articleType+".", true, c)
	}
	readMDItem(root, "microdata:", false, c)
}

// readMDItem adds the candidates of one item; name is read as a title only for article items.
func readMDItem(it *mdItem, src string, isArticle bool, c *collector) {
	if v, ok := it.first("headline"); ok {
		c.add(fieldTitle, groupMicrodata, src+"headline", v.text)
	}
	if v, ok := it.first("name"); ok && isArticle {
		c.add(fieldTitle, groupMicrodata, src+"name", v.text)
	}
	var authors []string
	sub := ""
	for _, v := range it.props["author"] {
		name := v.text
		if v.item != nil {
			if n, ok := v.item.first("name"); ok && clean(n.text) != "" {
				name, sub = n.text, ".name"
			}
		}
		if name = clean(name); name != "" && !contains(authors, name) {
			authors = append(authors, name)
		}
	}
	if len(authors) > 0 {
		c.add(fieldAuthor, groupMicrodata, src+"author"+sub, strings.Join(authors, ", "))
	}
	if v, ok := it.first("publisher"); ok {
		if v.item != nil {
			if n, ok := v.item.first("name"); ok {
				c.add(fieldSiteName, groupMicrodata, src+"publisher.name", n.text)
			}
		} else {
			c.add(fieldSiteName, groupMicrodata, src+"publisher", v.text)
		}
	}
	if v, ok := it.first("datePublished"); ok {
		c.add(fieldPublished, groupMicrodata, src+"datePublished", v.text)
	}
	if v, ok := it.first("dateModified"); ok {
		c.add(fieldModified, groupMicrodata, src+"dateModified", v.text)
	}
	if v, ok := it.first("description"); ok {
		c.add(fieldDescription, groupMicrodata, src+"description", v.text)
	}
}

// mdPropertyValue returns the value of a microdata property element that is not an item, as
// the HTML standard defines it.
func mdPropertyValue(n *html.Node) string {
	switch n.Data {
	case "meta":
		return attrVal(n, "content")
	case "time":
		if v, ok := attr(n, "datetime"); ok {
			return v
		}
	case "a", "area", "link":
		return attrVal(n, "href")
	case "img", "audio", "video", "source", "iframe", "embed", "track":
		return attrVal(n, "src")
	case "object":
		return attrVal(n, "data")
	case "data", "meter":
		return attrVal(n, "value")
	}
	return textContent(n, 4096)
}
