package completeness

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"evidentia/evidence"
)

func testdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func codes(c evidence.Completeness) []string {
	out := []string{}
	for _, r := range c.Reasons {
		out = append(out, r.Code)
	}
	return out
}

// shortPost is a genuine short community posting (about 400 letters), the body of several traps.
const shortPost = `자유게시판
글쓰기
목록
우리 동네 사전투표소 위치가 바뀌었네요
작성자 동네주민 | 2026.05.26 21:14 | 조회 87
이번 지방선거부터 우리 동네 사전투표소가 주민센터 2층에서 바로 옆 초등학교 체육관으로 옮겨졌다고 합니다. 어제 주민센터에 갔다가 안내문을 보고 알았어요.
체육관은 엘리베이터가 없는 대신 1층이라 어르신들이 오르내리기는 오히려 편할 것 같습니다. 주차장은 학교 운동장 쪽을 쓰면 되고, 정문 앞에는 차를 세우지 말아 달라고 하네요.
사전투표는 금요일과 토요일 오전 6시부터 오후 6시까지이고, 신분증만 챙기시면 됩니다. 헷갈리시는 분들은 선관위 누리집에서 주소로 검색해 보세요.
`

func TestJudge(t *testing.T) {
	news := testdata(t, "naver_news_article.txt")
	for _, tc := range []struct {
		name  string
		in    Input
		want  evidence.Verdict
		codes []string
	}{
		// Rule 1: the HTTP status.
		{"404 even with a long page", Input{Status: 404, Text: news}, evidence.VerdictDeleted, []string{evidence.ReasonHTTP404}},
		{"410", Input{Status: 410, Text: "Gone"}, evidence.VerdictDeleted, []string{evidence.ReasonHTTP410}},
		{"429", Input{Status: 429, Text: "Too Many Requests"}, evidence.VerdictBlocked, []string{evidence.ReasonRateLimited}},
		{"500", Input{Status: 500, Text: "Internal Server Error"}, evidence.VerdictErrorPage, []string{evidence.ReasonErrorStatus}},
		{"502 with a long page", Input{Status: 502, Text: news}, evidence.VerdictErrorPage, []string{evidence.ReasonErrorStatus}},
		{"403 plain", Input{Status: 403, Text: "Forbidden"}, evidence.VerdictErrorPage, []string{evidence.ReasonErrorStatus}},
		{"401 with login text", Input{Status: 401, Title: "Instagram", Text: testdata(t, "instagram_login.txt")},
			evidence.VerdictLoginWall, []string{evidence.ReasonLoginNotice, evidence.ReasonErrorStatus}},
		{"403 at a login address", Input{Status: 403, FinalURL: "https://nid.naver.com/nidlogin.login?url=https%3A%2F%2Fcafe.naver.com%2Fx", Text: "NAVER"},
			evidence.VerdictLoginWall, []string{evidence.ReasonLoginRedirect, evidence.ReasonErrorStatus}},
		{"500 with login text is an error page", Input{Status: 500, Text: "로그인이 필요합니다"}, evidence.VerdictErrorPage, []string{evidence.ReasonErrorStatus}},
		{"403 Cloudflare challenge", Input{Status: 403, Title: "Just a moment...", Text: testdata(t, "cloudflare.txt")},
			evidence.VerdictBlocked, []string{evidence.ReasonBotCheck, evidence.ReasonErrorStatus}},
		{"503 Cloudflare challenge", Input{Status: 503, Title: "Just a moment...", Text: "Checking your browser before accessing example.kr."},
			evidence.VerdictBlocked, []string{evidence.ReasonBotCheck, evidence.ReasonErrorStatus}},

		// Rule 2: deletion notices.
		{"Naver blog deleted (in the frame)", Input{Status: 200, Title: "네이버 블로그", Text: "블로그\n본문 바로가기",
			FrameTexts: []string{testdata(t, "naver_blog_deleted.txt")}}, evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},
		{"DC Inside deleted", Input{Status: 200, Title: "국내야구 갤러리 - 커뮤니티 포털 디시인사이드", Text: testdata(t, "dcinside_deleted.txt")},
			evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},
		{"X unavailable", Input{Status: 200, Title: "X", Text: testdata(t, "x_unavailable.txt")},
			evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},
		{"YouTube removed", Input{Status: 200, Title: "YouTube", Text: testdata(t, "youtube_removed.txt")},
			evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},
		{"notice in the title only", Input{Status: 200, Title: "삭제된 게시물입니다", Text: "목록\n이전글\n다음글"},
			evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},
		{"bare notice is deleted, not empty", Input{Text: "삭제된 게시글입니다."}, evidence.VerdictDeleted, []string{evidence.ReasonDeletedNotice}},

		// Rule 3: login walls.
		{"Instagram login redirect", Input{Status: 200, Title: "Instagram", FinalURL: "https://www.instagram.com/accounts/login/?next=%2Fp%2FC7abc%2F",
			Text: testdata(t, "instagram_login.txt")}, evidence.VerdictLoginWall, []string{evidence.ReasonLoginRedirect, evidence.ReasonLoginNotice}},
		{"Instagram login wall at the post's address", Input{Status: 200, Title: "Instagram", FinalURL: "https://www.instagram.com/p/C7abc/",
			Text: testdata(t, "instagram_login.txt")}, evidence.VerdictLoginWall, []string{evidence.ReasonLoginNotice}},
		{"Instagram login wall, Korean", Input{Status: 200, Title: "Instagram", Text: testdata(t, "instagram_login_ko.txt")},
			evidence.VerdictLoginWall, []string{evidence.ReasonLoginNotice}},
		{"Naver cafe members only", Input{Status: 200, Title: "○○동 주민 모임 : 네이버 카페", Text: testdata(t, "naver_cafe_members.txt")},
			evidence.VerdictLoginWall, []string{evidence.ReasonLoginNotice}},
		{"spacing variant", Input{Status: 200, Text: "홈\n로그인후 이용하실 수 있습니다.\n확인"}, evidence.VerdictLoginWall, []string{evidence.ReasonLoginNotice}},
		{"X login flow", Input{Status: 200, FinalURL: "https://x.com/i/flow/login?redirect_after_login=%2Fsomeone%2Fstatus%2F1", Text: "Sign in to X\nNext"},
			evidence.VerdictLoginWall, []string{evidence.ReasonLoginRedirect, evidence.ReasonLoginNotice}},

		// Rule 4: blocks.
		{"YouTube bot check", Input{Status: 200, Title: "YouTube", Text: testdata(t, "youtube_bot.txt")},
			evidence.VerdictBlocked, []string{evidence.ReasonCaptcha}},
		{"Cloudflare with status 200", Input{Status: 200, Title: "Just a moment...", Text: testdata(t, "cloudflare.txt")},
			evidence.VerdictBlocked, []string{evidence.ReasonBotCheck}},
		{"age gate", Input{Status: 200, Title: "성인 인증", Text: testdata(t, "age_gate.txt")},
			evidence.VerdictBlocked, []string{evidence.ReasonAgeGate}},
		{"Naver captcha", Input{Status: 200, Text: "NAVER\n자동입력 방지 문자\n아래 이미지를 보이는 대로 입력해주세요.\n새로고침\n확인"},
			evidence.VerdictBlocked, []string{evidence.ReasonCaptcha}},
		{"Google sorry page", Input{Status: 200, FinalURL: "https://www.google.com/sorry/index?continue=https://www.google.com/search%3Fq%3Dx",
			Text: "About this page\nOur systems have detected unusual traffic from your computer network."},
			evidence.VerdictBlocked, []string{evidence.ReasonRateLimited}},
		{"Cloudflare challenge address", Input{Status: 200, FinalURL: "https://example.kr/post/1?__cf_chl_rt_tk=abc", Text: shortPost},
			evidence.VerdictBlocked, []string{evidence.ReasonBotCheck}},
		{"Access Denied", Input{Status: 200, Title: "Access Denied", Text: "Access Denied\nYou don't have permission to access this server.\nReference #18.2f"},
			evidence.VerdictBlocked, []string{evidence.ReasonAccessDenied}},

		// Rule 5: empty.
		{"no text", Input{Status: 200}, evidence.VerdictEmpty, []string{evidence.ReasonNoContent}},
		{"a loading word", Input{Status: 200, Title: "A long title that does not count as content", Text: "Loading…"},
			evidence.VerdictEmpty, []string{evidence.ReasonNoContent}},
		{"no text but images", Input{Status: 200, Images: 2}, evidence.VerdictComplete, []string{}},
		{"no text but a video", Input{Status: 200, Videos: 1}, evidence.VerdictComplete, []string{}},
		{"text counted by the capture", Input{Status: 200, TextChars: 500}, evidence.VerdictComplete, []string{}},

		// Rule 6: incomplete.
		{"fewer comments, expansion limit", Input{Status: 200, Text: news, Images: 1, CommentsStated: true, CommentsClaimed: 128,
			CommentsCaptured: 40, ExpansionLimit: "max_clicks"},
			evidence.VerdictIncomplete, []string{evidence.ReasonCommentsFewer, evidence.ReasonExpansionLimit}},
		{"lazy, timed out, partial", Input{Status: 200, Text: news, LazyPending: true, LazyDetail: "3 images", TimedOut: true, Partial: true},
			evidence.VerdictIncomplete, []string{evidence.ReasonLazyContent, evidence.ReasonTimedOut, evidence.ReasonPartial}},
		{"more comments than claimed is fine", Input{Status: 200, Text: news, CommentsStated: true, CommentsClaimed: 128, CommentsCaptured: 131},
			evidence.VerdictComplete, []string{}},

		// Rule 7: complete, and the false-positive traps.
		{"Naver News article with comments", Input{Status: 200, Title: "선관위, 사전투표 앞두고 투표소 점검 : 네이버 뉴스", Text: news, Images: 1,
			CommentsStated: true, CommentsClaimed: 128, CommentsCaptured: 128}, evidence.VerdictComplete, []string{}},
		{"Korean article quoting every kind of notice", Input{Status: 200, Title: `"삭제된 게시물입니다"…선거 비방글 지워도 기록은 남는다`,
			Text: testdata(t, "article_quoting.txt")}, evidence.VerdictComplete, []string{}},
		{"English article quoting notices", Input{Status: 200, Title: "When a post vanishes, the evidence need not",
			Text: testdata(t, "article_quoting_en.txt")}, evidence.VerdictComplete, []string{}},
		{"login link in the header", Input{Status: 200, Text: "로그인\n회원가입\n" + shortPost}, evidence.VerdictComplete, []string{}},
		{"login box at the end of a short post", Input{Status: 200, Text: shortPost + "댓글 0\n댓글을 작성하려면 로그인이 필요합니다.\n"},
			evidence.VerdictComplete, []string{}},
		{"reCAPTCHA footer under a short post", Input{Status: 200, Text: shortPost +
			"This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.\n"},
			evidence.VerdictComplete, []string{}},
		{"deletion notice beside the posting's images", Input{Status: 200, Text: "이 게시물은 삭제 요청이 접수되어 검토 중입니다.", Images: 6},
			evidence.VerdictComplete, []string{}},
		{"age in an election article", Input{Status: 200, Text: "공지\n" + strings.Repeat("만 18세 이상 국민은 누구나 투표할 수 있으며, 19세 이상 유권자의 투표율은 지난 선거보다 높았다.\n", 8)},
			evidence.VerdictComplete, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Judge(tc.in)
			if got.Verdict != tc.want || !slices.Equal(codes(got), tc.codes) {
				t.Errorf("got %s %v, want %s %v\n%+v", got.Verdict, codes(got), tc.want, tc.codes, got.Reasons)
			}
			for _, r := range got.Reasons {
				if r.Detail == "" || r.Key() == "" {
					t.Errorf("reason %+v: no detail or no key", r)
				}
			}
		})
	}
}

func TestJudgeDetails(t *testing.T) {
	c := Judge(Input{Status: 200, Title: "X", Text: testdata(t, "x_unavailable.txt")})
	if d := c.Reasons[0].Detail; !strings.Contains(d, `"This post is unavailable"`) || !strings.Contains(d, `"This post is unavailable."`) {
		t.Errorf("detail does not quote the phrase and the line: %s", d)
	}
	c = Judge(Input{Status: 200, Text: strings.Repeat("x", 30), CommentsStated: true, CommentsClaimed: 10, CommentsCaptured: 3,
		ExpansionLimit: strings.Repeat("limit", 100)})
	if d := c.Reasons[0].Detail; d != "the page states 10 comments; 3 were captured" {
		t.Errorf("comments detail: %s", d)
	}
	if d := c.Reasons[1].Detail; utf8.RuneCountInString(d) > 140 {
		t.Errorf("expansion detail not capped: %d", utf8.RuneCountInString(d))
	}
	// A page line quoted in a detail is capped.
	c = Judge(Input{Text: "삭제된 게시물입니다 " + strings.Repeat("가", 10) + "\n"})
	long := Judge(Input{Title: "삭제된 게시물입니다" + strings.Repeat("!", 5000)})
	if c.Verdict != evidence.VerdictDeleted || long.Verdict != evidence.VerdictDeleted {
		t.Fatalf("verdicts %s %s", c.Verdict, long.Verdict)
	}
	if n := utf8.RuneCountInString(long.Reasons[0].Detail); n > evidence.MaxReasonDetail+40 {
		t.Errorf("detail of %d characters", n)
	}
	// The status is in the detail.
	if d := Judge(Input{Status: 503}).Reasons[0].Detail; !strings.Contains(d, "503") {
		t.Errorf("status detail: %s", d)
	}
}

func TestJudgeComments(t *testing.T) {
	for _, tc := range []struct {
		in   Input
		want string
	}{
		{Input{Text: shortPost}, `{"verdict":"complete","reasons":[]}`},
		{Input{Text: shortPost, CommentsCaptured: 4}, `{"verdict":"complete","reasons":[],"comments":{"expected":-1,"captured":4}}`},
		{Input{Text: shortPost, CommentsStated: true}, `{"verdict":"complete","reasons":[],"comments":{"expected":0,"captured":0}}`},
		{Input{Text: shortPost, CommentsStated: true, CommentsClaimed: 2, CommentsCaptured: 2},
			`{"verdict":"complete","reasons":[],"comments":{"expected":2,"captured":2}}`},
	} {
		b, err := json.Marshal(Judge(tc.in))
		if err != nil || string(b) != tc.want {
			t.Errorf("got %s %v, want %s", b, err, tc.want)
		}
	}
}

// TestDominance pins the three measures on one notice, moved and padded.
func TestDominance(t *testing.T) {
	para := "선거관리위원회는 이번 선거에서 투표소 시설을 점검하고 안내 인력을 늘렸다고 밝혔다. 장애인 투표 편의 시설도 함께 살폈다.\n" // 51 letters
	notice := "존재하지 않는 게시물입니다.\n"
	for _, tc := range []struct {
		name string
		text string
		want evidence.Verdict
	}{
		{"alone", notice, evidence.VerdictDeleted},
		{"with a little content", notice + strings.Repeat(para, 3), evidence.VerdictDeleted}, // 153 letters besides
		{"with an article", notice + strings.Repeat(para, 4), evidence.VerdictComplete},      // 204 letters besides
		{"inside a sentence", "게시판에 들어가 보니 작성자가 올린 글은 이미 사라졌고 '존재하지 않는 게시물입니다'라는 안내만 남아 있어 확인이 어려웠다는 것이다.\n", evidence.VerdictComplete},
		// Position does not count: a notice after a long menu is still the page's message.
		{"at the bottom of a page of menus", strings.Repeat("메뉴 항목\n", 80) + notice, evidence.VerdictDeleted},
		{"after a posting", strings.Repeat(para, 3) + notice, evidence.VerdictComplete}, // 153 letters before it
		{"at the centre of a page", strings.Repeat("메뉴 항목\n", 40) + notice + strings.Repeat("메뉴 항목\n", 40), evidence.VerdictDeleted},
	} {
		if got := Judge(Input{Status: 200, Text: tc.text}).Verdict; got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Sign in to confirm you’re not a bot": "signintoconfirmyourenotabot",
		"Just a moment…":                      "justamoment",
		"로그인 후  이용":                           "로그인후이용",
		"ＣＡＰＴＣＨＡ":                             "captcha",
		"삭제된\u200b게시물입니다":                     "삭제된게시물입니다",
		"로그인\u2060이 필요합니다":                    "로그인이필요합니다",
		"삭제된\u3164게시물\u00ad입니다":               "삭제된게시물입니다",
		"삭제된·게시물-입니다":                         "삭제된게시물입니다",
		"\ufeff로그인\u200d후 이용":                 "로그인후이용",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestInvisibleCharactersDoNotHideANotice: a deletion or login notice broken up with
// characters that draw nothing, or with punctuation, is still the notice.
func TestInvisibleCharactersDoNotHideANotice(t *testing.T) {
	menu := strings.Repeat("홈 갤러리 목록 글쓰기 설정\n", 3)
	for _, tc := range []struct {
		text string
		want evidence.Verdict
	}{
		{"삭제된\u200b게시물입니다\n" + menu, evidence.VerdictDeleted},
		{"해당 게시물은\u3164삭제되었습니다\n" + menu, evidence.VerdictDeleted},
		{"로그인\u2060이 필요합니다\n" + menu, evidence.VerdictLoginWall},
		{"삭제된·게시물입니다\n" + menu, evidence.VerdictDeleted},
	} {
		if got := Judge(Input{Status: 200, Text: tc.text}); got.Verdict != tc.want {
			t.Errorf("%q: got %s %+v, want %s", tc.text, got.Verdict, got.Reasons, tc.want)
		}
	}
}

func TestPhrasesAreFolded(t *testing.T) {
	for _, list := range [][]phrase{deletedPhrases, loginPhrases, blockedPhrases, blockedURLs} {
		for _, ph := range list {
			if ph.key == "" || ph.letters == 0 || evidence.ReasonKey(ph.code) == "" {
				t.Errorf("phrase %+v", ph)
			}
		}
	}
}

func FuzzJudge(f *testing.F) {
	f.Add(200, "Instagram", testdata(f, "instagram_login.txt"), "", "https://www.instagram.com/p/x/", 0, 0, 0, false, false, false, "")
	f.Add(403, "Just a moment...", testdata(f, "cloudflare.txt"), "", "", 0, 0, 0, false, false, false, "")
	f.Add(200, "", testdata(f, "naver_news_article.txt"), testdata(f, "naver_blog_deleted.txt"), "http://m.blog.naver.com/a/1", 1, 128, 40, true, true, true, "max_clicks")
	f.Add(0, "\xff\n", "\x00삭제된 게시물입니다\r\n\u202e", "\u3164", "::", -5, -1, -7, true, false, false, "\n")
	f.Fuzz(func(t *testing.T, status int, title, text, frame, finalURL string, images, claimed, captured int, stated, lazy, timedOut bool, limit string) {
		c := Judge(Input{Status: status, Title: title, Text: text, FrameTexts: []string{frame}, FinalURL: finalURL, Images: images,
			CommentsStated: stated, CommentsClaimed: claimed, CommentsCaptured: captured, LazyPending: lazy, TimedOut: timedOut, ExpansionLimit: limit})
		if !c.Verdict.Known() {
			t.Fatalf("unknown verdict %q", c.Verdict)
		}
		if c.Reasons == nil {
			t.Fatal("nil reasons")
		}
		if (c.Verdict == evidence.VerdictComplete) != (len(c.Reasons) == 0) {
			t.Fatalf("%s with reasons %v", c.Verdict, c.Reasons)
		}
		for _, r := range c.Reasons {
			if r.Key() == "" {
				t.Fatalf("unknown reason %q", r.Code)
			}
		}
		if c.Comments != nil && (c.Comments.Captured < 0 || c.Comments.Expected < evidence.CommentsNotStated) {
			t.Fatalf("comments %+v", c.Comments)
		}
	})
}

func TestJudgeLargePage(t *testing.T) {
	big := strings.Repeat(strings.Repeat("가나다라 마바사 ", 400)+"\n", 2000) // ~10 MB
	start := time.Now()
	c := Judge(Input{Status: 200, Text: big + "삭제된 게시물입니다\n", FrameTexts: []string{big}})
	if c.Verdict != evidence.VerdictComplete {
		t.Errorf("verdict %s %v", c.Verdict, c.Reasons)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s", d)
	}
}
