// Package posting reads the structured record of a posting (evidence.Posting, the
// posting.json artifact) from the rendered documents of a capture: the main document, its
// frames and every numbered comment page. It is the generic reader: it knows JSON-LD,
// microdata and the markup of the common Korean boards and comment systems (Naver cbox,
// DC Inside, gnuboard, XE/Rhymix, WordPress); site profiles add exact readers per site.
//
// Everything it returns came from the page: it is what the page claims, capped, never an
// observed fact.
package posting

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"

	"evidentia/evidence"
)

// Bounds of one Extract.
const (
	// MaxComments is the number of comments a record holds; the rest are counted in a note.
	MaxComments = 5000
	// MaxDocs is the number of documents read; the rest are named in a note.
	MaxDocs  = 64
	maxTitle = 1000
)

// Doc is one rendered document of the capture.
type Doc struct {
	// HTML is the serialised DOM.
	HTML string
	// URL is the document's address; relative links are resolved against it.
	URL string
	// Frame is the frame's address for a frame's document, "" for the main document.
	Frame string
	// Page is the numbered comment page the document shows (0 or 1 for the page as first
	// captured, 2 for the second comment page...).
	Page int
	// PageLabel is the site's number for that page ("3"), "" when unknown.
	PageLabel string
}

// Input is what Extract reads.
type Input struct {
	// Docs are the documents in capture order: the main document, its frames, then the
	// documents of later comment pages.
	Docs []Doc
	// Metadata is the page metadata already read from the documents (title, author, times,
	// post identifiers); its values win for the post's own fields.
	Metadata evidence.Metadata
	// PageURL is the address captured.
	PageURL string
	// Captured is the capture's start, against which relative times ("3시간 전") are resolved;
	// zero leaves them unresolved.
	Captured time.Time
	// Zone is the page's time zone for times that state none; nil means KST.
	Zone *time.Location
	// MainFrame is the address of the frame that holds the page's main content ("" when the
	// main document does): the post's author and counts are read there first.
	MainFrame string
	// Site is the exact reader of the site's markup (a site profile's), nil for none.
	Site *Site
}

// Extract reads the posting record from in. It never fails: what it could not read is said
// in Notes, and a cancelled ctx ends it early with a note saying which documents were not
// read. The result is deterministic for a given input.
func Extract(ctx context.Context, in Input) evidence.Posting {
	x := &extractor{
		in:  in,
		ck:  &clock{captured: in.Captured, zone: in.Zone},
		src: map[string]string{},
	}
	x.p = evidence.Posting{Format: evidence.PostingFormat, Platform: "generic", Comments: []evidence.Comment{}}
	x.p.URL, _ = capped(in.PageURL, maxURL)
	x.fromMetadata()
	x.readDocs(ctx)
	x.postFromDOM()
	x.applySitePost()
	x.buildComments()
	x.siteNote()
	x.p.Counts = x.counts.counts
	x.addCountSources()
	x.p.Notes = append(x.p.Notes, x.ck.notes()...)
	if len(x.src) > 0 {
		x.p.Sources = x.src
	}
	return x.p
}

// CommentCount compares the comments p claims with those it holds: stated is true when the
// page states a count, claimed is that count and captured the number of comments read
// (deleted and hidden ones included, since the page shows them as comments).
func CommentCount(p evidence.Posting) (stated bool, claimed, captured int) {
	captured = len(p.Comments)
	if p.Counts.Comments != nil {
		return true, p.Counts.Comments.Value, captured
	}
	return false, 0, captured
}

// extractor holds the state of one Extract.
type extractor struct {
	in     Input
	p      evidence.Posting
	ck     *clock
	src    map[string]string
	counts counter
	raw    []*rawComment
	// rawDoc is the index into in.Docs of each raw comment.
	rawDoc []int
	parsed []*html.Node
	// dropped counts comments beyond MaxComments.
	dropped int
	// siteRead is true when in.Site recognised the post; sitePosted is what it read of it.
	siteRead   bool
	sitePosted SitePost
}

func (x *extractor) note(format string, a ...any) {
	x.p.Notes = append(x.p.Notes, fmt.Sprintf(format, a...))
}

func (x *extractor) source(field, s string) {
	if s == "" {
		return
	}
	v, _ := capped(s, maxSource)
	x.src[field] = v
}

// fromMetadata takes the post's own fields from the page metadata.
func (x *extractor) fromMetadata() {
	md := x.in.Metadata
	if md.Title != "" {
		x.p.Title, _ = capped(md.Title, maxTitle)
		x.source("title", "meta:"+orDefault(md.Sources["title"], "page metadata"))
	}
	if md.Author != "" {
		x.p.Author.Nickname, _ = capped(md.Author, maxName)
		x.source("author.nickname", "meta:"+orDefault(md.Sources["author"], "page metadata"))
	}
	if md.PublishedTime != "" {
		x.p.Posted = x.ck.resolve(md.PublishedTime, "meta:"+orDefault(md.Sources["published_time"], "page metadata"))
		x.source("posted", x.p.Posted.Source)
	}
	if md.ModifiedTime != "" {
		x.p.Modified = x.ck.resolve(md.ModifiedTime, "meta:"+orDefault(md.Sources["modified_time"], "page metadata"))
		x.source("modified", x.p.Modified.Source)
	}
	x.postID(md)
}

// postKeys are the post identifiers of Metadata.PostIDs, in order of preference; a Naver
// News article is named by its press and article numbers together.
var postKeys = []string{"articleId", "logNo", "no", "wr_id", "document_srl", "postId", "articleNo", "nttId", "idxno", "newsId", "news_id", "v", "id"}

func (x *extractor) postID(md evidence.Metadata) {
	if len(md.PostIDs) == 0 {
		return
	}
	if oid, aid := md.PostIDs["oid"], md.PostIDs["aid"]; oid != "" && aid != "" {
		x.p.PostID, _ = capped(oid+"/"+aid, maxID)
		x.source("post_id", "meta:post_ids.oid/aid")
		return
	}
	for _, k := range postKeys {
		if v := md.PostIDs[k]; v != "" {
			x.p.PostID, _ = capped(v, maxID)
			src := "meta:post_ids." + k
			if s := md.Sources["post_ids."+k]; s != "" {
				src += ": " + s
			}
			x.source("post_id", src)
			return
		}
	}
	keys := make([]string, 0, len(md.PostIDs))
	for k := range md.PostIDs {
		if !strings.EqualFold(k, "commentId") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		x.p.PostID, _ = capped(md.PostIDs[keys[0]], maxID)
		x.source("post_id", "meta:post_ids."+keys[0])
	}
}

// readDocs parses each document and reads its comments and counts. Counts are read first
// from the main-content document, then from the others in order.
func (x *extractor) readDocs(ctx context.Context) {
	docs := x.in.Docs
	if len(docs) > MaxDocs {
		x.note("%d documents were given; only the first %d were read", len(docs), MaxDocs)
		docs = docs[:MaxDocs]
	}
	x.parsed = make([]*html.Node, len(docs))
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			x.note("reading stopped (%v): %d of %d documents were not read", err, len(docs)-i, len(docs))
			x.parsed = x.parsed[:i]
			break
		}
		h := d.HTML
		if len(h) > maxHTML {
			h = h[:maxHTML]
			x.note("%s is larger than %d MiB; only its first %d MiB were read", docName(d), maxHTML>>20, maxHTML>>20)
		}
		doc, flattened := parse(h)
		if doc == nil {
			x.note("%s could not be parsed as HTML and was not read", docName(d))
			continue
		}
		if flattened {
			x.note("%s is nested too deeply; tags below a depth of 400 were dropped and their text kept", docName(d))
		}
		x.parsed[i] = doc
	}
	// The site's reader is used only when the post's document has the site's markup.
	x.sitePost()
	for i, doc := range x.parsed {
		if doc == nil {
			continue
		}
		d := docs[i]
		base := parseBase(d.URL, x.in.PageURL)
		limit := MaxComments - len(x.raw)
		ld := &ldReader{docIndex: i, limit: limit + 1, ck: x.ck, counts: &x.counts}
		blocks, bad := ldScripts(doc)
		if bad > 0 {
			x.note("%s has %d JSON-LD blocks that are not JSON or are too large; they were not read", docName(d), bad)
		}
		for _, b := range blocks {
			ld.node(b, "", false, 0)
		}
		// The site's own reading of the document, where it knows it, else the generic one.
		found, ok := x.siteComments(doc, base, i, limit+1)
		if !ok {
			found = append(markupComments(doc, base, x.ck, i, limit+1), ld.out...)
		}
		for _, rc := range found {
			if len(x.raw) >= MaxComments {
				x.dropped++
				continue
			}
			x.raw = append(x.raw, rc)
			x.rawDoc = append(x.rawDoc, i)
		}
	}
	for _, i := range x.countOrder() {
		// Comment sections state the comment count in their head; only the items are skipped.
		x.counts.readCounts(x.parsed[i], isItem)
	}
}

// mainDoc returns the index of the document holding the post: the main-content frame's first
// page when there is one, else the main document's; -1 when none was parsed.
func (x *extractor) mainDoc() int {
	if x.in.MainFrame != "" {
		for i, d := range x.in.Docs[:len(x.parsed)] {
			if d.Frame == x.in.MainFrame && d.Page <= 1 && x.parsed[i] != nil {
				return i
			}
		}
	}
	for i, d := range x.in.Docs[:len(x.parsed)] {
		if d.Frame == "" && d.Page <= 1 && x.parsed[i] != nil {
			return i
		}
	}
	return -1
}

// countOrder is the order in which documents are read for counts: the post's document first,
// then the others' first pages (later comment pages repeat the counts).
func (x *extractor) countOrder() []int {
	m := x.mainDoc()
	var out []int
	if m >= 0 {
		out = append(out, m)
	}
	for i, d := range x.in.Docs[:len(x.parsed)] {
		if i != m && x.parsed[i] != nil && d.Page <= 1 {
			out = append(out, i)
		}
	}
	return out
}

// commentAreaIDs and commentAreaClasses mark the comment sections of common markup, which
// the post's own fields are never read from.
var (
	commentAreaIDs     = map[string]bool{"bo_vc": true, "comments": true, "comment": true, "comment_box": true, "cmt_list": true, "cbox_module": true, "focus-cmt": true, "comment-list": true, "commentlist": true}
	commentAreaClasses = []string{"u_cbox_wrap", "u_cbox_list", "comment_box", "comment_wrap", "cmt_list", "comment-list", "commentlist", "comments-area", "comment_section", "view_comment", "cmt_box"}
)

// isCommentArea reports whether n is a comment item or a comment section.
func isCommentArea(n *html.Node) bool {
	if isItem(n) || commentAreaIDs[attr(n, "id")] {
		return true
	}
	for _, c := range commentAreaClasses {
		if hasClass(n, c) {
			return true
		}
	}
	return false
}

// postHeads locate the element holding the post's author and time, in order of trust.
var postHeads = []func(*html.Node) bool{
	byClass("gallview_head"), // DC Inside
	func(n *html.Node) bool { return attr(n, "id") == "bo_v_info" },               // gnuboard
	byClass("se-documentTitle"), byClass("se_doc_viewer"), byClass("blog_author"), // Naver Blog SmartEditor
	byClass("media_end_head"), // Naver News
	byClass("article_head"), byClass("article_info"), byClass("view_info"), byClass("post_info"), byClass("writer_info"),
	byClass("rd_hd"), // XE/Rhymix
	byClass("entry-meta"), byClass("entry-header"), byClass("post-meta"),
	func(n *html.Node) bool { return hasToken(attr(n, "itemprop"), "author") },
}

// postTimeClasses hold the post's time inside its head.
var postTimeClasses = []string{"gall_date", "se_publishDate", "if_date", "date", "regdate", "media_end_head_info_datestamp_time", "published", "entry-date"}

// postFromDOM fills the post's author and times from the post's document where the metadata
// gave none, and the masked IP and account ID the metadata never gives.
func (x *extractor) postFromDOM() {
	m := x.mainDoc()
	if m < 0 {
		return
	}
	doc := x.parsed[m]
	base := parseBase(x.in.Docs[m].URL, x.in.PageURL)
	var head *html.Node
	for _, match := range postHeads {
		if head = find(doc, match, isCommentArea); head != nil {
			break
		}
	}
	if head == nil {
		return
	}
	where := "markup:" + selector(head)
	pp := person(head, isCommentArea, base)
	if pp.Nickname != "" && (x.p.Author.Nickname == "" || strings.HasPrefix(x.src["author.nickname"], "meta:")) {
		// The post's own markup names the writer exactly; a meta author tag is often a site name.
		if x.p.Author.Nickname != "" && x.p.Author.Nickname != pp.Nickname {
			x.note("the page metadata names the author %q, the post's markup %q; the markup's is kept", x.p.Author.Nickname, pp.Nickname)
		}
		x.p.Author.Nickname = pp.Nickname
		x.source("author.nickname", where)
	}
	for _, f := range []struct {
		dst *string
		v   string
		key string
	}{
		{&x.p.Author.AccountID, pp.AccountID, "author.account_id"},
		{&x.p.Author.MaskedIP, pp.MaskedIP, "author.masked_ip"},
		{&x.p.Author.ProfileURL, pp.ProfileURL, "author.profile_url"},
	} {
		if *f.dst == "" && f.v != "" {
			*f.dst = f.v
			x.source(f.key, where)
		}
	}
	if x.p.Posted == nil || x.p.Posted.KST == "" {
		for _, cls := range postTimeClasses {
			e := find(head, byClass(cls), isCommentArea)
			if e == nil {
				continue
			}
			if pt := elemTime(e, x.ck); pt != nil && pt.KST != "" {
				pt.Source = "markup:" + selector(e) + " " + pt.Source
				x.p.Posted = pt
				x.source("posted", pt.Source)
				break
			}
		}
	}
}

// buildComments merges the comments read from every document (a comment shown again on a
// later page or in JSON-LD and markup alike is kept once), links replies to their parents
// and assigns identifiers.
func (x *extractor) buildComments() {
	if x.dropped > 0 {
		x.note("the page holds more than %d comments; those after the %dth were not recorded", MaxComments, MaxComments)
	}
	type kept struct {
		rc  *rawComment
		doc int
	}
	var list []kept
	bySite := map[string]int{}   // site ID -> index in list
	byText := map[string][]int{} // nickname + text -> indexes in list
	alias := map[string]int{}    // raw key -> index in list (for duplicates, the one kept)
	dups, cut, whole := 0, 0, 0
	for i, rc := range x.raw {
		d := x.rawDoc[i]
		tk := rc.c.Author.Nickname + "\x00" + rc.c.Text
		dup := -1
		if rc.siteID != "" {
			if j, ok := bySite[rc.siteID]; ok && list[j].rc.c.Text == rc.c.Text {
				dup = j
			}
		}
		if dup < 0 && rc.c.Text != "" {
			for _, j := range byText[tk] {
				o := list[j]
				// Only the same comment shown twice: from another document or the other
				// kind of markup, and never two comments the site numbers differently.
				if (o.doc != d || o.rc.kind != rc.kind) && (o.rc.siteID == "" || rc.siteID == "" || o.rc.siteID == rc.siteID) {
					dup = j
					break
				}
			}
		}
		if dup >= 0 {
			dups++
			alias[rc.key] = dup
			o := list[dup].rc
			// Fill what the first reading lacked.
			if o.siteID == "" {
				o.siteID = rc.siteID
			}
			if o.c.Time == nil || o.c.Time.KST == "" && rc.c.Time != nil && rc.c.Time.KST != "" {
				o.c.Time = rc.c.Time
			}
			if o.c.Author.AccountID == "" {
				o.c.Author.AccountID = rc.c.Author.AccountID
			}
			if o.parentKey == "" && o.parentSiteID == "" {
				o.parentKey, o.parentSiteID = rc.parentKey, rc.parentSiteID
			}
			continue
		}
		alias[rc.key] = len(list)
		if rc.siteID != "" {
			if _, ok := bySite[rc.siteID]; !ok {
				bySite[rc.siteID] = len(list)
			}
		}
		byText[tk] = append(byText[tk], len(list))
		list = append(list, kept{rc, d})
		if rc.cut {
			cut++
		}
		if rc.wholeText {
			whole++
		}
	}

	// Parents: nesting, the parent's site ID, then indentation in flat lists.
	parent := make([]int, len(list))
	for i, k := range list {
		parent[i] = -1
		rc := k.rc
		if rc.parentKey != "" {
			if j, ok := alias[rc.parentKey]; ok && j != i {
				parent[i] = j
			}
		}
		if parent[i] < 0 && rc.parentSiteID != "" && rc.parentSiteID != rc.siteID {
			if j, ok := bySite[rc.parentSiteID]; ok && j != i {
				parent[i] = j
			}
		}
		if parent[i] < 0 && rc.hasIndent && rc.indent > 0 {
			for j := i - 1; j >= 0; j-- {
				o := list[j].rc
				if o.container != rc.container || list[j].doc != k.doc {
					break
				}
				if !o.hasIndent || o.indent < rc.indent {
					parent[i] = j
					break
				}
			}
		}
		if parent[i] < 0 && rc.inReplyArea && i > 0 && list[i-1].doc == k.doc {
			// A reply area outside its comment: the nearest comment before it that is not a reply.
			for j := i - 1; j >= 0 && list[j].doc == k.doc; j-- {
				if !list[j].rc.inReplyArea {
					parent[i] = j
					break
				}
			}
		}
	}
	// A parent chain that loops (hostile IDs) is cut where it closes.
	depth := make([]int, len(list))
	for i := range list {
		seen := map[int]bool{i: true}
		d := 0
		for j := parent[i]; j >= 0; j = parent[j] {
			if seen[j] || d >= 50 {
				parent[i] = -1
				d = 0
				break
			}
			seen[j] = true
			d++
		}
		depth[i] = d
	}

	// Identifiers: the site's when unique, else c1, c2... in page order.
	ids := make([]string, len(list))
	used := map[string]bool{}
	for i, k := range list {
		if id := k.rc.siteID; id != "" && !used[id] {
			ids[i], used[id] = id, true
		}
	}
	n := 0
	for i := range list {
		if ids[i] != "" {
			continue
		}
		for {
			n++
			id := "c" + strconv.Itoa(n)
			if !used[id] {
				ids[i], used[id] = id, true
				break
			}
		}
	}
	srcCount := map[string]int{}
	for i, k := range list {
		c := k.rc.c
		c.ID = ids[i]
		c.IDAssigned = k.rc.siteID == "" || ids[i] != k.rc.siteID
		if parent[i] >= 0 {
			c.ParentID = ids[parent[i]]
		}
		c.Depth = depth[i]
		d := x.in.Docs[k.doc]
		c.Page = max(d.Page, 1)
		c.PageLabel, _ = capped(d.PageLabel, 20)
		if d.Frame != "" {
			c.Frame, _ = capped(d.Frame, maxURL)
		}
		x.p.Comments = append(x.p.Comments, c)
		srcCount[k.rc.source]++
	}
	if len(srcCount) > 0 {
		var parts []string
		for s, n := range srcCount {
			parts = append(parts, s+" ("+strconv.Itoa(n)+")")
		}
		sort.Strings(parts)
		x.source("comments", strings.Join(parts, ", "))
	}
	if dups > 0 {
		x.note("%s shown more than once (on another comment page, in another frame, or in both JSON-LD and markup) and recorded once", nComments(dups, "was", "were"))
	}
	if cut > 0 {
		x.note("%s longer than %d characters and cut in this record (the DOM artifacts hold them whole)", nComments(cut, "is", "are"), maxText)
	}
	if whole > 0 {
		x.note("%s no element recognised as its text; the whole item's text was kept, with its author and time", nComments(whole, "has", "have"))
	}
}

// addCountSources names where each count was read.
func (x *extractor) addCountSources() {
	for key, c := range map[string]*evidence.Count{"counts.views": x.p.Counts.Views, "counts.likes": x.p.Counts.Likes, "counts.comments": x.p.Counts.Comments} {
		if c != nil {
			x.source(key, c.Source)
		}
	}
}

// docName names a document in a note.
func docName(d Doc) string {
	var s string
	if d.Frame != "" {
		s = "the frame " + strconv.Quote(cleanLine(truncate(d.Frame, 200)))
	} else {
		s = "the main document"
	}
	if d.Page > 1 {
		s += " (comment page " + strconv.Itoa(d.Page) + ")"
	}
	return s
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func parseBase(docURL, pageURL string) *url.URL {
	for _, s := range []string{docURL, pageURL} {
		if u, err := url.Parse(strings.TrimSpace(s)); err == nil && u.IsAbs() {
			return u
		}
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// nComments is "1 comment was" or "3 comments were".
func nComments(n int, one, many string) string {
	if n == 1 {
		return "1 comment " + one
	}
	return strconv.Itoa(n) + " comments " + many
}
