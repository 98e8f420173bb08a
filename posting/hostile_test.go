package posting

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"evidentia/evidence"
)

// TestHostile feeds pages built to break the reader: it must return, cap every value, drop
// control characters and never link a comment into a loop.
func TestHostile(t *testing.T) {
	long := strings.Repeat("가", 3*maxText)
	cases := map[string]string{
		"deep nesting":  strings.Repeat("<div>", 5000) + `<li class="u_cbox_comment"><span class="u_cbox_contents">deep</span></li>`,
		"huge comment":  `<ul><li id="comment-1"><span class="nick">` + strings.Repeat("n", 5000) + `</span><div class="comment-content">` + long + `</div></li></ul>`,
		"control chars": "<ul><li id=\"comment-2\"><span class=\"nick\">a\x1b[31mred\u202e</span><div class=\"comment-content\">x\x07y\u200bz</div></li></ul>",
		"parent loop": `<ul><li data-comment-id="a" data-parent-id="b"><span class="comment-content">A</span></li>` +
			`<li data-comment-id="b" data-parent-id="a"><span class="comment-content">B</span></li>` +
			`<li data-comment-id="c" data-parent-id="c"><span class="comment-content">C</span></li></ul>`,
		"json-ld bomb": `<script type="application/ld+json">` + strings.Repeat(`{"@type":"Comment","text":"x","comment":`, 2000) + `1` + strings.Repeat("}", 2000) + `</script>`,
		"json-ld many": strings.Repeat(`<script type="application/ld+json">{"@type":"Comment","text":"t"}</script>`, 500),
		"not html":     "\x00\xff\xfe<<<>>>&&&;;",
		"fake ids":     `<ul><li data-comment-id="` + strings.Repeat("9", 500) + `"><span class="comment-content">x</span></li><li data-comment-id="a b"><span class="comment-content">y</span></li></ul>`,
		"counts":       `<span class="u_cbox_count">99999999999999</span><span>조회 1.5</span><span>댓글 -3</span>`,
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			p := Extract(context.Background(), Input{Docs: []Doc{{HTML: h}, {HTML: h, Page: 2, Frame: "javascript:alert(1)\x1b"}}, PageURL: "https://x.example/\x1b[2J", Captured: captured})
			checkSafe(t, p)
		})
	}
}

func checkSafe(t *testing.T, p evidence.Posting) {
	t.Helper()
	if len(p.Comments) > MaxComments {
		t.Errorf("%d comments", len(p.Comments))
	}
	ids := map[string]bool{}
	parent := map[string]string{}
	for _, c := range p.Comments {
		if ids[c.ID] {
			t.Errorf("duplicate id %q", c.ID)
		}
		ids[c.ID] = true
		parent[c.ID] = c.ParentID
		checkString(t, strings.ReplaceAll(c.Text, "\n", " "), maxText+60) // a comment's text keeps its lines
		for _, s := range []string{c.Author.Nickname, c.Author.AccountID, c.Author.MaskedIP, c.ID} {
			checkString(t, s, maxText+60)
		}
		if n := utf8.RuneCountInString(c.Author.Nickname); n > maxName {
			t.Errorf("nickname of %d runes", n)
		}
	}
	for id := range parent {
		seen := map[string]bool{}
		for p := id; p != ""; p = parent[p] {
			if seen[p] {
				t.Fatalf("parent loop through %q", id)
			}
			seen[p] = true
		}
	}
	for _, c := range p.Comments {
		if c.ParentID != "" && !ids[c.ParentID] {
			t.Errorf("%s names a parent %q that is not in the record", c.ID, c.ParentID)
		}
	}
	for _, s := range append([]string{p.Title, p.Author.Nickname, p.PostID}, p.Notes...) {
		checkString(t, s, maxText+60)
	}
	for _, c := range []*evidence.Count{p.Counts.Views, p.Counts.Likes, p.Counts.Comments} {
		if c != nil && (c.Value < 0 || c.Value > maxCount) {
			t.Errorf("count %+v", c)
		}
	}
}

func checkString(t *testing.T, s string, max int) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("invalid UTF-8 %q", s)
	}
	if n := utf8.RuneCountInString(s); n > max {
		t.Errorf("string of %d runes", n)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Errorf("control character %U in %q", r, textPreview(s))
			return
		}
	}
}

func textPreview(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60])
	}
	return s
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := Extract(ctx, Input{Docs: []Doc{{HTML: fixture(t, "cbox.html")}}})
	if len(p.Comments) != 0 || len(p.Notes) == 0 || !strings.Contains(p.Notes[0], "not read") {
		t.Errorf("cancelled: %d comments, notes %q", len(p.Comments), p.Notes)
	}
}

func TestManyComments(t *testing.T) {
	var b strings.Builder
	for i := 0; i < MaxComments+10; i++ {
		b.WriteString(`<li data-comment-id="` + strconv.Itoa(i) + `"><span class="comment-content">c` + strconv.Itoa(i) + `</span></li>`)
	}
	p := Extract(context.Background(), Input{Docs: []Doc{{HTML: "<ul>" + b.String() + "</ul>"}}})
	if len(p.Comments) != MaxComments || !strings.Contains(strings.Join(p.Notes, "\n"), "those after the 5000th were not recorded") {
		t.Errorf("%d comments, notes %q", len(p.Comments), p.Notes)
	}
}

func FuzzExtract(f *testing.F) {
	for _, name := range []string{"cbox.html", "dcinside.html", "gnuboard.html", "jsonld.html", "relative.html"} {
		f.Add(fixture(f, name))
	}
	f.Fuzz(func(t *testing.T, h string) {
		p := Extract(context.Background(), Input{Docs: []Doc{{HTML: h}}, Captured: captured})
		checkSafe(t, p)
	})
}

func BenchmarkExtract(b *testing.B) {
	// A Naver News article with 100 comments and 5 threads of 3 replies, as captured.
	var items strings.Builder
	for i := 0; i < 100; i++ {
		items.WriteString(`<li class="u_cbox_comment" data-info="commentNo:'` + strconv.Itoa(1000+i) + `',replyLevel:1"><span class="u_cbox_nick">닉네임` + strconv.Itoa(i) +
			`</span><span class="u_cbox_id">(ab****)</span><span class="u_cbox_contents">` + strings.Repeat("댓글 내용입니다 ", 10) +
			`</span><span class="u_cbox_date" data-value="2026-12-01T10:15:30+0900">3시간 전</span>`)
		if i%20 == 0 {
			items.WriteString(`<div class="u_cbox_reply_area"><ul class="u_cbox_list">`)
			for r := 0; r < 3; r++ {
				items.WriteString(`<li class="u_cbox_comment" data-info="commentNo:'` + strconv.Itoa(5000+i*10+r) + `',replyLevel:2,parentCommentNo:'` + strconv.Itoa(1000+i) + `'"><span class="u_cbox_nick">답글러</span><span class="u_cbox_contents">답글</span></li>`)
			}
			items.WriteString(`</ul></div>`)
		}
		items.WriteString(`</li>`)
	}
	page := fixture(b, "cbox.html")
	page = strings.Replace(page, `<ul class="u_cbox_list">`, `<ul class="u_cbox_list">`+items.String(), 1)
	in := Input{Docs: []Doc{{HTML: page}}, Captured: captured}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if p := Extract(context.Background(), in); len(p.Comments) < 119 {
			b.Fatalf("%d comments", len(p.Comments))
		}
	}
}
