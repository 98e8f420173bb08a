package report

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"evidentia/evidence"
)

// dcPosting is a posting record as the capture writes it for a DC Inside post: an anonymous
// author with a masked IP, a relative time, comments on two comment pages, a reply, a deleted
// comment, a hidden one, and one whose text carries a bidi control.
func dcPosting(t testing.TB, comments int) []byte {
	t.Helper()
	p := evidence.Posting{
		Format: evidence.PostingFormat, Platform: "dcinside", PostID: "free/1234567",
		URL: "https://gall.dcinside.com/board/view/?id=free&no=1234567", Title: "후보 A씨 관련 허위 게시물",
		Author: evidence.Person{Nickname: "ㅇㅇ", MaskedIP: "121.134"},
		Posted: &evidence.PageTime{Text: "3시간 전", Source: "text", Relative: true, Precision: "hour",
			Resolution: "the capture's start (2024-03-05 09:12:07 KST) minus 3 hours",
			KST:        "2024-03-05T06:12:07+09:00", UTC: "2024-03-04T21:12:07Z"},
		Counts: evidence.Counts{Views: &evidence.Count{Value: 15234, Text: "조회 15234", Source: "markup"},
			Comments: &evidence.Count{Value: comments + 2, Text: "댓글 " + fmt.Sprint(comments+2), Source: "markup"}},
	}
	for i := 1; i <= comments; i++ {
		c := evidence.Comment{ID: fmt.Sprint(100 + i), Author: evidence.Person{Nickname: fmt.Sprintf("댓글러%d", i), MaskedIP: "211.36"},
			Time: &evidence.PageTime{Text: "03.05 08:0" + fmt.Sprint(i%10), Source: "text", KST: "2024-03-05T08:00:00+09:00", UTC: "2024-03-04T23:00:00Z"},
			Text: fmt.Sprintf("댓글 내용 %d번: 이 주장은 사실이 아닙니다", i), Page: 1 + i/6}
		switch i {
		case 2:
			c.ParentID = "101"
			c.Depth = 1
			c.Text = "답글: 출처를 밝혀 주세요"
		case 3:
			c.Deleted = true
			c.Text = "삭제된 댓글입니다"
		case 4:
			c.Hidden = true
			c.Text = "클린봇이 숨긴 댓글"
		case 5:
			c.Text = "악성 \u202e댓글"
			c.Frame = "https://blog.naver.com/PostView.naver?blogId=x&logNo=1"
		}
		p.Comments = append(p.Comments, c)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func postingCapture(t testing.TB, st *store, posting []byte) Capture {
	return makeCapture(t, st, capSpec{id: "0190a1b2-0000-7000-8000-00000000c0de", status: evidence.StatusComplete,
		title: koTitle, reqURL: longURL, finURL: finalURL, shot: synthPNG(t, 1280, 1800, 3), posting: posting})
}

// TestPostingSection: the posting record is shown in both languages, labelled as read from
// the page: the author with the masked IP, the relative time resolved and as given, the
// counts, and every comment in page order with its author, time and flags; a control
// character from the page is written as its code point.
func TestPostingSection(t *testing.T) {
	needTool(t, "pdftotext")
	st := newStore()
	c := postingCapture(t, st, dcPosting(t, 8))
	for _, tc := range []struct {
		lang Lang
		want []string
	}{
		{Korean, []string{"게시물 기록 (페이지에서 읽은 내용)", "확인된 사실이 아닙니다", "ㅇㅇ (121.134)", "2024-03-05 06:12:07 KST", "페이지 표기: 3시간 전",
			"상대 시각 환산:", "15,234", "8개 (답글 1, 삭제 1, 숨김 1)", "댓글 (페이지 순서)", "댓글러1 (211.36)", "[삭제된 댓글]", "[숨겨진 댓글]", "[답글] 답글: 출처를",
			"[U+202E]", "댓글 2쪽", "프레임: https://blog.naver.com/PostView.naver"}},
		{English, []string{"Posting record (as read from the page)", "not observed facts", "ㅇㅇ (121.134)", "as given: 3시간 전",
			"relative time resolved:", "8 (1 replies, 1 deleted, 1 hidden)", "Comments (in page order)", "[deleted comment]", "[hidden comment]", "[reply] 답글: 출처를", "comment page 2"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			pdf := buildFile(t, baseInput(tc.lang, c), st)
			text := squash(run(t, "pdftotext", "-layout", pdf, "-"))
			for _, w := range tc.want {
				if !strings.Contains(text, squash(w)) {
					t.Errorf("the report does not say %q", w)
				}
			}
			if strings.ContainsRune(text, '\u202e') {
				t.Error("a bidi control from the page reached the report")
			}
			// Page order: comment 1 before its reply, the reply before comment 8.
			i1, i2, i8 := strings.Index(text, squash("댓글 내용 1번")), strings.Index(text, squash("답글: 출처를")), strings.Index(text, squash("댓글 내용 8번"))
			if i1 < 0 || i2 < i1 || i8 < i2 {
				t.Errorf("comments out of page order: %d, %d, %d", i1, i2, i8)
			}
			if os.Getenv("EVIDENTIA_KEEP_REPORT") != "" {
				b, _ := os.ReadFile(pdf)
				os.WriteFile(fmt.Sprintf("/tmp/posting-%s.pdf", tc.lang), b, 0o644)
			}
		})
	}
}

// TestPostingSectionCapped: a report lists the first reportMaxComments comments and says how
// many more posting.json holds.
func TestPostingSectionCapped(t *testing.T) {
	needTool(t, "pdftotext")
	st := newStore()
	c := postingCapture(t, st, dcPosting(t, reportMaxComments+7))
	text := squash(run(t, "pdftotext", "-layout", buildFile(t, baseInput(Korean, c), st), "-"))
	if !strings.Contains(text, squash("그 밖의 댓글 7개는")) {
		t.Error("the report does not say that 7 comments are not listed")
	}
	if !strings.Contains(text, squash(fmt.Sprintf("댓글 내용 %d번", reportMaxComments))) || strings.Contains(text, squash(fmt.Sprintf("댓글 내용 %d번", reportMaxComments+1))) {
		t.Errorf("not exactly the first %d comments are listed", reportMaxComments)
	}
}

// TestPostingSectionSitePageNumbers: comments from several comment pages are each marked with
// the site's own number for its page (a site that opens a post on its newest page, 3, then
// pages 1 and 2), not the order in which the capture read the pages; without a number from
// the site, the capture's order is shown.
func TestPostingSectionSitePageNumbers(t *testing.T) {
	needTool(t, "pdftotext")
	st := newStore()
	p := evidence.Posting{Format: evidence.PostingFormat, Platform: "fmkorea", PostID: "8485393467", Title: "게시물"}
	for i, pg := range []struct {
		page  int
		label string
	}{{1, "3"}, {2, "1"}, {3, "2"}, {4, ""}} {
		p.Comments = append(p.Comments, evidence.Comment{ID: fmt.Sprint(i + 1), Author: evidence.Person{Nickname: "펨붕이"},
			Text: fmt.Sprintf("순서 %d의 댓글", i+1), Page: pg.page, PageLabel: pg.label})
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	c := postingCapture(t, st, b)
	text := squash(run(t, "pdftotext", "-layout", buildFile(t, baseInput(Korean, c), st), "-"))
	for i, want := range []string{"댓글 3쪽", "댓글 1쪽", "댓글 2쪽", "댓글 4쪽"} {
		at := strings.Index(text, squash(fmt.Sprintf("순서 %d의 댓글", i+1)))
		if at < 0 || !strings.Contains(text[at:min(len(text), at+200)], squash(want)) {
			t.Errorf("comment %d is not marked %q", i+1, want)
		}
	}
}

// TestPostingSectionUnreadable: a posting.json that is not a posting record (a hostile or
// damaged file whose digest still matches the manifest) is said to be unreadable; the report
// is still made.
func TestPostingSectionUnreadable(t *testing.T) {
	needTool(t, "pdftotext")
	st := newStore()
	c := postingCapture(t, st, []byte(`{"format":"something/else","title":"\u202e가짜"}`))
	text := squash(run(t, "pdftotext", "-layout", buildFile(t, baseInput(Korean, c), st), "-"))
	if !strings.Contains(text, squash("게시물 기록(posting.json)을 읽을 수 없습니다")) {
		t.Error("the report does not say the posting record could not be read")
	}
	if strings.Contains(text, "가짜") {
		t.Error("a value of the unreadable record reached the report")
	}
}

// TestPostingTimeAfterCapture: a posted time the page gives that is later than the capture's
// start is flagged as the claims' are, never shown as a plain time.
func TestPostingTimeAfterCapture(t *testing.T) {
	needTool(t, "pdftotext")
	st := newStore()
	var p evidence.Posting
	if err := json.Unmarshal(dcPosting(t, 1), &p); err != nil {
		t.Fatal(err)
	}
	p.Posted = &evidence.PageTime{Text: "2100-01-01 00:00:00", Source: "markup:span.gall_date attr:title", KST: "2100-01-01T00:00:00+09:00", UTC: "2099-12-31T15:00:00Z"}
	b, _ := json.Marshal(p)
	text := squash(run(t, "pdftotext", "-layout", buildFile(t, baseInput(Korean, postingCapture(t, st, b)), st), "-"))
	i := strings.Index(text, squash("게시물 기록 (페이지에서 읽은 내용)"))
	if i < 0 || !strings.Contains(text[i:], squash(textsKo.AfterCapture)) {
		t.Error("the posting's time after the capture is not flagged")
	}
}

// TestSiteProfileRow: the method names the site profile and says whether the page's markup
// was the one it knows, with what it did to the page; a fallback says the generic way was used.
func TestSiteProfileRow(t *testing.T) {
	needTool(t, "pdftotext")
	st := newStore()
	for _, tc := range []struct {
		site *evidence.SiteRecord
		lang Lang
		want []string
	}{
		{&evidence.SiteRecord{Profile: "naver_news", Site: "Naver News", Matched: true, Prepared: []string{"switched the CleanBot filter off"}},
			Korean, []string{"사이트 프로필", "Naver News (naver_news): 이 사이트의 화면 구조를 알아보고", "switched the CleanBot filter off"}},
		{&evidence.SiteRecord{Profile: "dcinside", Site: "DC Inside"}, English,
			[]string{"Site profile", "DC Inside (dcinside): the page structure was not the one known", "captured the generic way"}},
	} {
		c := makeCapture(t, st, capSpec{id: "0190a1b2-0000-7000-8000-0000000051e0", status: evidence.StatusComplete,
			title: koTitle, reqURL: longURL, finURL: finalURL, shot: synthPNG(t, 1280, 1800, 3), site: tc.site})
		text := squash(run(t, "pdftotext", "-layout", buildFile(t, baseInput(tc.lang, c), st), "-"))
		for _, w := range tc.want {
			if !strings.Contains(text, squash(w)) {
				t.Errorf("%s: %q not in the report", tc.site.Profile, w)
			}
		}
	}
}
