package capture

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"evidentia/evidence"
)

// The FM Korea fixture (testdata/sites/fmkorea): a post as the site serves it, its comments
// server-rendered in ul.fdb_lst_ul (a best comment repeated at the top as li.comment_best,
// replies .re with margin-left and a.findParent), the "에펨코리아 보안 시스템" page answered with
// HTTP 430, a deletion notice, and the post with markup the profile does not know; and the
// same post with 11 comments in three comment pages (fmkPaged).

func init() {
	siteRoutes = append(siteRoutes, fmkRoutes)
}

func fmkRoutes(mux *http.ServeMux) {
	post := siteFile("fmkorea/post.html")
	changed := strings.NewReplacer("rd_hd", "rd_head_v2", "fdb_lst_ul", "cmt_lst_v2", "fdb_itm", "cmt_itm").Replace(string(post))
	serve := func(w http.ResponseWriter, r *http.Request, id string) {
		switch id {
		case "8485393463":
			writeHTML(w, 200, post)
		case "8485393467":
			writeHTML(w, 200, fmkPaged(string(post), r.URL.Query().Get("cpage")))
		case "8485393464":
			writeHTML(w, 200, []byte(changed))
		case "8485393465": // FM Korea answers its security page with 430
			writeHTML(w, 430, siteFile("fmkorea/security.html"))
		case "8485393466":
			writeHTML(w, 200, siteFile("fmkorea/deleted.html"))
		default:
			http.NotFound(w, r)
		}
	}
	mux.HandleFunc("www.fmkorea.com/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/index.php" || r.URL.Path == "/" {
			serve(w, r, r.URL.Query().Get("document_srl"))
			return
		}
		serve(w, r, strings.Trim(r.URL.Path[strings.LastIndex(r.URL.Path, "/"):], "/"))
	})
	mux.HandleFunc("www.fmkorea.com/mc/mc.php", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte("/* the browser check: not run in the fixture */"))
	})
}

// fmkWant is one comment the FM Korea fixture shows.
type fmkWant struct {
	id, parent, nick, account, text, time string
	deleted                               bool
}

func TestFMKoreaPost(t *testing.T) {
	for _, path := range []string{"/8485393463", "/index.php?mid=politics&document_srl=8485393463"} {
		t.Run(path, func(t *testing.T) {
			res, files := captureURL(t, siteURL("www.fmkorea.com", path))
			keepSiteCapture(t, "fmkorea", files)
			p := sitePosting(t, files)
			if s := res.Facts.Method.Site; s == nil || s.Profile != "fmkorea" || !s.Matched {
				t.Fatalf("method site: %+v", s)
			}
			if p.Platform != "fmkorea" || p.PostID != "8485393463" || p.Title != "결국 800만달러 송금했다 아님??" {
				t.Errorf("post: platform %q id %q title %q", p.Platform, p.PostID, p.Title)
			}
			if a := p.Author; a.Nickname != "밸리언트" || a.AccountID != "4348938623" || a.MaskedIP != "" {
				t.Errorf("author: %+v", a)
			}
			if p.Posted == nil || p.Posted.KST != "2025-06-06T15:27:00+09:00" || p.Posted.Relative {
				t.Errorf("posted: %+v", p.Posted)
			}
			if c := p.Counts; c.Views == nil || c.Views.Value != 156 || c.Likes == nil || c.Likes.Value != 4 || c.Comments == nil || c.Comments.Value != 5 {
				t.Errorf("counts: %+v %+v %+v", c.Views, c.Likes, c.Comments)
			}
			want := []fmkWant{
				{"8485411698", "", "으아악1", "4168660689", "그래서 뭐 어쩌라고", "12 분 전", false},
				{"8485413822", "8485411698", "밸리언트", "4348938623", "으아악1 논리가 이해가 안됨 왜 판결에 대해서 받아들일 생각을 안하는지", "10 분 전", false},
				{"8485415001", "8485413822", "1태원2조", "54900036", "선관위가 조작한 거 다 알잖아", "8 분 전", false},
				{"8485420010", "", "이슈재밌옹", "5265134849", "퍼갑니다\n다들 알아야 함", "1 시간 전", false},
				{"8485421111", "", "베이글통", "4729583742", "삭제된 댓글입니다.", "3 분 전", true},
			}
			if len(p.Comments) != len(want) {
				t.Errorf("%d comments, want %d (the best comment's copy left out): %+v", len(p.Comments), len(want), p.Comments)
			}
			byID := commentByID(p)
			for _, w := range want {
				c, ok := byID[w.id]
				if !ok {
					t.Errorf("comment %s missing", w.id)
					continue
				}
				if c.ParentID != w.parent || c.Author.Nickname != w.nick || c.Author.AccountID != w.account || c.Text != w.text ||
					c.Deleted != w.deleted || c.Hidden || c.IDAssigned {
					t.Errorf("comment %s: %+v, want %+v", w.id, c, w)
				}
				if c.Time == nil || c.Time.Text != w.time || !c.Time.Relative || c.Time.KST == "" {
					t.Errorf("comment %s time: %+v, want the relative %q resolved", w.id, c.Time, w.time)
				}
			}
			if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
				t.Errorf("verdict: %+v", v)
			}
		})
	}
}

func TestFMKoreaStates(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		verdict    evidence.Verdict
		code       string
	}{
		{"bot check", "/8485393465", evidence.VerdictBlocked, evidence.ReasonBotCheck},
		{"deleted", "/8485393466", evidence.VerdictDeleted, evidence.ReasonDeletedNotice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := captureURL(t, siteURL("www.fmkorea.com", tc.path))
			v := res.Facts.Completeness
			if v == nil || v.Verdict != tc.verdict || len(v.Reasons) == 0 || v.Reasons[0].Code != tc.code || !strings.Contains(v.Reasons[0].Detail, "FM Korea") {
				t.Fatalf("verdict: %+v", v)
			}
			if s := res.Facts.Method.Site; s == nil || s.State != string(tc.verdict) {
				t.Errorf("method site: %+v", s)
			}
		})
	}
}

// TestFMKoreaMarkupChanged: a post whose markup the profile does not know is captured the
// generic way, and the method, the record and the verdict say so.
func TestFMKoreaMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("www.fmkorea.com", "/8485393464"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Matched || s.Profile != "fmkorea" {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform == "fmkorea" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the FM Korea profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}

// fmkPaged is the FM Korea post with its comments in three pages of sketchbook5's comment
// pager (div.bd_pg: the current page strong.this, the others links to
// /index.php?mid=politics&document_srl=N&cpage=P#N_comment, each a document of its own). The
// post opens on the newest page, 3, which holds the fixture's five comments; pages 1 and 2
// hold three older comments each. The head counts all 11.
func fmkPaged(post, cpage string) []byte {
	const doc = "8485393467"
	p, err := strconv.Atoi(cpage)
	if err != nil || p < 1 || p > 3 {
		p = 3
	}
	start := strings.Index(post, `<ul class="fdb_lst_ul">`)
	end := strings.Index(post, "</ul>") + len("</ul>")
	list := post[start:end]
	if p < 3 {
		var b strings.Builder
		b.WriteString(`<ul class="fdb_lst_ul">`)
		for i := 1; i <= 3; i++ {
			id := 8485400000 + p*10 + i
			fmt.Fprintf(&b, `
<li id="comment_%d" class="fdb_itm clear comment-%d">
<div class="meta"><a href="#popup_menu_area" onclick="return false;" class="member_%d member_plate"><img src="//image.fmkorea.com/modules/point/icons/fmkorea25/9.png?k" alt="[레벨:9]" class="level">%s</a><span class="date">%d 시간 전</span></div>
<div class="comment-content"><div class="comment_%d_%d xe_content">%s</div></div>
</li>`, id, id+3, 5100000000+p*10+i, fmkPagedNick(p, i), 10-p*3-i, id, 5100000000+p*10+i, fmkPagedText(p, i))
		}
		b.WriteString("\n</ul>")
		list = b.String()
	}
	var pager strings.Builder
	pager.WriteString(`<div class="bd_pg clear"><a href="/index.php?mid=politics&amp;document_srl=` + doc + `&amp;cpage=1#` + doc + `_comment" class="direction"><i class="fa fa-angle-double-left"></i> First Page</a>`)
	for i := 1; i <= 3; i++ {
		if i == p {
			fmt.Fprintf(&pager, ` <strong class="this">%d</strong>`, i)
		} else {
			fmt.Fprintf(&pager, ` <a href="/index.php?mid=politics&amp;document_srl=%s&amp;cpage=%d#%s_comment">%d</a>`, doc, i, doc, i)
		}
	}
	pager.WriteString(` <a href="/index.php?mid=politics&amp;document_srl=` + doc + `&amp;cpage=3#` + doc + `_comment" class="direction">Last Page <i class="fa fa-angle-double-right"></i></a></div>`)
	out := post[:start] + list + "\n" + pager.String() + post[end:]
	out = strings.ReplaceAll(out, "8485393463", doc)
	out = strings.Replace(out, "<span>댓글 <b>5</b></span>", "<span>댓글 <b>11</b></span>", 1)
	return []byte(out)
}

// fmkPagedNick and fmkPagedText are comment i of the older comment page p.
func fmkPagedNick(p, i int) string { return fmt.Sprintf("펨붕이%d%d", p, i) }
func fmkPagedText(p, i int) string {
	return fmt.Sprintf("%d쪽 %d번째 댓글: 투표함 바꿔치기 증거 있다던데", p, i)
}

// TestFMKoreaCommentPages: the post's comments come in three pages, each its own document
// (?cpage=N); the page opens on the newest. Pages 1 and 2 are opened in a tab of their own
// and kept, every comment of the three is in the record, and the verdict is complete.
func TestFMKoreaCommentPages(t *testing.T) {
	res, files := captureURL(t, siteURL("www.fmkorea.com", "/8485393467"))
	keepSiteCapture(t, "fmkorea-pages", files)
	p := sitePosting(t, files)
	cps := res.Facts.Method.CommentPages
	if len(cps) != 2 || cps[0].Label != "1" || cps[1].Label != "2" ||
		!strings.Contains(cps[0].URL, "document_srl=8485393467&cpage=1") || !strings.Contains(cps[1].URL, "cpage=2") {
		t.Fatalf("comment pages %+v, want pages 1 and 2 opened from their links; events %+v", cps, res.Facts.Method.Events)
	}
	for _, cp := range cps {
		if files[cp.Screenshot] == nil || files[cp.DOM] == nil {
			t.Errorf("page %s: artifacts %q %q missing", cp.Label, cp.Screenshot, cp.DOM)
		}
	}
	if p.Platform != "fmkorea" || p.PostID != "8485393467" || p.Counts.Comments == nil || p.Counts.Comments.Value != 11 {
		t.Errorf("post: %q %q counts %+v", p.Platform, p.PostID, p.Counts.Comments)
	}
	if len(p.Comments) != 11 {
		t.Errorf("%d comments, want 11", len(p.Comments))
	}
	byID := commentByID(p)
	for pg := 1; pg <= 2; pg++ {
		for i := 1; i <= 3; i++ {
			id := fmt.Sprint(8485400000 + pg*10 + i)
			c, ok := byID[id]
			if !ok {
				t.Errorf("comment %s of page %d missing", id, pg)
				continue
			}
			if c.Author.Nickname != fmkPagedNick(pg, i) || c.Author.AccountID != fmt.Sprint(5100000000+pg*10+i) || c.Text != fmkPagedText(pg, i) ||
				c.Page < 2 || c.PageLabel != fmt.Sprint(pg) {
				t.Errorf("comment %s: %+v", id, c)
			}
		}
	}
	if c, ok := byID["8485411698"]; !ok || c.Page != 1 || c.PageLabel != "3" {
		t.Errorf("the newest page's comment: %+v, want it on the page as captured, the site's page 3", c)
	}
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict: %+v", v)
	}
}
