package posting

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidentia/evidence"
	"evidentia/pagemeta"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// captured is the capture start of every fixture: 2026-12-01 12:00:00 KST.
var captured = time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// extractFiles reads the fixtures as the capture does: the metadata from the first document,
// then Extract over all of them.
func extractFiles(t testing.TB, pageURL string, docs ...Doc) evidence.Posting {
	t.Helper()
	md := pagemeta.Extract(docs[0].HTML, pageURL)
	return Extract(context.Background(), Input{Docs: docs, Metadata: md, PageURL: pageURL, Captured: captured})
}

func byID(p evidence.Posting) map[string]evidence.Comment {
	m := map[string]evidence.Comment{}
	for _, c := range p.Comments {
		m[c.ID] = c
	}
	return m
}

func TestExtractFixtures(t *testing.T) {
	type want struct {
		id, parent, nick, account, ip, text, kst string
		deleted, hidden                          bool
		page                                     int
	}
	cases := []struct {
		name, url string
		docs      []Doc
		title     string
		author    evidence.Person
		posted    string // KST
		views     int    // -1: none
		likes     int
		comments  int
		n         int
		want      []want
		notes     []string // substrings that must be in Notes
	}{
		{
			name: "naver cbox", url: "https://n.news.naver.com/mnews/article/001/0014567890",
			docs:  []Doc{{HTML: fixture(t, "cbox.html")}},
			title: "후보 A 관련 기사 : 네이버 뉴스", posted: "2026-12-01T09:00:00+09:00",
			views: -1, likes: -1, comments: 4, n: 4,
			want: []want{
				{id: "771001", nick: "여론조작감시", account: "abcd****", text: "이 기사 내용은 사실과 다릅니다.", kst: "2026-12-01T10:15:30+09:00"},
				{id: "771005", parent: "771001", nick: "반박러", account: "xyz9****", text: "출처를 밝히세요", kst: "2026-12-01T11:00:00+09:00"},
				{id: "771002", text: "작성자에 의해 삭제된 댓글입니다.", deleted: true},
				{id: "771003", hidden: true},
			},
		},
		{
			name: "dc inside with a second comment page", url: "https://gall.dcinside.com/board/view/?id=politics&no=9876",
			docs:  []Doc{{HTML: fixture(t, "dcinside.html")}, {HTML: fixture(t, "dcinside-page2.html"), Page: 2}},
			title: "선거 관련 글 - 정치 갤러리", author: evidence.Person{Nickname: "ㅇㅇ", MaskedIP: "121.134"},
			posted: "2026-12-01T08:41:07+09:00", views: 1234, likes: 12, comments: 4, n: 4,
			want: []want{
				{id: "5501", nick: "정치고수", account: "pol_master", text: "근거 있음?", kst: "2026-12-01T08:50:02+09:00", page: 1},
				{id: "5502", parent: "5501", nick: "ㅇㅇ", ip: "223.38", text: "ㅋㅋ 없음", kst: "2026-12-01T08:52:10+09:00"},
				{id: "5503", deleted: true},
				{id: "5510", nick: "ㅇㅇ", ip: "39.7", text: "2페이지 댓글", page: 2},
			},
			notes: []string{"shown more than once", "without a year"},
		},
		{
			name: "gnuboard", url: "http://board.example.kr/bbs/board.php?bo_table=free&wr_id=33",
			docs:  []Doc{{HTML: fixture(t, "gnuboard.html")}},
			title: "자유게사판 > 선거 이야기", author: evidence.Person{Nickname: "글쓴이01", AccountID: "writer01", ProfileURL: "http://board.example.kr/bbs/profile.php?mb_id=writer01"},
			posted: "2024-03-05T14:22:00+09:00", views: 77, likes: -1, comments: 2, n: 2,
			want: []want{
				{id: "901", nick: "익명", text: "첫 댓글", kst: "2024-03-05T15:00:00+09:00"},
				{id: "902", parent: "901", nick: "글쓴이01", account: "writer01", text: "답글입니다", kst: "2024-03-05T15:10:00+09:00"},
			},
		},
		{
			name: "json-ld", url: "https://forum.example/t/1",
			docs:  []Doc{{HTML: fixture(t, "jsonld.html")}},
			title: "Election rumour", author: evidence.Person{Nickname: "poster1"},
			posted: "2026-12-01T05:00:00+09:00", views: -1, likes: 1200, comments: 3, n: 3,
			want: []want{
				{id: "c-1", nick: "alice", account: "u100", text: "Source?", kst: "2026-12-01T06:00:00+09:00"},
				{id: "c-2", parent: "c-1", nick: "bob", text: "None given."},
				{id: "c-3", nick: "carol", deleted: true},
			},
			notes: []string{"JSON-LD blocks that are not JSON"},
		},
		{
			name: "relative times", url: "https://board.example/view/1",
			docs:  []Doc{{HTML: fixture(t, "relative.html")}},
			title: "게시판", views: -1, likes: -1, comments: -1, n: 5,
			want: []want{
				{id: "11", text: "하나", kst: "2026-12-01T12:00:00+09:00"},
				{id: "12", text: "둘", kst: "2026-12-01T09:00:00+09:00"},
				{id: "13", text: "셋", kst: "2026-11-30T14:02:00+09:00"},
				{id: "14", text: "넷", kst: "2026-11-29T12:00:00+09:00"},
				{id: "15", text: "다섯"},
			},
			notes: []string{"relative text", "could not be read as dates"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := extractFiles(t, tc.url, tc.docs...)
			if p.Format != evidence.PostingFormat || p.Platform != "generic" {
				t.Errorf("format %q platform %q", p.Format, p.Platform)
			}
			if p.Title != tc.title {
				t.Errorf("title %q, want %q", p.Title, tc.title)
			}
			if tc.author != (evidence.Person{}) && p.Author != tc.author {
				t.Errorf("author %+v, want %+v", p.Author, tc.author)
			}
			if tc.posted != "" && (p.Posted == nil || p.Posted.KST != tc.posted) {
				t.Errorf("posted %+v, want %s", p.Posted, tc.posted)
			}
			for _, c := range []struct {
				name string
				got  *evidence.Count
				want int
			}{{"views", p.Counts.Views, tc.views}, {"likes", p.Counts.Likes, tc.likes}, {"comments", p.Counts.Comments, tc.comments}} {
				switch {
				case c.want < 0 && c.got != nil:
					t.Errorf("%s %+v, want none", c.name, c.got)
				case c.want >= 0 && (c.got == nil || c.got.Value != c.want):
					t.Errorf("%s %+v, want %d", c.name, c.got, c.want)
				}
			}
			if len(p.Comments) != tc.n {
				t.Errorf("%d comments, want %d: %+v", len(p.Comments), tc.n, p.Comments)
			}
			ids := byID(p)
			for i, w := range tc.want {
				c, ok := ids[w.id]
				if !ok {
					t.Errorf("no comment %s", w.id)
					continue
				}
				if p.Comments[i].ID != w.id {
					t.Errorf("comment %d is %s, want %s (page order)", i, p.Comments[i].ID, w.id)
				}
				if c.ParentID != w.parent {
					t.Errorf("%s: parent %q, want %q", w.id, c.ParentID, w.parent)
				}
				if w.parent != "" && c.Depth != 1 {
					t.Errorf("%s: depth %d", w.id, c.Depth)
				}
				if w.nick != "" && c.Author.Nickname != w.nick {
					t.Errorf("%s: nickname %q, want %q", w.id, c.Author.Nickname, w.nick)
				}
				if c.Author.AccountID != w.account {
					t.Errorf("%s: account %q, want %q", w.id, c.Author.AccountID, w.account)
				}
				if c.Author.MaskedIP != w.ip {
					t.Errorf("%s: masked IP %q, want %q", w.id, c.Author.MaskedIP, w.ip)
				}
				if w.text != "" && c.Text != w.text {
					t.Errorf("%s: text %q, want %q", w.id, c.Text, w.text)
				}
				if w.kst != "" && (c.Time == nil || c.Time.KST != w.kst) {
					t.Errorf("%s: time %+v, want %s", w.id, c.Time, w.kst)
				}
				if w.kst == "" && w.text != "" && c.Time != nil && c.Time.KST != "" && tc.name == "relative times" {
					t.Errorf("%s: time %+v resolved, want unresolved", w.id, c.Time)
				}
				if c.Deleted != w.deleted || c.Hidden != w.hidden {
					t.Errorf("%s: deleted %v hidden %v, want %v %v", w.id, c.Deleted, c.Hidden, w.deleted, w.hidden)
				}
				if w.page != 0 && c.Page != w.page {
					t.Errorf("%s: page %d, want %d", w.id, c.Page, w.page)
				}
				if c.IDAssigned {
					t.Errorf("%s: marked as assigned", w.id)
				}
			}
			notes := strings.Join(p.Notes, "\n")
			for _, n := range tc.notes {
				if !strings.Contains(notes, n) {
					t.Errorf("notes lack %q:\n%s", n, notes)
				}
			}
			golden(t, strings.ReplaceAll(tc.name, " ", "-"), p)
		})
	}
}

// golden compares p with testdata/golden/NAME.json.
func golden(t *testing.T, name string, p evidence.Posting) {
	t.Helper()
	got, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./posting -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("posting differs from %s (go test ./posting -update rewrites it):\n%s", path, got)
	}
}

func TestRelativeTimeKeepsText(t *testing.T) {
	p := extractFiles(t, "https://board.example/view/1", Doc{HTML: fixture(t, "relative.html")})
	c := byID(p)["12"]
	if c.Time == nil || c.Time.Text != "3시간 전" || !c.Time.Relative || c.Time.Resolution == "" || c.Time.Source != "text" {
		t.Fatalf("time %+v", c.Time)
	}
}

func TestMainFrameWins(t *testing.T) {
	outer := `<html><head><title>블로그</title></head><body><div class="author">outer nick</div><iframe id="mainFrame"></iframe></body></html>`
	inner := `<html><body><div class="se-documentTitle"><div class="blog_author"><span class="nick">블로거</span></div>` +
		`<span class="se_publishDate">2026. 11. 30. 21:15</span></div><div class="se-main-container">본문</div>` +
		`<div class="u_cbox_wrap"><span class="u_cbox_count">1</span><ul class="u_cbox_list"><li class="u_cbox_comment" data-info="commentNo:'9',replyLevel:1"><span class="u_cbox_nick">댓글러</span><span class="u_cbox_contents">좋아요</span></li></ul></div></body></html>`
	frame := "https://blog.naver.com/PostView.naver?blogId=someone&logNo=223456789012"
	p := Extract(context.Background(), Input{
		Docs:    []Doc{{HTML: outer, URL: "https://blog.naver.com/someone/223456789012"}, {HTML: inner, URL: frame, Frame: frame}},
		PageURL: "https://blog.naver.com/someone/223456789012", Captured: captured, MainFrame: frame,
	})
	if p.Author.Nickname != "블로거" {
		t.Errorf("author %+v, want the frame's", p.Author)
	}
	if p.Posted == nil || p.Posted.KST != "2026-11-30T21:15:00+09:00" {
		t.Errorf("posted %+v", p.Posted)
	}
	if len(p.Comments) != 1 || p.Comments[0].Frame != frame || p.Comments[0].ID != "9" {
		t.Errorf("comments %+v", p.Comments)
	}
	if stated, claimed, got := CommentCount(p); !stated || claimed != 1 || got != 1 {
		t.Errorf("CommentCount = %v %d %d", stated, claimed, got)
	}
}

func TestCommentCount(t *testing.T) {
	p := evidence.Posting{Comments: make([]evidence.Comment, 20)}
	if stated, _, got := CommentCount(p); stated || got != 20 {
		t.Errorf("no count stated: %v %d", stated, got)
	}
	p.Counts.Comments = &evidence.Count{Value: 100}
	if stated, claimed, got := CommentCount(p); !stated || claimed != 100 || got != 20 {
		t.Errorf("100 stated: %v %d %d", stated, claimed, got)
	}
}

func TestAssignedIDs(t *testing.T) {
	h := `<ul><li class="fdb_itm"><span class="nick">a</span><div class="xe_content">one</div></li>` +
		`<li class="fdb_itm"><span class="nick">b</span><div class="xe_content">two</div></li>` +
		`<li class="fdb_itm" data-comment-id="c2"><span class="nick">c</span><div class="xe_content">three</div></li></ul>`
	p := Extract(context.Background(), Input{Docs: []Doc{{HTML: h}}})
	var got []string
	for _, c := range p.Comments {
		got = append(got, c.ID)
		if (c.ID == "c2") == c.IDAssigned {
			t.Errorf("%s: assigned %v", c.ID, c.IDAssigned)
		}
	}
	if strings.Join(got, ",") != "c1,c3,c2" {
		t.Errorf("ids %v: the site's c2 must keep its name and the assigned ones skip it", got)
	}
}
